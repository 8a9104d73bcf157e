// Issue 20: the browser session (API.md "Browser session and permitted actions"). The web app
// keeps its access token in memory and its refresh token in an HttpOnly, SameSite=Strict cookie
// scoped to /api/v1/auth, read only with X-Requested-With: passerelle-web (the CSRF check). The
// body-token flow of other clients is test/e2e/auth.e2e-spec.ts; it must not change.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, PASSWORD, type TestOrg, type TestUser } from '../support/factories.js';

const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';
const ME = '/api/v1/me';
const WEB = { 'x-requested-with': 'passerelle-web' };
const COOKIE = 'passerelle_refresh';
const INDEX = '<!doctype html><html lang="fr"><head><script type="module" src="/assets/index-1.js"></script></head><body><div id="root"></div></body></html>';

const clock = new FixedClock(new Date('2026-12-07T08:00:00Z'));
let t: TestApp;
let webDir: string;
let org: TestOrg;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'passerelle-web-'));
  writeFileSync(join(webDir, 'index.html'), INDEX);
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000', WEB_DIR: webDir } });
  org = await makeOrg(t);
});
afterAll(async () => {
  await t?.close();
  rmSync(webDir, { recursive: true, force: true });
});

type Res = { status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> };
const setCookies = (res: Res): string[] => {
  const h = res.headers['set-cookie'];
  return h === undefined ? [] : Array.isArray(h) ? h : [h];
};
/** The one Set-Cookie of the answer (there must be exactly one) and the token it holds. */
function cookieOf(res: Res): { header: string; token: string } {
  const all = setCookies(res);
  expect(all).toHaveLength(1);
  const [header] = all;
  expect(header.startsWith(`${COOKIE}=`)).toBe(true);
  return { header, token: header.slice(COOKIE.length + 1).split(';')[0] };
}
const maxAge = () => t.config.refreshTokenTtlDays * 86_400;
const setHeader = (token: string, secure = true) => `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=${maxAge()}${secure ? '; Secure' : ''}`;
const clearedHeader = (secure = true) => `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=0${secure ? '; Secure' : ''}`;

const webLogin = (email: string, password = PASSWORD, app = t) => app.http.post(LOGIN).set(WEB).send({ email, password });
const webRefresh = (token?: string, app = t) => {
  const req = app.http.post(REFRESH).set(WEB);
  return token === undefined ? req : req.set('cookie', `${COOKIE}=${token}`);
};
const webLogout = (token?: string) => {
  const req = t.http.post(LOGOUT).set(WEB);
  return token === undefined ? req : req.set('cookie', `${COOKIE}=${token}`);
};

const rowOf = (token: string) =>
  t.db.row<{ family_id: string; user_id: string; rotated_at: Date | null; revoked_at: Date | null; expires_at: Date }>(
    "SELECT family_id, user_id, rotated_at, revoked_at, expires_at FROM refresh_tokens WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
    [token],
  );
const familyRows = (familyId: string) =>
  t.db.rows<{ rotated_at: Date | null; revoked_at: Date | null }>('SELECT rotated_at, revoked_at FROM refresh_tokens WHERE family_id = $1 ORDER BY created_at, id', [familyId]);
