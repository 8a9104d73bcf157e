import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch, problem } from '../../test/fetch-mock';

const ACCESS = 'eyJhbGciOiJIUzI1NiJ9.first-access-token.sig';
const RENEWED = 'eyJhbGciOiJIUzI1NiJ9.renewed-access-token.sig';

const user = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'caseworker@iom-ml.example.org',
  displayName: 'Awa Maïga',
  organizationId: '00000000-0000-4000-8000-0000000000a1',
  roles: ['caseworker'],
  siteIds: [],
};
const me = { user, organization: { id: user.organizationId, code: 'IOM-ML', capabilities: [] }, roles: ['caseworker'] };
const sessionDto = (accessToken: string, expiresIn = 900) => ({ accessToken, expiresIn, user });

/** The login and /me answers of a successful sign-in, and a data route that takes only the valid token. */
function signedInServer(valid: () => string) {
  return mockFetch({
    'POST /api/v1/auth/login': () => json(200, sessionDto(ACCESS)),
    'GET /api/v1/me': () => json(200, me),
    'POST /api/v1/cases/duplicate-check': (c) => (c.headers.get('Authorization') === `Bearer ${valid()}` ? json(200, { items: [] }) : problem(401, 'INVALID_TOKEN')),
    'GET /api/v1/cases': (c) => (c.headers.get('Authorization') === `Bearer ${valid()}` ? json(200, { items: [] }) : problem(401, 'INVALID_TOKEN')),
  });
}

// session.ts and api-client.ts keep their state in the module: each test starts from fresh ones.
async function freshSession() {
  vi.resetModules();
  const session = await import('./session');
  const { api } = await import('../../lib/api-client');
  return { ...session, api };
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('session: signing in', () => {
  it('signs in with the web header, then every data call carries the bearer and the web header', async () => {
    const http = signedInServer(() => ACCESS);
    const s = await freshSession();

    await s.signIn('caseworker@iom-ml.example.org', 'correct horse battery');

    expect(s.currentSession()).toEqual({ status: 'signedIn', me });
    const [login, meCall] = http.calls;
    expect(login!.path).toBe('/api/v1/auth/login');
    expect(login!.headers.get('X-Requested-With')).toBe('passerelle-web');
    expect(login!.headers.has('Authorization')).toBe(false);
    expect(meCall!.path).toBe('/api/v1/me');
    expect(meCall!.headers.get('Authorization')).toBe(`Bearer ${ACCESS}`);

    await s.api.GET('/api/v1/cases', {});
    const data = http.to('GET /api/v1/cases')[0]!;
    expect(data.headers.get('Authorization')).toBe(`Bearer ${ACCESS}`);
    expect(data.headers.get('X-Requested-With')).toBe('passerelle-web');
  });

  it('keeps no token in localStorage, sessionStorage or a readable cookie', async () => {
    signedInServer(() => ACCESS);
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'correct horse battery');
    expect(s.currentSession().status).toBe('signedIn');

    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i++) {
        const key = store.key(i)!;
        expect(store.getItem(key)).not.toContain('access-token');
        expect(key).not.toMatch(/token/i);
      }
    }
    expect(document.cookie).not.toContain('access-token');
  });
});

