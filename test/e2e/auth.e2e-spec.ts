// Issue 4, acceptance 1: authentication over HTTP against real PostgreSQL. The only double is
// the clock (lockout windows and refresh expiry); JWT `exp` uses real time.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeJwt, SignJWT } from 'jose';
import { JWT_AUDIENCE, JWT_ISSUER } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, PASSWORD, type TestOrg, type TestUser } from '../support/factories.js';

const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';
const ME = '/api/v1/me';
const MINUTE = 60_000;
const WRONG = 'not the right password at all';

const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
});
afterAll(() => t.close());

const login = (email: string, password: string) => t.http.post(LOGIN).send({ email, password });
const refresh = (refreshToken: string) => t.http.post(REFRESH).send({ refreshToken });
const unknownEmail = () => `nobody.${randomBytes(4).toString('hex')}@nowhere.test`;
const secret = () => new TextEncoder().encode(t.config.jwtSecret);
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An HS256 token shaped like ours; every claim can be overridden to break exactly one thing. */
async function craftToken(user: { id: string; organizationId: string; token: string }, o: { exp?: number; key?: Uint8Array; issuer?: string; audience?: string; sid?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ org: user.organizationId, sid: o.sid ?? (decodeJwt(user.token).sid as string) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(o.issuer ?? JWT_ISSUER)
    .setAudience(o.audience ?? JWT_AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(o.exp ?? now + 600)
    .setJti(randomBytes(8).toString('hex'))
    .sign(o.key ?? secret());
}

async function auditRows(where: string, params: unknown[]) {
  return t.db.rows<{ action: string; entity_id: string | null; organization_id: string | null; details: Record<string, unknown> | null; at: Date }>(
    `SELECT action, entity_id, organization_id, details, at FROM audit_events WHERE ${where} ORDER BY seq`,
    params,
  );
}
const auditActionsForEmail = async (email: string) => (await auditRows(`details->>'email' = $1`, [email])).map((r) => r.action);
const familyRows = (familyId: string) =>
  t.db.rows<{ id: string; rotated_at: Date | null; revoked_at: Date | null }>('SELECT id, rotated_at, revoked_at FROM refresh_tokens WHERE family_id = $1 ORDER BY created_at, id', [familyId]);
const tokenRow = (userId: string) => t.db.rows<{ family_id: string; rotated_at: Date | null; revoked_at: Date | null }>('SELECT family_id, rotated_at, revoked_at FROM refresh_tokens WHERE user_id = $1', [userId]);
const refreshCount = async (userId: string) => (await tokenRow(userId)).length;
const familyOf = async (userId: string) => {
  const families = [...new Set((await tokenRow(userId)).map((r) => r.family_id))];
  expect(families).toHaveLength(1);
  return families[0];
};

describe('login (issue 4: POST /auth/login, GET /me)', () => {
  let org: TestOrg;
  let cw: TestUser;
  beforeAll(async () => {
    org = await makeOrg(t);
    cw = await makeUser(t, org, ['caseworker']);
  });

  it('right password → 200 with an access token, a refresh token, expiresIn 900 and the user without any password or hash', async () => {
    const res = await login(cw.email, PASSWORD).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      refreshToken: expect.any(String),
      expiresIn: 900,
      user: { id: cw.user.id, email: cw.email, displayName: cw.user.displayName, organizationId: org.org.id, roles: ['caseworker'], siteIds: org.sites.map((s) => s.id) },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash|argon2/i);
    // The refresh token is stored only as a hash.
    expect(await t.db.row('SELECT 1 FROM refresh_tokens WHERE token_hash = $1', [res.body.refreshToken])).toBeUndefined();
    const row = await t.db.row<{ revoked_at: Date | null; expires_at: Date }>(
      "SELECT revoked_at, expires_at FROM refresh_tokens WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
      [res.body.refreshToken],
    );
    expect(row).toEqual({ revoked_at: null, expires_at: new Date(clock.now().getTime() + t.config.refreshTokenTtlDays * 86_400_000) });
    expect((await t.db.row<{ last_login_at: Date }>('SELECT last_login_at FROM users WHERE id = $1', [cw.user.id]))!.last_login_at).toEqual(clock.now());
    expect((await auditRows(`action = 'auth.login' AND entity_id = $1`, [cw.user.id])).length).toBeGreaterThanOrEqual(2); // makeUser's and this one

    const me = await as(t, res.body.accessToken).get(ME).expect(200);
    expect(me.body).toMatchObject({
      user: { id: cw.user.id, email: cw.email, organizationId: org.org.id, roles: ['caseworker'] },
      organization: { id: org.org.id, code: org.org.code },
      roles: ['caseworker'],
    });
    expect(me.body.rules).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'read', subject: 'User' })]));
    expect(me.body.rules.some((r: { subject: string }) => r.subject === 'AuditEvent')).toBe(false);
    expect(JSON.stringify(me.body)).not.toMatch(/passwordHash|argon2/);
  });

  it('the email is matched case-insensitively', async () => {
    await login(cw.email.toUpperCase(), PASSWORD).expect(200);
  });

  it('wrong password → 401 INVALID_CREDENTIALS, no refresh token issued, failure recorded and audited', async () => {
    const before = await refreshCount(cw.user.id);
    const res = await login(cw.email, WRONG);
    const body = expectProblem(res, 401, 'INVALID_CREDENTIALS');
    expect(body).not.toHaveProperty('accessToken');
    expect(await refreshCount(cw.user.id)).toBe(before);
    expect(await t.db.rows('SELECT 1 FROM login_failures WHERE email = $1', [cw.email])).toHaveLength(1);
    const [failed] = await auditRows(`action = 'auth.login_failed' AND entity_id = $1`, [cw.user.id]);
    expect(failed).toMatchObject({ organization_id: org.org.id, details: { email: cw.email } });
    expect(JSON.stringify(failed.details)).not.toContain(WRONG); // the attempted password is never stored
    // A success clears the failure count.
    await login(cw.email, PASSWORD).expect(200);
    expect(await t.db.rows('SELECT 1 FROM login_failures WHERE email = $1', [cw.email])).toHaveLength(0);
  });

  it('an unknown email → exactly the same status, code, detail, body and content type as a wrong password', async () => {
    const wrong = await login(cw.email, WRONG);
    const nobody = unknownEmail();
    const unknown = await login(nobody, WRONG);
    expectProblem(unknown, 401, 'INVALID_CREDENTIALS');
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.headers['content-type']).toBe(wrong.headers['content-type']);
    expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
    expect(await auditActionsForEmail(nobody)).toEqual(['auth.login_failed']);
    await login(cw.email, PASSWORD).expect(200); // reset cw's failure count for the other tests
  });

  it('an inactive user with the right password → the same 401 INVALID_CREDENTIALS, and no session', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const wrong = await login(u.email, WRONG);
    await t.db.rows('UPDATE users SET active = false WHERE id = $1', [u.user.id]);
    const before = await refreshCount(u.user.id);
    const res = await login(u.email, PASSWORD);
    expectProblem(res, 401, 'INVALID_CREDENTIALS');
    expect(res.body).toEqual(wrong.body);
    expect(await refreshCount(u.user.id)).toBe(before);
  });

  it('a user of an inactive organization → the same 401 INVALID_CREDENTIALS', async () => {
    const other = await makeOrg(t);
    const u = await makeUser(t, other, ['caseworker']);
    await t.db.rows('UPDATE organizations SET active = false WHERE id = $1', [other.org.id]);
    expectProblem(await login(u.email, PASSWORD), 401, 'INVALID_CREDENTIALS');
    expectProblem(await as(t, u).get(ME), 401, 'UNAUTHENTICATED');
  });

  it('a missing body field or a non-email → 400 VALIDATION_FAILED, not a failed login', async () => {
    const before = await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM login_failures');
    expectProblem(await t.http.post(LOGIN).send({ email: cw.email }), 400, 'VALIDATION_FAILED');
    expectProblem(await t.http.post(LOGIN).send({ email: 'not-an-email', password: PASSWORD }), 400, 'VALIDATION_FAILED');
    expectProblem(await t.http.post(LOGIN).send({ email: cw.email, password: PASSWORD, admin: true }), 400, 'VALIDATION_FAILED');
    expect(await t.db.row('SELECT count(*)::int AS n FROM login_failures')).toEqual(before);
  });

  describe('a request without a valid Bearer access token → 401 UNAUTHENTICATED', () => {
    it('a token crafted with our secret and claims is accepted (so the cases below fail for their one reason)', async () => {
      await as(t, await craftToken({ id: cw.user.id, organizationId: org.org.id, token: cw.token })).get(ME).expect(200);
    });

    it('no Authorization header', async () => {
      expectProblem(await t.http.get(ME), 401, 'UNAUTHENTICATED');
    });

    it.each([
      ['garbled', () => 'not.a.jwt'],
      ['random bytes', () => randomBytes(48).toString('base64url')],
      ['a refresh token used as an access token', () => cw.refreshToken],
    ])('%s', async (_name, token) => {
      expectProblem(await as(t, token()).get(ME), 401, 'UNAUTHENTICATED');
    });

    it('a Basic instead of a Bearer scheme', async () => {
      expectProblem(await t.http.get(ME).set('authorization', `Basic ${cw.token}`), 401, 'UNAUTHENTICATED');
    });

    it('expired', async () => {
      const token = await craftToken({ id: cw.user.id, organizationId: org.org.id, token: cw.token }, { exp: Math.floor(Date.now() / 1000) - 5 });
      expectProblem(await as(t, token).get(ME), 401, 'UNAUTHENTICATED');
    });

    it('expired after it was accepted (a verified token is remembered only until its exp)', async () => {
      const exp = Math.floor(Date.now() / 1000) + 2;
      const token = await craftToken({ id: cw.user.id, organizationId: org.org.id, token: cw.token }, { exp });
      await as(t, token).get(ME).expect(200);
      await as(t, token).get(ME).expect(200);
      await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
      expectProblem(await as(t, token).get(ME), 401, 'UNAUTHENTICATED');
    });

    it('a remembered token is still refused once its user is deactivated', async () => {
      const u = await makeUser(t, org, ['caseworker']);
      await as(t, u).get(ME).expect(200);
      await t.db.rows('UPDATE users SET active = false WHERE id = $1', [u.user.id]);
      expectProblem(await as(t, u).get(ME), 401, 'UNAUTHENTICATED');
    });

    it('signed with another secret', async () => {
      const token = await craftToken({ id: cw.user.id, organizationId: org.org.id, token: cw.token }, { key: new TextEncoder().encode('another-secret-0123456789abcdefghijklmnopqrstuvwxyz') });
      expectProblem(await as(t, token).get(ME), 401, 'UNAUTHENTICATED');
    });

    it('a valid token whose payload was altered (signature no longer matches)', async () => {
      const other = await makeUser(t, org, ['org_admin']);
      const [h, , s] = cw.token.split('.');
      const payload = JSON.parse(Buffer.from(cw.token.split('.')[1], 'base64url').toString());
      expectProblem(await as(t, `${h}.${b64url({ ...payload, sub: other.user.id })}.${s}`).get(ME), 401, 'UNAUTHENTICATED');
    });

    it('alg "none" (unsigned), with or without a signature part', async () => {
      const payload = JSON.parse(Buffer.from(cw.token.split('.')[1], 'base64url').toString());
      for (const alg of ['none', 'None', 'NONE']) {
        const unsigned = `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}`;
        expectProblem(await as(t, `${unsigned}.`).get(ME), 401, 'UNAUTHENTICATED');
        expectProblem(await as(t, unsigned).get(ME), 401, 'UNAUTHENTICATED');
      }
    });

    it('another issuer or audience', async () => {
      expectProblem(await as(t, await craftToken({ id: cw.user.id, organizationId: org.org.id, token: cw.token }, { issuer: 'someone-else' })).get(ME), 401, 'UNAUTHENTICATED');
      expectProblem(await as(t, await craftToken({ id: cw.user.id, organizationId: org.org.id, token: cw.token }, { audience: 'another-api' })).get(ME), 401, 'UNAUTHENTICATED');
    });

    it('a well-signed token for a user that does not exist', async () => {
      const token = await craftToken({ id: '00000000-0000-4000-8000-000000000000', organizationId: org.org.id, token: cw.token });
      expectProblem(await as(t, token).get(ME), 401, 'UNAUTHENTICATED');
    });
  });
});

