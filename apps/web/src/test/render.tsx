import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { theme } from '../app/theme';
import i18n from '../lib/i18n';

/** A screen inside the app's providers (Mantine, i18n in French, a fresh query client, a router at `path`). */
export function renderWithProviders(ui: ReactNode, { path = '/', routes = {} as Record<string, ReactNode> } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return {
    queryClient,
    ...render(
      <MantineProvider theme={theme}>
        <I18nextProvider i18n={i18n}>
          <QueryClientProvider client={queryClient}>
            <MemoryRouter initialEntries={[path]}>
              <Routes>
                <Route path={path} element={ui} />
                {Object.entries(routes).map(([p, el]) => (
                  <Route key={p} path={p} element={el} />
                ))}
              </Routes>
            </MemoryRouter>
          </QueryClientProvider>
        </I18nextProvider>
      </MantineProvider>,
    ),
  };
}