describe('session: a 401 on a data route', () => {
  it('refreshes once (POST /auth/refresh, web header, no body, no bearer) and replays with the new token', async () => {
    let valid = ACCESS;
    const http = signedInServer(() => valid);
    http.on('POST /api/v1/auth/refresh', () => json(200, sessionDto(RENEWED)));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    valid = RENEWED; // the server no longer takes the first token

    const res = await s.api.POST('/api/v1/cases/duplicate-check', { body: { givenName: 'Awa', familyName: 'Traoré' } });

    expect(res.response.status).toBe(200);
    const refreshes = http.to('POST /api/v1/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.headers.get('X-Requested-With')).toBe('passerelle-web');
    expect(refreshes[0]!.headers.has('Authorization')).toBe(false);
    expect(refreshes[0]!.body).toBe('');
    const [first, replay] = http.to('POST /api/v1/cases/duplicate-check');
    expect(first!.headers.get('Authorization')).toBe(`Bearer ${ACCESS}`);
    expect(replay!.headers.get('Authorization')).toBe(`Bearer ${RENEWED}`);
    expect(replay!.method).toBe('POST');
    expect(JSON.parse(replay!.body)).toEqual({ givenName: 'Awa', familyName: 'Traoré' });
    expect(s.currentSession().status).toBe('signedIn');
  });

  it('three parallel 401s share ONE refresh', async () => {
    let valid = ACCESS;
    const http = signedInServer(() => valid);
    http.on('POST /api/v1/auth/refresh', () => new Promise((resolve) => setTimeout(() => resolve(json(200, sessionDto(RENEWED))), 20)));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    valid = RENEWED;

    const answers = await Promise.all([1, 2, 3].map(() => s.api.GET('/api/v1/cases', {})));

    expect(http.to('POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 200]);
    expect(http.to('GET /api/v1/cases').filter((c) => c.headers.get('Authorization') === `Bearer ${RENEWED}`)).toHaveLength(3);
  });

  it('a refused refresh (401) ends the session as "expired" and runs the session-end cleanups', async () => {
    const http = signedInServer(() => 'nothing is valid any more');
    http.on('POST /api/v1/auth/refresh', () => problem(401, 'INVALID_TOKEN'));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    const cleanup = vi.fn();
    s.onSessionEnd(cleanup);
    const { result } = renderHook(() => s.useSession());
    expect(result.current.status).toBe('signedIn');

    let status = 0;
    await act(async () => {
      status = (await s.api.GET('/api/v1/cases', {})).response.status;
    });

    expect(status).toBe(401);
    expect(http.to('POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(s.currentSession()).toEqual({ status: 'signedOut', reason: 'expired' });
    expect(result.current).toEqual({ status: 'signedOut', reason: 'expired' });
    expect(cleanup).toHaveBeenCalledTimes(1);

    // The token is gone: the next call carries no bearer.
    await s.api.GET('/api/v1/cases', {});
    expect(http.to('GET /api/v1/cases').at(-1)!.headers.has('Authorization')).toBe(false);
  });

  it('no network during the refresh does not sign the user out', async () => {
    const http = signedInServer(() => 'nothing is valid any more');
    http.on('POST /api/v1/auth/refresh', () => Promise.reject(new TypeError('Failed to fetch')));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    const cleanup = vi.fn();
    s.onSessionEnd(cleanup);

    await s.api.GET('/api/v1/cases', {});

    expect(http.to('POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(s.currentSession().status).toBe('signedIn');
    expect(cleanup).not.toHaveBeenCalled();
    // The token is kept for when the link comes back.
    await s.api.GET('/api/v1/cases', {});
    expect(http.to('GET /api/v1/cases').at(-1)!.headers.get('Authorization')).toBe(`Bearer ${ACCESS}`);
  });
  it('a refresh the server could not answer (503) does not sign the user out either: only a refusal ends the session', async () => {
    const http = signedInServer(() => 'nothing is valid any more');
    http.on('POST /api/v1/auth/refresh', () => problem(503, 'DATABASE_UNAVAILABLE'));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    const cleanup = vi.fn();
    s.onSessionEnd(cleanup);

    await s.api.GET('/api/v1/cases', {});

    expect(http.to('POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(s.currentSession().status).toBe('signedIn');
    expect(cleanup).not.toHaveBeenCalled();
  });
});

describe('session: silent refresh', () => {
  it('renews `expiresIn - 60` seconds after sign-in, without waiting for a 401', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const http = signedInServer(() => RENEWED);
    http.on('POST /api/v1/auth/refresh', () => json(200, sessionDto(RENEWED, 900)));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw'); // expiresIn 900

    await vi.advanceTimersByTimeAsync(839_000);
    expect(http.to('POST /api/v1/auth/refresh')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(http.to('POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(http.to('POST /api/v1/auth/refresh')[0]!.headers.get('X-Requested-With')).toBe('passerelle-web');

    // The renewed token is the one sent from now on, without any 401 on the way.
    await s.api.GET('/api/v1/cases', {});
    const data = http.to('GET /api/v1/cases');
    expect(data).toHaveLength(1);
    expect(data[0]!.headers.get('Authorization')).toBe(`Bearer ${RENEWED}`);

    // And the renewal is scheduled again from the new expiry.
    await vi.advanceTimersByTimeAsync(840_000);
    expect(http.to('POST /api/v1/auth/refresh')).toHaveLength(2);
  });
});

describe('session: signing out', () => {
  it('calls POST /auth/logout with the web header, and ends the session', async () => {
    const http = signedInServer(() => ACCESS);
    http.on('POST /api/v1/auth/logout', () => new Response(null, { status: 204 }));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    const cleanup = vi.fn();
    s.onSessionEnd(cleanup);

    await s.signOut();

    const logout = http.to('POST /api/v1/auth/logout');
    expect(logout).toHaveLength(1);
    expect(logout[0]!.headers.get('X-Requested-With')).toBe('passerelle-web');
    expect(logout[0]!.headers.has('Authorization')).toBe(false);
    expect(s.currentSession()).toEqual({ status: 'signedOut', reason: 'signedOut' });
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it('a failed logout answer (500) still ends the session and forgets the token', async () => {
    const http = signedInServer(() => ACCESS);
    http.on('POST /api/v1/auth/logout', () => problem(500, 'INTERNAL_ERROR'));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    const cleanup = vi.fn();
    s.onSessionEnd(cleanup);

    await s.signOut();

    expect(s.currentSession()).toEqual({ status: 'signedOut', reason: 'signedOut' });
    expect(cleanup).toHaveBeenCalledTimes(1);
    await s.api.GET('/api/v1/cases', {});
    expect(http.to('GET /api/v1/cases').at(-1)!.headers.has('Authorization')).toBe(false);
  });

  it('no network for the logout still ends the session and forgets the token', async () => {
    const http = signedInServer(() => ACCESS);
    http.on('POST /api/v1/auth/logout', () => Promise.reject(new TypeError('Failed to fetch')));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    const cleanup = vi.fn();
    s.onSessionEnd(cleanup);

    // signOut passes the network error on (try/finally); what matters here is the session ended.
    await s.signOut().catch(() => undefined);

    expect(http.to('POST /api/v1/auth/logout')).toHaveLength(1);
    expect(s.currentSession()).toEqual({ status: 'signedOut', reason: 'signedOut' });
    expect(cleanup).toHaveBeenCalledTimes(1);
    await s.api.GET('/api/v1/cases', {});
    expect(http.to('GET /api/v1/cases').at(-1)!.headers.has('Authorization')).toBe(false);
  });

  it('no silent refresh after signing out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const http = signedInServer(() => ACCESS);
    http.on('POST /api/v1/auth/logout', () => new Response(null, { status: 204 }));
    http.on('POST /api/v1/auth/refresh', () => json(200, sessionDto(RENEWED)));
    const s = await freshSession();
    await s.signIn('caseworker@iom-ml.example.org', 'pw');
    await s.signOut();

    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(http.to('POST /api/v1/auth/refresh')).toHaveLength(0);
    expect(s.currentSession().status).toBe('signedOut');
  });
});