describe('lockout (issue 4: 10 failures within 15 min lock that email for 15 min, known or not)', () => {
  let org: TestOrg;
  beforeAll(async () => {
    org = await makeOrg(t);
  });

  /** Ten wrong passwords, then the right one twice: the statuses, codes and Retry-After seen. */
  async function lockSequence(email: string, password: string) {
    const seen: { status: number; code: string; retryAfter?: string; body: Record<string, unknown> }[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await login(email, WRONG);
      seen.push({ status: res.status, code: res.body.code, retryAfter: res.headers['retry-after'], body: res.body });
    }
    for (const pw of [password, WRONG]) {
      const res = await login(email, pw);
      seen.push({ status: res.status, code: res.body.code, retryAfter: res.headers['retry-after'], body: res.body });
    }
    return seen;
  }

  it('10 wrong passwords → the 11th attempt, even with the right password, is 429 ACCOUNT_LOCKED with Retry-After; audited; no session', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const sessions = await refreshCount(u.user.id);
    const lockedAt = clock.now();
    const seen = await lockSequence(u.email, PASSWORD);
    expect(seen.slice(0, 10).map((s) => [s.status, s.code])).toEqual(Array(10).fill([401, 'INVALID_CREDENTIALS']));
    expect(seen.slice(0, 10).every((s) => s.retryAfter === undefined)).toBe(true);
    for (const s of seen.slice(10)) {
      expect(s).toMatchObject({ status: 429, code: 'ACCOUNT_LOCKED', retryAfter: '900' });
      expect(s.body).not.toHaveProperty('accessToken');
    }
    const res = await login(u.email.toUpperCase(), PASSWORD); // the same account however the email is spelled
    const body = expectProblem(res, 429, 'ACCOUNT_LOCKED');
    expect(res.headers['retry-after']).toBe('900');
    expect(JSON.stringify(body)).not.toContain(u.email);

    expect(await refreshCount(u.user.id)).toBe(sessions);
    expect(await t.db.row('SELECT locked_until FROM account_lockouts WHERE email = $1', [u.email])).toEqual({ locked_until: new Date(lockedAt.getTime() + 15 * MINUTE) });
    const actions = await auditActionsForEmail(u.email);
    expect(actions.filter((a) => a === 'auth.login_failed')).toHaveLength(10);
    expect(actions.filter((a) => a === 'auth.account_locked')).toHaveLength(1);
    expect(actions.filter((a) => a === 'auth.login_refused_locked')).toHaveLength(3);
    expect(actions).not.toContain('auth.login');
    expect(actions.indexOf('auth.account_locked')).toBeGreaterThan(actions.lastIndexOf('auth.login_failed'));
    const [locked] = await auditRows(`action = 'auth.account_locked' AND details->>'email' = $1`, [u.email]);
    expect(locked).toMatchObject({ entity_id: u.user.id, organization_id: org.org.id });

    // Retry-After counts down with the clock.
    clock.advance(5 * MINUTE);
    const later = await login(u.email, PASSWORD);
    expectProblem(later, 429, 'ACCOUNT_LOCKED');
    expect(later.headers['retry-after']).toBe('600');

    // 15 min + 1 s after the lock the right password works again, and the count starts afresh.
    clock.set(new Date(lockedAt.getTime() + 15 * MINUTE + 1000));
    const ok = await login(u.email, PASSWORD).expect(200);
    expect(ok.body.user.id).toBe(u.user.id);
    await as(t, ok.body.accessToken).get(ME).expect(200);
    expectProblem(await login(u.email, WRONG), 401, 'INVALID_CREDENTIALS');
    expect(await login(u.email, PASSWORD).then((r) => r.status)).toBe(200);
  });

  it('the lock does not touch the access tokens the user already holds', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    await lockSequence(u.email, PASSWORD);
    await as(t, u).get(ME).expect(200);
    clock.advance(15 * MINUTE + 1000);
  });

  it('an unknown email gets exactly the same sequence of statuses, codes, Retry-After and bodies', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const nobody = unknownEmail();
    const known = await lockSequence(u.email, PASSWORD);
    const unknown = await lockSequence(nobody, PASSWORD);
    expect(unknown).toEqual(known);
    expect(await t.db.row('SELECT locked_until FROM account_lockouts WHERE email = $1', [nobody])).toEqual({ locked_until: new Date(clock.now().getTime() + 15 * MINUTE) });
    const actions = await auditActionsForEmail(nobody);
    expect(actions.filter((a) => a === 'auth.login_failed')).toHaveLength(10);
    expect(actions.filter((a) => a === 'auth.account_locked')).toHaveLength(1);
    expect((await auditRows(`action = 'auth.account_locked' AND details->>'email' = $1`, [nobody]))[0]).toMatchObject({ entity_id: null, organization_id: null });
    // Locking one email locks no other account.
    const bystander = await makeUser(t, org, ['caseworker']);
    await login(bystander.email, PASSWORD).expect(200);
    clock.advance(15 * MINUTE + 1000);
  });

  it('failures spread over more than 15 minutes do not lock', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    for (let i = 0; i < 5; i++) expectProblem(await login(u.email, WRONG), 401, 'INVALID_CREDENTIALS');
    clock.advance(8 * MINUTE);
    for (let i = 0; i < 4; i++) expectProblem(await login(u.email, WRONG), 401, 'INVALID_CREDENTIALS');
    clock.advance(7 * MINUTE + 1000); // the first five are now older than 15 min
    expectProblem(await login(u.email, WRONG), 401, 'INVALID_CREDENTIALS'); // 10th failure, only 5 in the window
    expect(await t.db.row('SELECT 1 FROM account_lockouts WHERE email = $1', [u.email])).toBeUndefined();
    expect(await auditActionsForEmail(u.email)).not.toContain('auth.account_locked');
    await login(u.email, PASSWORD).expect(200);
  });

  it('a burst of parallel guesses cannot slip the right password past the lockout', async () => {
    // The lock must be judged after the (slow) password check, not before it: otherwise every
    // request of a burst passes the check before the tenth failure is recorded.
    const u = await makeUser(t, org, ['caseworker']);
    const sessions = await refreshCount(u.user.id);
    // The right password arrives 26th of 41, after 25 wrong ones: it must not be let in.
    const attempts = Array.from({ length: 41 }, (_, i) => login(u.email, i === 25 ? PASSWORD : WRONG).then((r) => r));
    const right = attempts[25];
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r.status === 200)).toHaveLength(0);
    expectProblem(await right, 429, 'ACCOUNT_LOCKED');
    // Attempts are judged one at a time: exactly ten are failures, every later one is locked out.
    expect(results.filter((r) => r.status === 401)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(31);
    expect((await auditActionsForEmail(u.email)).filter((a) => a === 'auth.account_locked')).toHaveLength(1);
    expect(await refreshCount(u.user.id)).toBe(sessions);
    expect(await auditActionsForEmail(u.email)).not.toContain('auth.login');
    clock.advance(15 * MINUTE + 1000);
  });

  it('ten failures within the window lock even when they are minutes apart', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    for (let i = 0; i < 10; i++) {
      expectProblem(await login(u.email, WRONG), 401, 'INVALID_CREDENTIALS');
      clock.advance(90_000); // 10 × 1.5 min: the first failure is 13.5 min old at the last
    }
    expectProblem(await login(u.email, PASSWORD), 429, 'ACCOUNT_LOCKED');
    clock.advance(15 * MINUTE);
  });
});

