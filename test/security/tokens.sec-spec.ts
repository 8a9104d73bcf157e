import { randomUUID } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

/*
 * Token attacks (OWASP API2:2023) beyond test/e2e/auth.e2e-spec.ts, which already covers: no or
 * garbled token, Basic scheme, expired, another secret, altered payload, alg none/None/NONE,
 * another issuer or audience, an unknown user, a deactivated user's still-valid token, refresh
 * reuse revoking the family, logout. And test/e2e/letters.e2e-spec.ts covers the letter tokens
 * (every tampering, another key, alg none, HS256 with the public key). Here: the rest of the
 * JOSE bag of tricks, claims the server must not trust, and refresh under a race.
 */

let t: TestApp;
let org: TestOrg;
let stranger: TestOrg;
let cw: TestUser;
let secret: Uint8Array;
const ME = '/api/v1/me';
const now = () => Math.floor(Date.now() / 1000);
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
let tried = 0;

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000' } });
  secret = new TextEncoder().encode(t.config.jwtSecret);
  org = await makeOrg(t);
  stranger = await makeOrg(t);
  cw = await makeUser(t, org, ['caseworker']);
});
afterAll(() => {
  console.info(`token attacks: ${tried} tokens tried`);
  return t?.close();
});

/** A token as the server would issue it, with `override` changing claims, header or key. */
async function token(claims: Record<string, unknown> = {}, opts: { alg?: string; key?: Parameters<SignJWT["sign"]>[0]; header?: Record<string, unknown>; omit?: string[] } = {}) {
  const payload: Record<string, unknown> = { sub: cw.user.id, org: org.org.id, sid: decodeJwt(cw.token).sid, iss: 'passerelle', aud: 'passerelle-api', iat: now(), exp: now() + 600, jti: randomUUID(), ...claims };
  for (const k of opts.omit ?? []) delete payload[k];
  return new SignJWT(payload).setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT', ...opts.header }).sign(opts.key ?? secret);
}

async function refused(tok: string) {
  tried++;
  expectProblem(await as(t, tok).get(ME), 401, 'UNAUTHENTICATED');
}

it('control: a token made like the server makes them is accepted', async () => {
  await as(t, await token()).get(ME).expect(200);
});

it('not yet valid (nbf in the future, iat in the future) → 401', async () => {
  await refused(await token({ nbf: now() + 3600 }));
  await refused(await token({ iat: now() + 3600 }));
});

it('no exp, or an exp far beyond the access-token lifetime → 401 (a leaked token must not live for ever)', async () => {
  await refused(await token({}, { omit: ['exp'] }));
  await refused(await token({ exp: now() + 10 * 365 * 86_400 }));
  await refused(await token({ iat: now() - 7200, exp: now() + 600 }));
});

it('the same secret with another HMAC (HS384, HS512) → 401: one algorithm only', async () => {
  await refused(await token({}, { alg: 'HS384' }));
  await refused(await token({}, { alg: 'HS512' }));
});

it('an asymmetric algorithm with the attacker’s own key, also embedded as jwk/jku/x5u → 401', async () => {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  await refused(await token({}, { alg: 'EdDSA', key: privateKey }));
  await refused(await token({}, { alg: 'EdDSA', key: privateKey, header: { jwk } }));
  await refused(await token({}, { alg: 'EdDSA', key: privateKey, header: { jku: 'https://attacker.example/jwks.json', kid: 'x' } }));
  await refused(await token({}, { alg: 'EdDSA', key: privateKey, header: { x5u: 'https://attacker.example/cert.pem' } }));
  const rsa = await generateKeyPair('RS256');
  await refused(await token({}, { alg: 'RS256', key: rsa.privateKey }));
});

