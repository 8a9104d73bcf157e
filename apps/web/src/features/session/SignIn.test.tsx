import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { theme } from '../../app/theme';
import i18n from '../../lib/i18n';
import fr from '../../locales/fr.json';
import { SignIn } from './SignIn';

function renderSignIn() {
  return render(
    <MantineProvider theme={theme}>
      <I18nextProvider i18n={i18n}>
        <MemoryRouter initialEntries={['/sign-in']}>
          <Routes>
            <Route path="/sign-in" element={<SignIn />} />
            <Route path="/" element={<p>home</p>} />
          </Routes>
        </MemoryRouter>
      </I18nextProvider>
    </MantineProvider>,
  );
}

const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify({ type: 'about:blank', status, ...body }), { status, headers: { 'content-type': 'application/problem+json' } });

describe('SignIn', () => {
  let fetchMock: ReturnType<typeof vi.fn>;

  beforeEach(async () => {
    await i18n.changeLanguage('fr');
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('renders in French: the heading, the two fields and the button', () => {
    renderSignIn();
    expect(screen.getByRole('heading', { level: 1, name: fr.signIn.title })).toBeInTheDocument();
    expect(screen.getByLabelText(fr.signIn.email, { exact: false })).toBeInTheDocument();
    expect(screen.getByLabelText(fr.signIn.password, { exact: false, selector: 'input' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: fr.signIn.submit })).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('a wrong password (401 INVALID_CREDENTIALS) shows the French sentence and keeps the email', async () => {
    fetchMock.mockResolvedValue(problem(401, { title: 'Unauthorized', code: 'INVALID_CREDENTIALS', detail: 'Invalid email or password' }));
    const user = userEvent.setup();
    renderSignIn();

    await user.type(screen.getByLabelText(fr.signIn.email, { exact: false }), 'caseworker@iom-ml.example.org');
    await user.type(screen.getByLabelText(fr.signIn.password, { exact: false, selector: 'input' }), 'not-the-password');
    await user.click(screen.getByRole('button', { name: fr.signIn.submit }));

    expect(await screen.findByRole('alert')).toHaveTextContent(fr.problems.INVALID_CREDENTIALS);
    expect(screen.getByLabelText(fr.signIn.email, { exact: false })).toHaveValue('caseworker@iom-ml.example.org');
    // Never the raw answer.
    expect(screen.queryByText(/Invalid email or password/)).not.toBeInTheDocument();

    // One call, to the login route, with the web header (the refresh token goes to the HttpOnly cookie).
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const request = fetchMock.mock.calls[0]![0] as Request;
    expect(new URL(request.url).pathname).toBe('/api/v1/auth/login');
    expect(request.method).toBe('POST');
    expect(request.headers.get('X-Requested-With')).toBe('passerelle-web');
    expect(await request.json()).toEqual({ email: 'caseworker@iom-ml.example.org', password: 'not-the-password' });
  });

  it('no network: the NETWORK sentence, and what was typed stays', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const user = userEvent.setup();
    renderSignIn();

    await user.type(screen.getByLabelText(fr.signIn.email, { exact: false }), 'manager@iom-ml.example.org');
    await user.type(screen.getByLabelText(fr.signIn.password, { exact: false, selector: 'input' }), 'whatever-it-is');
    await user.click(screen.getByRole('button', { name: fr.signIn.submit }));

    expect(await screen.findByRole('alert')).toHaveTextContent(fr.problems.NETWORK);
    expect(screen.getByLabelText(fr.signIn.email, { exact: false })).toHaveValue('manager@iom-ml.example.org');
  });

  it('an incomplete email is refused before any request', async () => {
    const user = userEvent.setup();
    renderSignIn();
    await user.type(screen.getByLabelText(fr.signIn.email, { exact: false }), 'caseworker');
    await user.type(screen.getByLabelText(fr.signIn.password, { exact: false, selector: 'input' }), 'x');
    await user.click(screen.getByRole('button', { name: fr.signIn.submit }));
    expect(await screen.findByText(fr.signIn.emailInvalid)).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
