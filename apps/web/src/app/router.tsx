import { createBrowserRouter } from 'react-router';
import { NotFound } from '../components/NotFound';
import { SignIn } from '../features/session/SignIn';
import { RequireSession } from './RequireSession';
import { Shell } from './Shell';

/**
 * The sign-in page and the shell come with the first load; each area is its own chunk, fetched
 * when first opened (a phone on a weak link downloads only what it shows).
 */
export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignIn /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <Shell />
      </RequireSession>
    ),
    children: [
      { index: true, lazy: async () => ({ Component: (await import('../features/home/Home')).Home }) },
      { path: 'alerts', lazy: async () => ({ Component: (await import('../features/home/Alerts')).Alerts }) },
      { path: 'cases', lazy: async () => ({ Component: (await import('../features/cases/CaseList')).CaseList }) },
      { path: 'cases/new', lazy: async () => ({ Component: (await import('../features/cases/RegisterCase')).RegisterCase }) },
      { path: 'cases/:id', lazy: async () => ({ Component: (await import('../features/cases/CaseFile')).CaseFile }) },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