it('header tricks with a bad signature: kid path traversal, crit, typ, b64:false → 401', async () => {
  const good = await token();
  const [, payload, signature] = good.split('.');
  for (const header of [
    { alg: 'HS256', kid: '../../../../dev/null' },
    { alg: 'HS256', kid: "' OR '1'='1" },
    { alg: 'HS256', crit: ['exp'], exp: 1 },
    { alg: 'HS256', b64: false, crit: ['b64'] },
    { alg: 'hs256' },
    { alg: 'HS256 ' },
  ]) {
    await refused(`${b64url(header)}.${payload}.${signature}`);
  }
});

it('signature, payload or header cut, doubled or swapped between users → 401', async () => {
  const a = await token();
  const other = await makeUser(t, org, ['manager']);
  const [h, p, s] = a.split('.');
  const [, p2] = other.token.split('.');
  for (const forged of [`${h}.${p}.`, `${h}.${p}`, `${h}..${s}`, `.${p}.${s}`, `${h}.${p}.${s}.${s}`, `${h}.${p2}.${s}`, `${h}.${p}.${s.slice(0, -2)}`, `${h}.${p}.${s}AA`, `${a} ${a}`]) {
    await refused(forged);
  }
});

it('claims other than sub are not trusted: a token naming another organization or roles acts as the user’s real organization and roles', async () => {
  const tampered = await token({ org: stranger.org.id, roles: ['platform_admin'], organizationId: stranger.org.id, siteIds: stranger.sites.map((s) => s.id) });
  tried++;
  const me = await as(t, tampered).get(ME).expect(200);
  expect(me.body.user).toMatchObject({ id: cw.user.id, organizationId: org.org.id, roles: ['caseworker'] });
  // No platform_admin power, no view of the other organization's records.
  expectProblem(await as(t, tampered).post('/api/v1/organizations').send({ code: 'EVIL', name: 'Evil org', kind: 'ngo', capabilities: [] }), 403, 'FORBIDDEN');
  expect((await t.db.row('SELECT count(*)::int AS n FROM organizations WHERE code = $1', ['EVIL']))!.n).toBe(0);
});

it('the token only in a query string, a cookie or a non-Bearer header → 401', async () => {
  const good = await token();
  tried += 4;
  expectProblem(await t.http.get(`${ME}?access_token=${good}`), 401, 'UNAUTHENTICATED');
  expectProblem(await t.http.get(ME).set('cookie', `access_token=${good}; token=${good}`), 401, 'UNAUTHENTICATED');
  expectProblem(await t.http.get(ME).set('x-access-token', good), 401, 'UNAUTHENTICATED');
  expectProblem(await t.http.get(ME).set('authorization', `Token ${good}`), 401, 'UNAUTHENTICATED');
});

it('a user deactivated by their org admin: the still-unexpired token is refused at once, on every route', async () => {
  const victim = await makeUser(t, org, ['manager']);
  const admin = await makeUser(t, org, ['org_admin']);
  await as(t, victim).get('/api/v1/cases').expect(200);
  await as(t, admin).patch(`/api/v1/users/${victim.user.id}`).send({ active: false }).expect(200);
  tried += 3;
  expectProblem(await as(t, victim).get('/api/v1/cases'), 401, 'UNAUTHENTICATED');
  expectProblem(await as(t, victim).post('/api/v1/cases').send({}), 401, 'UNAUTHENTICATED');
  expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: victim.refreshToken }), 401, 'INVALID_TOKEN');
});

it('refresh reuse under a race: the same refresh token twice at once → one new session at most, and the family ends', async () => {
  const u = await makeUser(t, org, ['caseworker']);
  const results = await Promise.all([1, 2, 3].map(() => t.http.post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken })));
  tried += 3;
  const ok = results.filter((r) => r.status === 200);
  expect(ok.length).toBe(1);
  for (const r of results.filter((x) => x.status !== 200)) expectProblem(r, 401, 'INVALID_TOKEN');
  // The reuse revoked the family: the session the race handed out is dead too.
  expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: ok[0].body.refreshToken }), 401, 'INVALID_TOKEN');
  const live = await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL AND rotated_at IS NULL', [u.user.id]);
  expect(live!.n).toBe(0);
});