const tokenCount = async () => (await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens'))!.n;
const auditCount = async (action: string, userId: string) =>
  (await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND entity_id = $2', [action, userId]))!.n;

/** A user signed in from the web app: its access token (memory) and its cookie. */
async function webSession(): Promise<{ u: TestUser; accessToken: string; cookie: string; family: string }> {
  const u = await makeUser(t, org, ['caseworker']);
  const res = await webLogin(u.email).expect(200);
  const { token } = cookieOf(res);
  return { u, accessToken: res.body.accessToken as string, cookie: token, family: (await rowOf(token))!.family_id };
}

describe('POST /auth/login with X-Requested-With: passerelle-web', () => {
  it('→ 200 {accessToken, expiresIn, user} without refreshToken; the refresh token is in the cookie, HttpOnly, SameSite=Strict, Path=/api/v1/auth, Max-Age its lifetime, Secure (https)', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const res = await webLogin(u.email).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresIn: 900,
      user: { id: u.user.id, email: u.email, displayName: u.user.displayName, organizationId: org.org.id, roles: ['caseworker'], siteIds: org.sites.map((s) => s.id) },
    });
    const { header, token } = cookieOf(res);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(header).toBe(setHeader(token));
    expect(JSON.stringify(res.body)).not.toContain(token);
    expect(res.headers['cache-control']).toBe('no-store');
    // A live refresh token of a new login, stored as its hash, for the lifetime the cookie states.
    const row = await rowOf(token);
    expect(row).toMatchObject({ user_id: u.user.id, rotated_at: null, revoked_at: null, expires_at: new Date(clock.now().getTime() + maxAge() * 1000) });
    expect(await t.db.row('SELECT 1 FROM refresh_tokens WHERE token_hash = $1', [token])).toBeUndefined();
    await as(t, res.body.accessToken as string).get(ME).expect(200);
  });

  it('without the header (or with another value of it) → the body flow as before: refreshToken in the body, no cookie', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    for (const headers of [{}, { 'x-requested-with': 'XMLHttpRequest' }]) {
      const res = await t.http.post(LOGIN).set(headers).send({ email: u.email, password: PASSWORD }).expect(200);
      expect(res.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
      expect(setCookies(res)).toEqual([]);
    }
  });

  it('a wrong password with the header → 401 INVALID_CREDENTIALS and no cookie', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const res = await webLogin(u.email, 'not the right password at all');
    expectProblem(res, 401, 'INVALID_CREDENTIALS');
    expect(setCookies(res)).toEqual([]);
  });
});

