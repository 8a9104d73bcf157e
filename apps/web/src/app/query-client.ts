import { QueryClient } from '@tanstack/react-query';
import { onSessionEnd } from '../features/session/session';
import { Problem } from '../lib/problems';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A refusal or a missing record will not change by asking again; a dropped link may.
      retry: (count, error) => count < 2 && (!(error instanceof Problem) || error.status === 0 || error.status >= 500),
      refetchOnWindowFocus: false,
    },
    mutations: { retry: false },
  },
});

// Signing out (or a session ending) forgets every answer held in memory: the next user of a
// shared computer at the centre, or the back button, finds no case data.
onSessionEnd(() => queryClient.clear());
