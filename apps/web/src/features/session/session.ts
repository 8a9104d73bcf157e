import { useSyncExternalStore } from 'react';
import { api, configureSession, hasAccessToken, setAccessToken, WEB_HEADER, type Schemas } from '../../lib/api-client';
import { applyLanguageOf } from '../../lib/i18n';
import { Problem, unwrap } from '../../lib/problems';

export interface Me {
  user: Schemas['SessionUserDto'];
  organization: { id: string; code: string; capabilities: string[] };
  roles: string[];
}

export type SessionState =
  | { status: 'restoring' }
  | { status: 'signedOut'; reason?: 'expired' | 'signedOut' }
  | { status: 'signedIn'; me: Me };

let state: SessionState = { status: 'restoring' };
const listeners = new Set<() => void>();
const cleanups = new Set<() => void>();
let renewTimer: ReturnType<typeof setTimeout> | undefined;

function set(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

export function currentSession() {
  return state;
}

/** What must be forgotten when the session ends (the query cache, the recent cases …). */
export function onSessionEnd(cleanup: () => void) {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Renew a minute before the access token expires (silent refresh), not on the first 401. */
function scheduleRenewal(expiresIn: number) {
  clearTimeout(renewTimer);
  const ms = Math.max(10, expiresIn - 60) * 1000;
  renewTimer = setTimeout(() => void renew(), ms);
}

function accept(session: { accessToken: string; expiresIn: number }) {
  setAccessToken(session.accessToken);
  scheduleRenewal(session.expiresIn);
}

async function loadMe(): Promise<Me> {
  const me = (await unwrap(api.GET('/api/v1/me'))) as Me;
  applyLanguageOf(me.user.id);
  return me;
}

/**
 * A new access token from the HttpOnly cookie; false only when the server refuses it (the login
 * is over: 400, 401, 403). No network, or a server that cannot answer (5xx): the session may well
 * be alive, so keep the token held and try again in a while: never sign out over a bad link.
 */
async function renew(): Promise<boolean> {
  try {
    const { data, response } = await api.POST('/api/v1/auth/refresh', { headers: WEB_HEADER });
    if (data) {
      accept(data);
      return true;
    }
    if (response.status === 400 || response.status === 401 || response.status === 403) return false;
  } catch {
    /* no network */
  }
  if (state.status === 'signedIn') scheduleRenewal(90);
  return hasAccessToken();
}

function end(reason: 'expired' | 'signedOut') {
  clearTimeout(renewTimer);
  setAccessToken(null);
  for (const c of cleanups) c();
  set({ status: 'signedOut', reason });
}

configureSession({
  refresh: renew,
  expired: () => {
    if (state.status === 'signedIn') end('expired');
  },
});

export async function signIn(email: string, password: string): Promise<void> {
  const session = await unwrap(api.POST('/api/v1/auth/login', { body: { email, password }, headers: WEB_HEADER }));
  accept(session);
  set({ status: 'signedIn', me: await loadMe() });
}

/** At start: a reload keeps the session through the refresh cookie, or lands on the sign-in page. */
export async function restore(): Promise<void> {
  try {
    if (await renew()) {
      set({ status: 'signedIn', me: await loadMe() });
      return;
    }
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
  }
  setAccessToken(null);
  set({ status: 'signedOut' });
}

/** Ends the session on this device whatever the network says (the server revokes it when reached). */
export async function signOut(): Promise<void> {
  try {
    await api.POST('/api/v1/auth/logout', { headers: WEB_HEADER });
  } catch {
    /* no network: the cookie stays until it expires or the next sign-out reaches the server */
  } finally {
    end('signedOut');
  }
}

export function hasRole(me: Me, ...roles: string[]) {
  return me.roles.some((r) => roles.includes(r));
}