describe('POST /auth/refresh with the cookie', () => {
  it('with the header, no body → 200 {accessToken, expiresIn, user} (who is signed in, after a page reload) and the rotated cookie; rotation as in the body flow', async () => {
    const s = await webSession();
    const res = await webRefresh(s.cookie).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresIn: 900,
      user: { id: s.u.user.id, email: s.u.email, displayName: s.u.user.displayName, organizationId: org.org.id, roles: ['caseworker'], siteIds: org.sites.map((x) => x.id) },
    });
    const { header, token } = cookieOf(res);
    expect(token).not.toBe(s.cookie);
    expect(header).toBe(setHeader(token));
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await rowOf(s.cookie)).toMatchObject({ family_id: s.family, rotated_at: clock.now(), revoked_at: null });
    expect(await rowOf(token)).toMatchObject({ family_id: s.family, rotated_at: null, revoked_at: null });
    await as(t, res.body.accessToken as string).get(ME).expect(200);
    // And the new cookie rotates in turn.
    const again = await webRefresh(token).expect(200);
    expect(cookieOf(again).token).not.toBe(token);
    expect((await familyRows(s.family)).map((r) => r.rotated_at !== null)).toEqual([true, true, false]);
  });

  it('the cookie without the header → 403 CSRF_HEADER_REQUIRED: nothing rotated, no cookie set, the session intact', async () => {
    const s = await webSession();
    const before = await tokenCount();
    for (const headers of [{}, { 'x-requested-with': 'XMLHttpRequest' }, { 'x-requested-with': 'Passerelle-Web ' }]) {
      const res = await t.http.post(REFRESH).set(headers).set('cookie', `${COOKIE}=${s.cookie}`);
      expectProblem(res, 403, 'CSRF_HEADER_REQUIRED');
      expect(res.body.title).toBe('CSRF header required');
      expect(setCookies(res)).toEqual([]);
      // Also as a cross-site form would send it (no JSON body at all), among other cookies.
      const form = await t.http.post(REFRESH).set(headers).set('cookie', `lang=fr; ${COOKIE}=${s.cookie}`);
      expectProblem(form, 403, 'CSRF_HEADER_REQUIRED');
    }
    expect(await tokenCount()).toBe(before);
    expect(await familyRows(s.family)).toEqual([{ rotated_at: null, revoked_at: null }]);
    await webRefresh(s.cookie).expect(200);
  });

  it('with the header and no cookie → 401 INVALID_TOKEN (problem+json) and the cookie cleared', async () => {
    const res = await webRefresh();
    expectProblem(res, 401, 'INVALID_TOKEN');
    expect(cookieOf(res).header).toBe(clearedHeader());
    expect(res.body).not.toHaveProperty('accessToken');
  });

  it('with the header and an unknown or malformed cookie → 401 INVALID_TOKEN like a garbage body token, cookie cleared, nothing written', async () => {
    const before = await tokenCount();
    const garbageBody = await t.http.post(REFRESH).send({ refreshToken: randomBytes(32).toString('base64url') });
    for (const cookie of [randomBytes(32).toString('base64url'), 'garbage', 'x'.repeat(200), 'a%20b"c', '']) {
      const res = await webRefresh(cookie);
      expectProblem(res, 401, 'INVALID_TOKEN');
      expect(cookieOf(res).header).toBe(clearedHeader());
      expect(res.body.code).toBe(garbageBody.body.code);
    }
    expect(await tokenCount()).toBe(before);
  });

  it('an expired cookie → 401 INVALID_TOKEN, cleared, nothing rotated', async () => {
    const s = await webSession();
    clock.advance(maxAge() * 1000 + 1000);
    try {
      const res = await webRefresh(s.cookie);
      expectProblem(res, 401, 'INVALID_TOKEN');
      expect(cookieOf(res).header).toBe(clearedHeader());
      expect(await familyRows(s.family)).toEqual([{ rotated_at: null, revoked_at: null }]);
    } finally {
      clock.advance(-(maxAge() * 1000 + 1000));
    }
  });

  it('the header with a refreshToken in the body too → 400 VALIDATION_FAILED naming refreshToken: neither token is used, no cookie set', async () => {
    const s = await webSession();
    const before = await tokenCount();
    for (const req of [webRefresh(s.cookie), webRefresh()]) {
      const res = await req.send({ refreshToken: s.u.refreshToken });
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'refreshToken' })]);
      expect(setCookies(res)).toEqual([]);
    }
    expect(await tokenCount()).toBe(before);
    expect(await familyRows(s.family)).toEqual([{ rotated_at: null, revoked_at: null }]);
    expect((await rowOf(s.u.refreshToken))!.rotated_at).toBeNull();
  });

  it('without the header, a body token → the body flow, even when a cookie of another login is sent: the cookie is not touched', async () => {
    const s = await webSession();
    const res = await t.http.post(REFRESH).set('cookie', `${COOKIE}=${s.cookie}`).send({ refreshToken: s.u.refreshToken }).expect(200);
    expect(res.body).toMatchObject({ refreshToken: expect.any(String), user: { id: s.u.user.id } });
    expect(setCookies(res)).toEqual([]);
    expect((await rowOf(s.u.refreshToken))!.rotated_at).toEqual(clock.now());
    expect(await familyRows(s.family)).toEqual([{ rotated_at: null, revoked_at: null }]);
  });

  it('neither a body token nor a cookie, no header → 400 VALIDATION_FAILED as before', async () => {
    const problem = expectProblem(await t.http.post(REFRESH).send({}), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'refreshToken' })]);
    expectProblem(await t.http.post(REFRESH), 400, 'VALIDATION_FAILED');
  });

  // Reuse detection through cookies, and its immediate effect on access tokens (issue 28's `sid`).
  it('an old cookie replayed after two rotations → 401 INVALID_TOKEN, cleared; the whole family revoked and its access tokens 401 at once; other logins untouched', async () => {
    const s = await webSession();
    const second = await webRefresh(s.cookie).expect(200);
    const third = await webRefresh(cookieOf(second).token).expect(200);
    const latest = { access: third.body.accessToken as string, cookie: cookieOf(third).token };
    await as(t, latest.access).get(ME).expect(200);

    const replay = await webRefresh(s.cookie);
    expectProblem(replay, 401, 'INVALID_TOKEN');
    expect(cookieOf(replay).header).toBe(clearedHeader());
    expect(replay.body).not.toHaveProperty('accessToken');
    const rows = await familyRows(s.family);
    expect(rows).toHaveLength(3); // the replay issued nothing
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);
    expect(await auditCount('auth.refresh_reused', s.u.user.id)).toBe(1);

    expectProblem(await as(t, latest.access).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await as(t, s.accessToken).get(ME), 401, 'UNAUTHENTICATED');
    const newest = await webRefresh(latest.cookie);
    expectProblem(newest, 401, 'INVALID_TOKEN');
    expect(cookieOf(newest).header).toBe(clearedHeader());
    // makeUser's own (body-flow) login is another family: still alive.
    await as(t, s.u).get(ME).expect(200);
  });
});