describe('refresh and logout (issue 4: rotation, family revocation on reuse)', () => {
  let org: TestOrg;
  beforeAll(async () => {
    org = await makeOrg(t);
  });

  it('refresh → 200 with a new pair; the old token is rotated, the new one is in the same family', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const family = await familyOf(u.user.id);
    const res = await refresh(u.refreshToken).expect(200);
    expect(res.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, user: { id: u.user.id, roles: ['caseworker'] } });
    expect(res.body.refreshToken).not.toBe(u.refreshToken);
    expect(res.body.accessToken).not.toBe(u.token);
    const rows = await familyRows(family);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ rotated_at: clock.now(), revoked_at: null });
    expect(rows[1]).toMatchObject({ rotated_at: null, revoked_at: null });
    expect(await refreshCount(u.user.id)).toBe(2); // no other family appeared
    await as(t, res.body.accessToken).get(ME).expect(200);
    // And the new one rotates in turn.
    const again = await refresh(res.body.refreshToken).expect(200);
    expect((await familyRows(family)).map((r) => r.rotated_at !== null)).toEqual([true, true, false]);
    expect(again.body.refreshToken).not.toBe(res.body.refreshToken);
  });

  it('the old refresh token used again → 401 INVALID_TOKEN and the whole family, newest token included, is revoked; other logins are untouched', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const family = await familyOf(u.user.id);
    const other = await login(u.email, PASSWORD).expect(200); // a second device: another family
    const newest = (await refresh(u.refreshToken).expect(200)).body.refreshToken as string;

    const reuse = await refresh(u.refreshToken);
    expectProblem(reuse, 401, 'INVALID_TOKEN');
    expect(reuse.body).not.toHaveProperty('accessToken');
    const rows = await familyRows(family);
    expect(rows).toHaveLength(2); // no token was issued by the reuse
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);
    expectProblem(await refresh(newest), 401, 'INVALID_TOKEN');
    expect(await familyRows(family)).toHaveLength(2);
    expect(await auditRows(`action = 'auth.refresh_reused' AND entity_id = $1`, [u.user.id])).toHaveLength(1);

    const otherFamily = (await tokenRow(u.user.id)).find((r) => r.family_id !== family)!;
    expect(otherFamily).toMatchObject({ rotated_at: null, revoked_at: null });
    await refresh(other.body.refreshToken).expect(200);
  });

  it('the refresh after the reuse answers exactly like a garbage token (no oracle)', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    await refresh(u.refreshToken).expect(200);
    const reused = await refresh(u.refreshToken);
    const garbage = await refresh(randomBytes(32).toString('base64url'));
    expectProblem(garbage, 401, 'INVALID_TOKEN');
    expect(reused.body).toEqual(garbage.body);
  });

  it('a garbage refresh token → 401 INVALID_TOKEN; an empty or missing one → 400', async () => {
    const before = await t.db.row('SELECT count(*)::int AS n FROM refresh_tokens');
    expectProblem(await refresh(randomBytes(32).toString('base64url')), 401, 'INVALID_TOKEN');
    expectProblem(await refresh('garbage'), 401, 'INVALID_TOKEN');
    expectProblem(await refresh(''), 400, 'VALIDATION_FAILED');
    expectProblem(await t.http.post(REFRESH).send({}), 400, 'VALIDATION_FAILED');
    expect(await t.db.row('SELECT count(*)::int AS n FROM refresh_tokens')).toEqual(before);
  });

  it('an access token is not a refresh token', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    expectProblem(await t.http.post(REFRESH).send({ refreshToken: u.token.slice(0, 100) }), 401, 'INVALID_TOKEN');
  });

  it('a refresh token past its expiry (clock) → 401 INVALID_TOKEN, nothing rotated', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const family = await familyOf(u.user.id);
    clock.advance(t.config.refreshTokenTtlDays * 86_400_000 + 1000);
    expectProblem(await refresh(u.refreshToken), 401, 'INVALID_TOKEN');
    expect(await familyRows(family)).toEqual([expect.objectContaining({ rotated_at: null })]);
  });

  it('logout → 204 and revokes the whole family: refreshing afterwards → 401; other logins untouched', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const family = await familyOf(u.user.id);
    const rotated = (await refresh(u.refreshToken).expect(200)).body.refreshToken as string;
    const other = await login(u.email, PASSWORD).expect(200);

    await t.http.post(LOGOUT).send({ refreshToken: rotated }).expect(204);
    const rows = await familyRows(family);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);
    expectProblem(await refresh(rotated), 401, 'INVALID_TOKEN');
    expectProblem(await refresh(u.refreshToken), 401, 'INVALID_TOKEN');
    expect(await familyRows(family)).toHaveLength(2);
    expect(await auditRows(`action = 'auth.logout' AND entity_id = $1`, [u.user.id])).toHaveLength(1);
    // Logging out again is harmless.
    await t.http.post(LOGOUT).send({ refreshToken: rotated }).expect(204);

    await refresh(other.body.refreshToken).expect(200);
  });

  // Issue 28: the access tokens of an ended session stop working at once, not at their expiry.
  it('after logout the access tokens of that session (before and after a rotation) → 401 at once; another login of the same user still works', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const rotated = (await refresh(u.refreshToken).expect(200)).body as { accessToken: string; refreshToken: string };
    const other = (await login(u.email, PASSWORD).expect(200)).body as { accessToken: string };
    await as(t, u.token).get(ME).expect(200); // remembered by the verified-token memo
    await as(t, rotated.accessToken).get(ME).expect(200);
    await t.http.post(LOGOUT).send({ refreshToken: rotated.refreshToken }).expect(204);
    expectProblem(await as(t, u.token).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await as(t, rotated.accessToken).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await as(t, rotated.accessToken).get('/api/v1/cases'), 401, 'UNAUTHENTICATED');
    await as(t, other.accessToken).get(ME).expect(200);
  });

  it('after refresh-token reuse revokes the family, its access tokens → 401 at once', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const newer = (await refresh(u.refreshToken).expect(200)).body as { accessToken: string };
    await as(t, newer.accessToken).get(ME).expect(200);
    expectProblem(await refresh(u.refreshToken), 401, 'INVALID_TOKEN'); // the reuse
    expectProblem(await as(t, newer.accessToken).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await as(t, u.token).get(ME), 401, 'UNAUTHENTICATED');
  });

  it('a token without a session, or naming a session that is not its user’s → 401', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const stranger = await makeUser(t, org, ['caseworker']);
    expectProblem(await as(t, await craftToken({ id: u.user.id, organizationId: org.org.id, token: u.token }, { sid: decodeJwt(stranger.token).sid as string })).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await as(t, await craftToken({ id: u.user.id, organizationId: org.org.id, token: u.token }, { sid: 'not-a-uuid' })).get(ME), 401, 'UNAUTHENTICATED');
    await as(t, await craftToken({ id: u.user.id, organizationId: org.org.id, token: u.token }, { sid: decodeJwt(u.token).sid as string })).get(ME).expect(200);
  });

  it('logout with an unknown token → 204, nothing revoked, nothing audited', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const logoutsBefore = (await auditRows(`action = 'auth.logout'`, [])).length;
    await t.http.post(LOGOUT).send({ refreshToken: randomBytes(32).toString('base64url') }).expect(204);
    expect(await t.db.row('SELECT count(*)::int AS n FROM refresh_tokens WHERE revoked_at IS NOT NULL AND user_id = $1', [u.user.id])).toEqual({ n: 0 });
    expect(await auditRows(`action = 'auth.logout'`, [])).toHaveLength(logoutsBefore);
    await refresh(u.refreshToken).expect(200);
  });
});

