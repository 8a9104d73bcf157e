import createClient from 'openapi-fetch';
import type { components, paths } from '../api/schema';

/** The header that makes the auth routes use the HttpOnly refresh cookie (and proves same-origin: CSRF). */
export const WEB_HEADER = { 'X-Requested-With': 'passerelle-web' } as const;

export type Schemas = components['schemas'];

/**
 * The access token lives only here, in memory: never in localStorage, sessionStorage or a
 * cookie the page can read. A reload loses it; the HttpOnly refresh cookie brings a new one.
 */
let accessToken: string | null = null;
let refreshInFlight: Promise<boolean> | null = null;
let refresher: () => Promise<boolean> = async () => false;
let onExpired: () => void = () => undefined;

export function setAccessToken(token: string | null) {
  accessToken = token;
}
export function hasAccessToken() {
  return accessToken !== null;
}

/** Wired by the session: how to get a new access token, and what to do when none can be had. */
export function configureSession(o: { refresh: () => Promise<boolean>; expired: () => void }) {
  refresher = o.refresh;
  onExpired = o.expired;
}

/** One refresh at a time, whoever asks: parallel 401s wait for the same answer. */
export function refreshOnce(): Promise<boolean> {
  refreshInFlight ??= refresher().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

const isAuthRoute = (url: string) => new URL(url, location.origin).pathname.startsWith('/api/v1/auth/');

/**
 * Every call: the bearer token, the web header; a 401 outside the auth routes refreshes the
 * session once and replays the request; when the session cannot be refreshed it has ended.
 */
async function sessionFetch(request: Request): Promise<Response> {
  for (const [k, v] of Object.entries(WEB_HEADER)) request.headers.set(k, v);
  if (isAuthRoute(request.url)) return fetch(request, { credentials: 'same-origin' });
  const replay = request.clone();
  if (accessToken) request.headers.set('Authorization', `Bearer ${accessToken}`);
  const res = await fetch(request);
  if (res.status !== 401) return res;
  if (!(await refreshOnce())) {
    onExpired();
    return res;
  }
  replay.headers.set('Authorization', `Bearer ${accessToken}`);
  return fetch(replay);
}

export const api = createClient<paths>({ baseUrl: location.origin, fetch: sessionFetch });
