import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch, problem } from '../test/fetch-mock';

// api-client holds the token and the refresh in flight as module state: a fresh module per test.
async function freshClient() {
  vi.resetModules();
  return import('./api-client');
}

describe('api-client: every call', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('carries the web header always, and the bearer once a token is set', async () => {
    const http = mockFetch({ 'GET /api/v1/cases': () => json(200, { items: [] }) });
    const { api, setAccessToken } = await freshClient();

    await api.GET('/api/v1/cases', {});
    expect(http.calls[0]!.headers.get('X-Requested-With')).toBe('passerelle-web');
    expect(http.calls[0]!.headers.has('Authorization')).toBe(false);

    setAccessToken('token-1');
    await api.GET('/api/v1/cases', {});
    expect(http.calls[1]!.headers.get('Authorization')).toBe('Bearer token-1');
    expect(http.calls[1]!.headers.get('X-Requested-With')).toBe('passerelle-web');
  });

  it('never sends the bearer to the auth routes (login, refresh, logout), and sends the cookie there', async () => {
    const http = mockFetch({
      'POST /api/v1/auth/login': () => json(200, {}),
      'POST /api/v1/auth/refresh': () => json(200, {}),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    const { api, setAccessToken, WEB_HEADER } = await freshClient();
    setAccessToken('token-1');

    await api.POST('/api/v1/auth/login', { body: { email: 'a@b.org', password: 'x' }, headers: WEB_HEADER });
    await api.POST('/api/v1/auth/refresh', { headers: WEB_HEADER });
    await api.POST('/api/v1/auth/logout', { headers: WEB_HEADER });

    expect(http.calls.map((c) => c.path)).toEqual(['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout']);
    for (const c of http.calls) {
      expect(c.headers.has('Authorization')).toBe(false);
      expect(c.headers.get('X-Requested-With')).toBe('passerelle-web');
      expect(c.init?.credentials).toBe('same-origin');
    }
  });
});

describe('api-client: a 401 on a data route', () => {
  beforeEach(() => vi.useRealTimers());
  afterEach(() => vi.unstubAllGlobals());

  it('refreshes once and replays the request (same method and body) with the new token', async () => {
    const http = mockFetch({
      'POST /api/v1/cases/duplicate-check': (c) => (c.headers.get('Authorization') === 'Bearer new' ? json(200, { items: [] }) : problem(401, 'INVALID_TOKEN')),
    });
    const { api, setAccessToken, configureSession } = await freshClient();
    const expired = vi.fn();
    const refresh = vi.fn(async () => {
      setAccessToken('new');
      return true;
    });
    configureSession({ refresh, expired });
    setAccessToken('old');

    const res = await api.POST('/api/v1/cases/duplicate-check', { body: { givenName: 'Awa', familyName: 'Traoré' } });

    expect(res.response.status).toBe(200);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(expired).not.toHaveBeenCalled();
    expect(http.calls).toHaveLength(2);
    const [first, replay] = http.calls;
    expect(first!.headers.get('Authorization')).toBe('Bearer old');
    expect(replay!.headers.get('Authorization')).toBe('Bearer new');
    expect(replay!.headers.get('X-Requested-With')).toBe('passerelle-web');
    expect(replay!.method).toBe('POST');
    expect(replay!.path).toBe('/api/v1/cases/duplicate-check');
    expect(JSON.parse(replay!.body)).toEqual({ givenName: 'Awa', familyName: 'Traoré' });
    expect(replay!.body).toBe(first!.body);
  });

  it('three parallel 401s share one refresh, and each request is replayed', async () => {
    mockFetch({
      'GET /api/v1/cases': (c) => (c.headers.get('Authorization') === 'Bearer new' ? json(200, { items: [] }) : problem(401, 'INVALID_TOKEN')),
    });
    const { api, setAccessToken, configureSession } = await freshClient();
    const refresh = vi.fn(
      () =>
        new Promise<boolean>((resolve) =>
          setTimeout(() => {
            setAccessToken('new');
            resolve(true);
          }, 20),
        ),
    );
    configureSession({ refresh, expired: vi.fn() });
    setAccessToken('old');

    const answers = await Promise.all([1, 2, 3].map(() => api.GET('/api/v1/cases', {})));

    expect(refresh).toHaveBeenCalledTimes(1);
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 200]);
  });

  it('when no new token can be had, the session is told it expired and the 401 is returned', async () => {
    const http = mockFetch({ 'GET /api/v1/cases': () => problem(401, 'INVALID_TOKEN') });
    const { api, setAccessToken, configureSession } = await freshClient();
    const expired = vi.fn();
    configureSession({ refresh: async () => false, expired });
    setAccessToken('old');

    const res = await api.GET('/api/v1/cases', {});

    expect(res.response.status).toBe(401);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(http.calls).toHaveLength(1); // no replay
  });

  it('a 401 from an auth route is returned as is: no refresh (a wrong password is not an expired session)', async () => {
    mockFetch({ 'POST /api/v1/auth/login': () => problem(401, 'INVALID_CREDENTIALS') });
    const { api, configureSession, WEB_HEADER } = await freshClient();
    const refresh = vi.fn(async () => true);
    const expired = vi.fn();
    configureSession({ refresh, expired });

    const res = await api.POST('/api/v1/auth/login', { body: { email: 'a@b.org', password: 'x' }, headers: WEB_HEADER });

    expect(res.response.status).toBe(401);
    expect(refresh).not.toHaveBeenCalled();
    expect(expired).not.toHaveBeenCalled();
  });
});