describe('POST /auth/logout with the cookie', () => {
  it('with the header → 204, the cookie cleared (Max-Age=0), the family revoked: its access token and cookie → 401 at once', async () => {
    const s = await webSession();
    const rotated = await webRefresh(s.cookie).expect(200);
    const access = rotated.body.accessToken as string;
    const cookie = cookieOf(rotated).token;
    await as(t, access).get(ME).expect(200);

    const res = await webLogout(cookie).expect(204);
    expect(cookieOf(res).header).toBe(clearedHeader());
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await familyRows(s.family)).every((r) => r.revoked_at !== null)).toBe(true);
    expect(await auditCount('auth.logout', s.u.user.id)).toBe(1);
    expectProblem(await as(t, access).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await as(t, s.accessToken).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await webRefresh(cookie), 401, 'INVALID_TOKEN');
    await as(t, s.u).get(ME).expect(200); // another login of the same user
  });

  it('with the header and an unknown cookie, or none → 204 and the cookie cleared all the same; nothing revoked', async () => {
    const s = await webSession();
    for (const cookie of [randomBytes(32).toString('base64url'), 'x'.repeat(200), undefined]) {
      const res = await webLogout(cookie).expect(204);
      expect(cookieOf(res).header).toBe(clearedHeader());
    }
    expect(await familyRows(s.family)).toEqual([{ rotated_at: null, revoked_at: null }]);
    await webRefresh(s.cookie).expect(200);
  });

  it('the cookie without the header → 403 CSRF_HEADER_REQUIRED: the session goes on, no cookie set', async () => {
    const s = await webSession();
    for (const headers of [{}, { 'x-requested-with': 'XMLHttpRequest' }]) {
      const res = await t.http.post(LOGOUT).set(headers).set('cookie', `${COOKIE}=${s.cookie}`);
      expectProblem(res, 403, 'CSRF_HEADER_REQUIRED');
      expect(setCookies(res)).toEqual([]);
    }
    expect(await familyRows(s.family)).toEqual([{ rotated_at: null, revoked_at: null }]);
    expect(await auditCount('auth.logout', s.u.user.id)).toBe(0);
    await as(t, s.accessToken).get(ME).expect(200);
    await webRefresh(s.cookie).expect(200);
  });

  it('the header with a refreshToken in the body → 400 VALIDATION_FAILED, nothing revoked', async () => {
    const s = await webSession();
    const problem = expectProblem(await webLogout(s.cookie).send({ refreshToken: s.cookie }), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'refreshToken' })]);
    expect(await familyRows(s.family)).toEqual([{ rotated_at: null, revoked_at: null }]);
  });

  it('without the header, a body token → 204 as before, no cookie set', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const res = await t.http.post(LOGOUT).send({ refreshToken: u.refreshToken }).expect(204);
    expect(setCookies(res)).toEqual([]);
    expectProblem(await as(t, u).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await t.http.post(LOGOUT).send({}), 400, 'VALIDATION_FAILED');
  });
});