describe('changes to a user take effect on their next request, not at token expiry (issue 4)', () => {
  let org: TestOrg;
  let admin: TestUser;
  beforeAll(async () => {
    org = await makeOrg(t);
    admin = await makeUser(t, org, ['org_admin']);
  });

  it('deactivated by an org_admin → the existing access token is refused at once, the refresh token too, and login fails', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    await as(t, u).get(ME).expect(200);
    const res = await as(t, admin).patch(`/api/v1/users/${u.user.id}`).send({ active: false }).expect(200);
    expect(res.body).toMatchObject({ id: u.user.id, active: false });

    expectProblem(await as(t, u).get(ME), 401, 'UNAUTHENTICATED');
    expectProblem(await as(t, u).get(`/api/v1/users/${u.user.id}`), 401, 'UNAUTHENTICATED');
    expect(await t.db.rows('SELECT 1 FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [u.user.id])).toHaveLength(0);
    const before = await refreshCount(u.user.id);
    expectProblem(await refresh(u.refreshToken), 401, 'INVALID_TOKEN');
    expect(await refreshCount(u.user.id)).toBe(before);
    expectProblem(await login(u.email, PASSWORD), 401, 'INVALID_CREDENTIALS');

    const [event] = await auditRows(`action = 'user.updated' AND entity_id = $1`, [u.user.id]);
    expect(event).toMatchObject({ organization_id: org.org.id });
    expect(await t.db.row(`SELECT changes->'active' AS active, actor_user_id FROM audit_events WHERE action = 'user.updated' AND entity_id = $1`, [u.user.id])).toEqual({
      active: { old: true, new: false },
      actor_user_id: admin.user.id,
    });
  });

  it('deactivated even though the refresh token is still unrevoked in the table → refresh refused', async () => {
    // Belt and braces: the refresh checks the user's current row, not only the revocation.
    const u = await makeUser(t, org, ['caseworker']);
    await t.db.rows('UPDATE users SET active = false WHERE id = $1', [u.user.id]);
    const before = await refreshCount(u.user.id);
    expectProblem(await refresh(u.refreshToken), 401, 'INVALID_TOKEN');
    expect(await refreshCount(u.user.id)).toBe(before);
    expectProblem(await as(t, u).get(ME), 401, 'UNAUTHENTICATED');
  });

  it('roles changed from caseworker to auditor → the same token gets the new permissions at once', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    expectProblem(await as(t, u).get('/api/v1/audit-events'), 403, 'FORBIDDEN');
    await as(t, admin).patch(`/api/v1/users/${u.user.id}`).send({ roles: ['auditor'] }).expect(200);

    const list = await as(t, u).get('/api/v1/audit-events').expect(200);
    expect(list.body).toMatchObject({ items: expect.any(Array) });
    expect(list.body.items.every((e: { organizationId: string | null }) => e.organizationId === org.org.id)).toBe(true);
    const me = await as(t, u).get(ME).expect(200);
    expect(me.body.roles).toEqual(['auditor']);
    expect(me.body.user.roles).toEqual(['auditor']);
    expect(me.body.rules).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'read', subject: 'AuditEvent' })]));
    // The refresh token stays valid (a role change is not a sign-out) and carries the new roles.
    const refreshed = await refresh(u.refreshToken).expect(200);
    expect(refreshed.body.user.roles).toEqual(['auditor']);
  });

  it('a role taken away is gone at once: a demoted org_admin can no longer create users', async () => {
    const other = await makeUser(t, org, ['org_admin']);
    const email = `new.${randomBytes(3).toString('hex')}@example.test`;
    const newUser = (e: string) => ({ organizationId: org.org.id, email: e, displayName: 'New User', password: PASSWORD, roles: ['caseworker'] });
    await as(t, other).post('/api/v1/users').send(newUser(email)).expect(201);
    await as(t, admin).patch(`/api/v1/users/${other.user.id}`).send({ roles: ['caseworker'] }).expect(200);
    const email2 = `new.${randomBytes(3).toString('hex')}@example.test`;
    expectProblem(await as(t, other).post('/api/v1/users').send(newUser(email2)), 403, 'FORBIDDEN');
    expect(await t.db.row('SELECT 1 FROM users WHERE email = $1', [email2])).toBeUndefined();
  });
});

