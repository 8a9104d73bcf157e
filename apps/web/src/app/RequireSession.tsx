import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../features/session/session';

/** The signed-in part of the app: anyone else goes to the sign-in page, which brings them back here. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (session.status === 'restoring') {
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (session.status === 'signedOut') {
    const next = location.pathname + location.search;
    const params = new URLSearchParams();
    if (next !== '/') params.set('next', next);
    if (session.reason === 'expired') params.set('expired', '1');
    const q = params.toString();
    return <Navigate to={`/sign-in${q ? `?${q}` : ''}`} replace />;
  }
  return <>{children}</>;
}