describe('the contract in the OpenAPI document', () => {
  type Param = { name: string; in: string; required?: boolean; schema?: { enum?: string[] } };
  type Op = { parameters?: Param[]; responses: Record<string, { headers?: Record<string, unknown> }> };
  let doc: { paths: Record<string, { post: Op }>; components: { schemas: Record<string, { required?: string[]; properties: Record<string, { enum?: string[] }> }>; headers: Record<string, unknown> } };
  beforeAll(async () => {
    doc = (await t.http.get('/docs-json').expect(200)).body;
  });

  it.each([
    [LOGIN, '200', false],
    [REFRESH, '200', true],
    [LOGOUT, '204', true],
  ])('%s: X-Requested-With (enum passerelle-web), the cookie parameter where it is read, Set-Cookie on %s', (path, ok, readsCookie) => {
    const op = doc.paths[path].post;
    const header = op.parameters?.find((p) => p.in === 'header' && p.name === 'X-Requested-With');
    expect(header).toMatchObject({ required: false, schema: { enum: ['passerelle-web'] } });
    const cookie = op.parameters?.find((p) => p.in === 'cookie');
    if (readsCookie) expect(cookie).toMatchObject({ name: COOKIE, required: false });
    else expect(cookie).toBeUndefined();
    expect(op.responses[ok].headers).toHaveProperty('Set-Cookie');
    if (path !== LOGIN) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '403']));
  });

  it('refresh: the 401 clears the cookie; refreshToken is optional in the request and in the session; CSRF_HEADER_REQUIRED is a documented code', () => {
    expect(doc.paths[REFRESH].post.responses['401'].headers).toHaveProperty('Set-Cookie');
    // The documented shape is the one sent.
    // Declared once in components.headers (issue 20: no header written inline), referenced here.
    expect(doc.paths[REFRESH].post.responses['401'].headers!['Set-Cookie']).toEqual({ $ref: '#/components/headers/Set-Cookie' });
    const shape = new RegExp((doc.components.headers['Set-Cookie'] as { schema: { pattern: string } }).schema.pattern);
    for (const header of [setHeader('a'.repeat(43)), setHeader('a'.repeat(43), false), clearedHeader(), clearedHeader(false)]) expect(header).toMatch(shape);
    expect(doc.components.schemas.RefreshDto.required ?? []).not.toContain('refreshToken');
    expect(doc.components.schemas.SessionDto.required).toEqual(expect.arrayContaining(['accessToken', 'expiresIn', 'user']));
    expect(doc.components.schemas.SessionDto.required).not.toContain('refreshToken');
    expect(doc.components.schemas.ProblemDto.properties.code.enum).toContain('CSRF_HEADER_REQUIRED');
  });
});

describe('the CSP stays strict (no token in script reach: no inline script)', () => {
  const scriptSrc = (csp: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '));

  it('on / (the app’s HTML) and on an API answer: script-src \'self\' only, no inline script attributes', async () => {
    const page = await t.http.get('/').set('accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toBe(INDEX);
    const api = await webLogin((await makeUser(t, org, ['caseworker'])).email).expect(200);
    for (const res of [page, api]) {
      const csp = res.headers['content-security-policy'];
      expect(scriptSrc(csp)).toBe("script-src 'self'");
      expect(csp).toContain("script-src-attr 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(csp).toContain("default-src 'self'");
    }
  });
});

// Kept LAST on purpose (as in auth.e2e-spec.ts): a second app replaces the process-wide passport
// strategy, after which `t` refuses every access token. Only public routes are used below.
describe('Secure follows PUBLIC_BASE_URL', () => {
  it.each([['http://192.168.1.20:3000'], ['']])('PUBLIC_BASE_URL=%p (http): the same cookie without Secure, set and cleared', async (publicBaseUrl) => {
    const lan = await startTestApp({ env: { PUBLIC_BASE_URL: publicBaseUrl, LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    try {
      const lanOrg = await makeOrg(lan);
      const u = await makeUser(lan, lanOrg, ['caseworker']);
      const login = await webLogin(u.email, PASSWORD, lan).expect(200);
      const { header, token } = cookieOf(login);
      expect(header).toBe(setHeader(token, false));
      const rotated = await webRefresh(token, lan).expect(200);
      expect(cookieOf(rotated).header).toBe(setHeader(cookieOf(rotated).token, false));
      const refused = await webRefresh(token, lan); // the reuse
      expectProblem(refused, 401, 'INVALID_TOKEN');
      expect(cookieOf(refused).header).toBe(clearedHeader(false));
    } finally {
      await lan.close();
    }
  });
});