describe('password policy on POST /users and PATCH /users/:id (issue 4)', () => {
  let org: TestOrg;
  let admin: TestUser;
  beforeAll(async () => {
    org = await makeOrg(t);
    admin = await makeUser(t, org, ['org_admin']);
  });
  const body = (email: string, password: string) => ({ organizationId: org.org.id, email, displayName: 'Aminata Traoré', password, roles: ['caseworker'], siteIds: [org.sites[0].id] });
  const fresh = (local = 'aminata.traore') => `${local}.${randomBytes(3).toString('hex')}@example.test`;

  it.each([
    ['shorter than 12 characters', () => 'Sh0rt-pw!', fresh()],
    ['one of the most common passwords', () => 'password1234', fresh()],
    ['a common password in other case', () => 'PASSWORD1234', fresh()],
    ['containing the email’s local part', (email: string) => `${email.split('@')[0].toUpperCase()}-2026!`, fresh('aminata')],
    ['a single repeated character', () => 'aaaaaaaaaaaaaaaa', fresh()],
  ] as [string, (email: string) => string, string][])('%s → 400 VALIDATION_FAILED naming password, no user written', async (_name, password, email) => {
    const pw = password(email);
    const res = await as(t, admin).post('/api/v1/users').send(body(email, pw));
    const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password', message: expect.any(String) })]));
    expect((problem.errors as { field: string }[]).every((e) => e.field === 'password')).toBe(true);
    expect(JSON.stringify(problem)).not.toContain(pw);
    expect(await t.db.row('SELECT 1 FROM users WHERE lower(email) = lower($1)', [email])).toBeUndefined();
    expect(await auditRows(`action = 'user.created' AND changes->'email'->>'new' = $1`, [email])).toHaveLength(0);
  });

  it('a sound password → 201, and the answer holds no password or hash', async () => {
    const email = fresh();
    const res = await as(t, admin).post('/api/v1/users').send(body(email, 'mangoes ripen slowly in Gao')).expect(201);
    expect(res.body).toMatchObject({ email, roles: ['caseworker'] });
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash|argon2|mangoes/i);
    expect(await t.db.row<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [email])).toEqual({ password_hash: expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/) });
    await login(email, 'mangoes ripen slowly in Gao').expect(200);
  });

  it('PATCH with a common password → 400 naming password, hash unchanged, sessions kept', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    const before = await t.db.row('SELECT password_hash FROM users WHERE id = $1', [u.user.id]);
    const problem = expectProblem(await as(t, admin).patch(`/api/v1/users/${u.user.id}`).send({ password: 'password1234' }), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    expect(await t.db.row('SELECT password_hash FROM users WHERE id = $1', [u.user.id])).toEqual(before);
    expect(await t.db.rows('SELECT 1 FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NOT NULL', [u.user.id])).toHaveLength(0);
    await login(u.email, PASSWORD).expect(200);
  });

  it('PATCH with a sound password → the old one stops working and existing sessions end', async () => {
    const u = await makeUser(t, org, ['caseworker']);
    await as(t, admin).patch(`/api/v1/users/${u.user.id}`).send({ password: 'a brand new long passphrase' }).expect(200);
    expectProblem(await refresh(u.refreshToken), 401, 'INVALID_TOKEN');
    expectProblem(await login(u.email, PASSWORD), 401, 'INVALID_CREDENTIALS');
    await login(u.email, 'a brand new long passphrase').expect(200);
  });
});

describe('login cost (issue 4 closing note: argon2id at OWASP minimum)', () => {
  const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

  it('measures p50/p95 of 30 sequential successful logins; an unknown email costs as much as a wrong password', async () => {
    const org = await makeOrg(t);
    const users = [await makeUser(t, org, ['caseworker']), await makeUser(t, org, ['caseworker']), await makeUser(t, org, ['caseworker'])];
    const timed = async (email: string, password: string, status: number) => {
      const start = performance.now();
      const res = await login(email, password);
      const ms = performance.now() - start;
      expect(res.status).toBe(status);
      return ms;
    };
    const ok: number[] = [];
    for (let i = 0; i < 30; i++) ok.push(await timed(users[0].email, PASSWORD, 200));
    // Interleaved, and at most 8 failures per known email (no lockout on the way).
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 16; i++) {
      wrong.push(await timed(users[1 + (i % 2)].email, WRONG, 401));
      unknown.push(await timed(unknownEmail(), WRONG, 401));
    }
    const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms`;
    console.log(`login over HTTP — success: ${fmt(ok)}; wrong password: ${fmt(wrong)}; unknown email: ${fmt(unknown)}`);
    // Both failure paths run one argon2 verification: an unknown email skipping it would be several times faster.
    const ratio = percentile(unknown, 50) / percentile(wrong, 50);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

// Kept LAST on purpose: @nestjs/passport registers JwtStrategy in passport's process-wide
// registry, so a second app instance replaces the strategy of `t` (its AuthService and
// DataSource); once the second app is closed, `t` answers 401 to every valid token.
// Reported as a bug in apps/api/src/http/auth.ts; until fixed, no test of `t` may follow.
describe('per-IP rate limit on /auth/login (issue 4: LOGIN_RATE_LIMIT_PER_MINUTE)', () => {
  it('beyond the limit → 429 RATE_LIMITED problem+json, without counting as a failed login; other routes are not throttled by it', async () => {
    const small = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const org = await makeOrg(small);
      const u = await makeUser(small, org, ['caseworker']); // one login
      for (let i = 0; i < 2; i++) expectProblem(await small.http.post(LOGIN).send({ email: u.email, password: WRONG }), 401, 'INVALID_CREDENTIALS');
      const res = await small.http.post(LOGIN).send({ email: u.email, password: PASSWORD });
      expectProblem(res, 429, 'RATE_LIMITED');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.body).not.toHaveProperty('accessToken');
      // Refused before the handler: no failure recorded, no lockout progress, no session.
      expect(await small.db.rows('SELECT 1 FROM login_failures WHERE email = $1', [u.email])).toHaveLength(2);
      expect(await small.db.rows('SELECT 1 FROM refresh_tokens WHERE user_id = $1', [u.user.id])).toHaveLength(1);
      // The login bucket is separate from the API's: the rest keeps working.
      await as(small, u).get(ME).expect(200);
      const refreshed = await small.http.post(REFRESH).send({ refreshToken: u.refreshToken });
      expect(refreshed.status).toBe(200);
    } finally {
      await small.close();
    }
  });
});
