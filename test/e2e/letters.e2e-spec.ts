// Issue 8 (Letters of indulgence), DESIGN §6, API.md "Letters of indulgence": issuance rules and
// the capability check, the 30-day bound, supersede and revoke as the public check sees them,
// expiry by a controlled clock, every kind of tampering → invalid, the PDF read back as a viewer
// and a QR reader would, the register and its filters, and the offline command against the
// published keys. The rate limit of the public check has its own file (letters-rate-limit).
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigningKeys } from '@passerelle/common';
import { type Role, signLetterToken, verifyLetterCommand } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';
import { readPdf } from '../support/pdf.js';

const CASES = '/api/v1/cases';
const LETTERS = '/api/v1/letters';
const VERIFY = '/api/v1/public/letters/verify';
const KEYS = '/api/v1/public/letters/keys';
const DAY = 86_400_000;
const START = new Date('2026-11-23T08:00:00Z');

const clock = new FixedClock(START);
let t: TestApp;
let A: TestOrg; // issues letters, owns the cases
let B: TestOrg; // issues letters too, receives referrals
let C: TestOrg; // no indulgence_letter capability
const u = {} as Record<'cwA' | 'cwA2' | 'mgrA' | 'analystA' | 'auditorA' | 'adminA' | 'cwB' | 'mgrB' | 'cwC' | 'mgrC', TestUser>;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000', LETTER_VERIFY_RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { code: `IOM${Date.now().toString(36).slice(-5).toUpperCase()}`, capabilities: ['information', 'profiling', 'indulgence_letter'], sites: [{}, {}] });
  B = await makeOrg(t, { capabilities: ['shelter', 'health', 'indulgence_letter'], sites: [{}] });
  C = await makeOrg(t, { capabilities: ['information', 'orientation'], sites: [{}] });
  const user = (o: TestOrg, roles: Role[], siteIds: string[] = []) => makeUser(t, o, roles, { siteIds });
  u.cwA = await user(A, ['caseworker'], [A.sites[0].id]);
  u.cwA2 = await user(A, ['caseworker'], [A.sites[1].id]);
  u.mgrA = await user(A, ['manager']);
  u.analystA = await user(A, ['analyst']);
  u.auditorA = await user(A, ['auditor']);
  u.adminA = await user(A, ['org_admin']);
  u.cwB = await user(B, ['caseworker'], [B.sites[0].id]);
  u.mgrB = await user(B, ['manager']);
  u.cwC = await user(C, ['caseworker'], [C.sites[0].id]);
  u.mgrC = await user(C, ['manager']);
});
afterAll(() => t?.close());
afterEach(() => clock.set(START));

// ---- helpers ------------------------------------------------------------------------------------

/** A date `offset` days from the clock's today (Mali: UTC). */
const day = (offset = 0) => new Date(clock.now().getTime() + offset * DAY).toISOString().slice(0, 10);
const count = async (sql: string, params: unknown[] = []) => (await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))!.n;
const actions = async (entityId: string) => (await t.db.rows<{ action: string }>('SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY seq', [entityId])).map((r) => r.action);

/** A case of A registered at site 0 by its caseworker. */
async function newCase(identity: Record<string, unknown> = {}) {
  const res = await as(t, u.cwA)
    .post(CASES)
    .send({
      siteId: A.sites[0].id,
      identity: { givenName: 'Aminata', familyName: 'Traoré', sex: 'female', dateOfBirth: '1999-04-02', nationality: 'GIN', ...identity },
      vulnerabilities: ['pregnant_or_lactating'],
      sensitive: { narrative: 'held in Tamanrasset for two months' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const letterBody = (extra: Record<string, unknown> = {}) => ({
  validFrom: day(0),
  validUntil: day(17),
  purpose: 'transit',
  route: { from: 'Gao', to: 'Bamako', via: ['Gossi', 'Douentza', 'Mopti'] },
  ...extra,
});

interface LetterBody {
  id: string;
  serialNumber: string;
  status: string;
  verificationToken: string;
  verificationUrl: string;
  holder: Record<string, unknown>;
  [k: string]: unknown;
}

async function issue(caseId: string, by: TestUser = u.cwA, extra: Record<string, unknown> = {}): Promise<LetterBody> {
  const res = await as(t, by).post(`${CASES}/${caseId}/letters`).send(letterBody(extra));
  if (res.status !== 201) throw new Error(`issuance failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const verify = (token: string) => t.http.get(VERIFY).query({ token });
const resultOf = async (token: string) => (await verify(token).expect(200)).body.result as string;

/** A's case referred to B for `serviceType`, answered by B as `answer`. */
async function referredToB(serviceType: 'indulgence_letter' | 'health', answer: 'accept' | 'pending' = 'accept') {
  const id = await newCase();
  await as(t, u.cwA).post(`${CASES}/${id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [B.org.id] }).expect(201);
  const r = await as(t, u.cwA).post(`${CASES}/${id}/referrals`).send({ toOrganizationId: B.org.id, serviceType, urgency: 'normal', reason: 'needs a letter to reach Bamako' });
  expect(r.status).toBe(201);
  if (answer === 'accept') await as(t, u.cwB).post(`/api/v1/referrals/${r.body.id}/accept`).send({}).expect(200);
  return { caseId: id, referralId: r.body.id as string };
}

// ---- issuance -----------------------------------------------------------------------------------

describe('POST /cases/{id}/letters', () => {
  it('→ 201 active, serial {ORGCODE}-L-{YYYY}-{NNNNN}, a signed token and its URL, the holder frozen from the case; audited on the case', async () => {
    const caseId = await newCase();
    const before = await count('letters WHERE issuing_organization_id = $1', [A.org.id]);
    const l = await issue(caseId);
    expect(l).toMatchObject({
      caseId,
      status: 'active',
      issuingOrganizationId: A.org.id,
      issuer: { code: A.org.code, name: A.org.name },
      validFrom: day(0),
      validUntil: day(17),
      purpose: 'transit',
      route: { from: 'Gao', to: 'Bamako', via: ['Gossi', 'Douentza', 'Mopti'] },
      holder: { fullName: 'Aminata Traoré', nationality: 'GIN', dateOfBirth: '1999-04-02', birthYear: 1999, birthDateEstimated: false },
      issuedBy: u.cwA.user.id,
      supersededAt: null,
      revokedAt: null,
    });
    expect(l.serialNumber).toBe(`${A.org.code}-L-2026-${String(before + 1).padStart(5, '0')}`);
    expect(l.verificationToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(l.verificationUrl).toBe(`https://passerelle.test/api/v1/public/letters/verify?token=${l.verificationToken}`);
    // No vulnerability, sensitive or contact data anywhere in the letter.
    expect(JSON.stringify(l)).not.toMatch(/pregnant|Tamanrasset/);
    const row = await t.db.row('SELECT owning_organization_id, issuing_organization_id, created_by, signing_key_id FROM letters WHERE id = $1', [l.id]);
    expect(row).toEqual({ owning_organization_id: A.org.id, issuing_organization_id: A.org.id, created_by: u.cwA.user.id, signing_key_id: l.signingKeyId });
    expect(await actions(l.id)).toEqual(['letter.issued']);
    const timeline = await as(t, u.cwA).get(`${CASES}/${caseId}/timeline`).expect(200);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toContain('letter.issued');
  });

  it('a manager of the organization issues too; an estimated date of birth and a missing nationality are kept as they are', async () => {
    const caseId = await newCase({ dateOfBirth: undefined, birthYear: 1990, nationality: undefined });
    const l = await issue(caseId, u.mgrA);
    expect(l.holder).toEqual({ fullName: 'Aminata Traoré', nationality: null, dateOfBirth: null, birthYear: 1990, birthDateEstimated: false });
  });

  it('an organization without the indulgence_letter capability → 403 CAPABILITY_REQUIRED, nothing written', async () => {
    const other = await makeOrg(t, { capabilities: ['information'], sites: [{}] });
    const cw = await makeUser(t, other, ['caseworker']);
    const res = await as(t, cw)
      .post(CASES)
      .send({ siteId: other.sites[0].id, identity: { givenName: 'Moussa', familyName: 'Diarra', sex: 'male' }, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } })
      .expect(201);
    const before = await count('letters');
    expectProblem(await as(t, cw).post(`${CASES}/${res.body.id}/letters`).send(letterBody()), 403, 'CAPABILITY_REQUIRED');
    // Whatever the case id: the capability is checked before anything is looked up (no existence leak).
    expectProblem(await as(t, u.cwC).post(`${CASES}/${await newCase()}/letters`).send(letterBody()), 403, 'CAPABILITY_REQUIRED');
    expect(await count('letters')).toBe(before);
  });

  it('who may issue: the case’s caseworker and manager; another site’s caseworker and other organizations → 404; analysts, auditors, admins → 404', async () => {
    const caseId = await newCase();
    for (const who of [u.cwA2, u.cwB, u.mgrB, u.analystA, u.auditorA, u.adminA]) {
      expectProblem(await as(t, who).post(`${CASES}/${caseId}/letters`).send(letterBody()), 404, 'NOT_FOUND');
    }
    expect(await count('letters WHERE case_id = $1', [caseId])).toBe(0);
  });

  it('another organization issues for a case referred to it for a letter, once it accepted; not while pending, nor under a referral for another service (403)', async () => {
    const accepted = await referredToB('indulgence_letter');
    const l = await issue(accepted.caseId, u.cwB);
    expect(l).toMatchObject({ issuingOrganizationId: B.org.id, issuer: { code: B.org.code } });
    expect(l.serialNumber).toMatch(new RegExp(`^${B.org.code}-L-2026-\\d{5}$`));
    const row = await t.db.row('SELECT owning_organization_id, issuing_organization_id FROM letters WHERE id = $1', [l.id]);
    expect(row).toEqual({ owning_organization_id: A.org.id, issuing_organization_id: B.org.id });
    // Both sides read it: the issuer (its register) and the case's organization (its case).
    await as(t, u.cwB).get(`${LETTERS}/${l.id}`).expect(200);
    await as(t, u.cwA).get(`${LETTERS}/${l.id}`).expect(200);
    const pending = await referredToB('indulgence_letter', 'pending');
    expectProblem(await as(t, u.cwB).post(`${CASES}/${pending.caseId}/letters`).send(letterBody()), 403, 'FORBIDDEN');
    const health = await referredToB('health');
    expectProblem(await as(t, u.mgrB).post(`${CASES}/${health.caseId}/letters`).send(letterBody()), 403, 'FORBIDDEN');
    expect(await count('letters WHERE case_id = ANY($1)', [[pending.caseId, health.caseId]])).toBe(0);
  });

  it('a closed case → 409 CONFLICT', async () => {
    const caseId = await newCase();
    await as(t, u.mgrA).post(`${CASES}/${caseId}/close`).send({ reason: 'continued_journey' }).expect(200);
    expectProblem(await as(t, u.cwA).post(`${CASES}/${caseId}/letters`).send(letterBody()), 409, 'CONFLICT');
  });

  it('validity: at most 30 days, validUntil after validFrom, not backdated → 400 VALIDATION_FAILED naming the field; 30 days exactly → 201', async () => {
    const caseId = await newCase();
    const fields = async (extra: Record<string, unknown>) => {
      const res = await as(t, u.cwA).post(`${CASES}/${caseId}/letters`).send(letterBody(extra));
      return [...new Set((expectProblem(res, 400, 'VALIDATION_FAILED').errors as { field: string }[]).map((e) => e.field))];
    };
    expect(await fields({ validUntil: day(31) })).toEqual(['validUntil']);
    expect(await fields({ validFrom: day(5), validUntil: day(36) })).toEqual(['validUntil']);
    expect(await fields({ validUntil: day(0) })).toEqual(['validUntil']);
    expect(await fields({ validUntil: day(-3) })).toEqual(['validUntil']);
    expect(await fields({ validFrom: day(-1) })).toEqual(['validFrom']);
    expect(await fields({ validUntil: '2026-02-30' })).toEqual(['validUntil']);
    expect(await fields({ validFrom: '23/11/2026' })).toEqual(['validFrom']);
    expect(await fields({ purpose: '' })).toEqual(['purpose']);
    expect(await fields({ route: { from: 'Gao' } })).toEqual(['route.to']);
    expect(await fields({ route: { from: 'Gao', to: 'Bamako', via: Array(13).fill('Mopti') } })).toEqual(['route.via']);
    expect(await fields({ status: 'revoked' })).toEqual(['status']);
    expect(await count('letters WHERE case_id = $1', [caseId])).toBe(0);
    const l = await issue(caseId, u.cwA, { validFrom: day(2), validUntil: day(32) });
    expect(l.validUntil).toBe(day(32));
  });

  it('an Idempotency-Key retry returns the first letter without issuing a second', async () => {
    const caseId = await newCase();
    const send = () => as(t, u.cwA).post(`${CASES}/${caseId}/letters`).set('idempotency-key', `letter-${caseId}`).send(letterBody());
    const first = await send().expect(201);
    const again = await send().expect(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await count('letters WHERE case_id = $1', [caseId])).toBe(1);
  });

  it('serials are gapless and unique per organization and year under concurrent issuance; a new year starts at 00001', async () => {
    const cases = await Promise.all(Array.from({ length: 8 }, () => newCase()));
    const before = await count('letters WHERE issuing_organization_id = $1', [A.org.id]);
    const issued = await Promise.all(cases.map((c) => issue(c)));
    const numbers = issued.map((l) => Number(l.serialNumber.slice(-5))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => before + 1 + i));
    clock.set('2027-01-02T09:00:00Z');
    expect((await issue(await newCase())).serialNumber).toBe(`${A.org.code}-L-2027-00001`);
  });

  it('concurrent issuances for one case: every one succeeds, exactly one stays active, each superseded by the next', async () => {
    const caseId = await newCase();
    const issued = await Promise.all(Array.from({ length: 5 }, () => issue(caseId)));
    const rows = await t.db.rows<{ id: string; status: string; superseded_by_letter_id: string | null }>(
      'SELECT id, status, superseded_by_letter_id FROM letters WHERE case_id = $1 ORDER BY created_at, serial_number',
      [caseId],
    );
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r.status === 'active')).toHaveLength(1);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(issued.map((l) => l.id)));
    const supersededBy = rows.map((r) => r.superseded_by_letter_id).filter(Boolean);
    expect(new Set(supersededBy).size).toBe(4);
  });
});

// ---- supersede, revoke, verify --------------------------------------------------------------------

describe('supersede and revoke, as the public check sees them', () => {
  it('a new letter supersedes the case’s active one: the old token answers superseded, the new one valid', async () => {
    const caseId = await newCase();
    const first = await issue(caseId);
    expect(await resultOf(first.verificationToken)).toBe('valid');
    const second = await issue(caseId, u.mgrA, { validUntil: day(10) });
    const old = await as(t, u.cwA).get(`${LETTERS}/${first.id}`).expect(200);
    expect(old.body).toMatchObject({ status: 'superseded', supersededByLetterId: second.id, supersededAt: clock.now().toISOString() });
    expect(await resultOf(first.verificationToken)).toBe('superseded');
    expect(await resultOf(second.verificationToken)).toBe('valid');
    expect(await t.db.row(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'letter.superseded'`, [first.id])).toEqual({
      details: { caseId, serialNumber: first.serialNumber, cause: 'reissued' },
    });
  });

  it('revoke with a reason → 200 revoked, verify answers revoked; a second revoke, or revoking a superseded letter → 409', async () => {
    const caseId = await newCase();
    const superseded = await issue(caseId);
    const l = await issue(caseId);
    const res = await as(t, u.cwA).post(`${LETTERS}/${l.id}/revoke`).send({ reason: 'letter lost, reported stolen' }).expect(200);
    expect(res.body).toMatchObject({ status: 'revoked', revokeReason: 'letter lost, reported stolen', revokedBy: u.cwA.user.id, revokedAt: clock.now().toISOString() });
    expect(await resultOf(l.verificationToken)).toBe('revoked');
    expectProblem(await as(t, u.mgrA).post(`${LETTERS}/${l.id}/revoke`).send({ reason: 'again' }), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.mgrA).post(`${LETTERS}/${superseded.id}/revoke`).send({ reason: 'old' }), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.mgrA).post(`${LETTERS}/${l.id}/revoke`).send({}), 400, 'VALIDATION_FAILED');
    const audit = await t.db.row<{ actor_user_id: string; changes: Record<string, { old: unknown; new: unknown }>; details: Record<string, unknown> }>(
      `SELECT actor_user_id, changes, details FROM audit_events WHERE entity_id = $1 AND action = 'letter.revoked'`,
      [l.id],
    );
    expect(audit).toMatchObject({ actor_user_id: u.cwA.user.id, changes: { status: { old: 'active', new: 'revoked' } }, details: { caseId } });
  });

  it('who may revoke: the issuer’s caseworker on the case and its managers; another organization → 404; the case’s organization when another one issued → 403', async () => {
    const caseId = await newCase();
    const l = await issue(caseId);
    for (const who of [u.cwB, u.mgrB, u.cwC, u.cwA2]) expectProblem(await as(t, who).post(`${LETTERS}/${l.id}/revoke`).send({ reason: 'x' }), 404, 'NOT_FOUND');
    for (const who of [u.analystA, u.auditorA, u.adminA]) expectProblem(await as(t, who).post(`${LETTERS}/${l.id}/revoke`).send({ reason: 'x' }), 403, 'FORBIDDEN');
    expect(await resultOf(l.verificationToken)).toBe('valid');
    const byB = await issue((await referredToB('indulgence_letter')).caseId, u.cwB);
    expectProblem(await as(t, u.mgrA).post(`${LETTERS}/${byB.id}/revoke`).send({ reason: 'not yours' }), 403, 'FORBIDDEN');
    await as(t, u.mgrB).post(`${LETTERS}/${byB.id}/revoke`).send({ reason: 'issued in error' }).expect(200);
  });

  it('expired by a controlled clock: valid on its last day, expired the day after; not yet valid before its first day', async () => {
    const l = await issue(await newCase(), u.cwA, { validFrom: day(2), validUntil: day(7) });
    expect(await resultOf(l.verificationToken)).toBe('not_yet_valid');
    clock.advance(2 * DAY);
    expect(await resultOf(l.verificationToken)).toBe('valid');
    clock.set(`${l.validUntil}T23:59:59Z`);
    expect(await resultOf(l.verificationToken)).toBe('valid');
    clock.advance(1000);
    expect(await resultOf(l.verificationToken)).toBe('expired');
    expect((await as(t, u.cwA).get(`${LETTERS}/${l.id}`).expect(200)).body.status).toBe('expired');
    // Still the case's active letter in the register: revocable, and superseded by the next one.
    expect(await t.db.row('SELECT status FROM letters WHERE id = $1', [l.id])).toEqual({ status: 'active' });
  });

  it('the holder is frozen at issuance: editing the case changes neither the letter nor what the check says', async () => {
    const caseId = await newCase();
    const l = await issue(caseId);
    const c = await as(t, u.cwA).get(`${CASES}/${caseId}`).expect(200);
    await as(t, u.cwA).patch(`${CASES}/${caseId}`).set('if-match', c.headers.etag).send({ identity: { familyName: 'Coulibaly', nationality: 'SEN' } }).expect(200);
    expect((await as(t, u.cwA).get(`${LETTERS}/${l.id}`).expect(200)).body.holder).toMatchObject({ fullName: 'Aminata Traoré', nationality: 'GIN' });
    expect((await verify(l.verificationToken).expect(200)).body.holder).toEqual({ fullName: 'Aminata Traoré', nationality: 'GIN' });
  });
});

// ---- the public check -----------------------------------------------------------------------------

describe('GET /public/letters/verify (no authentication)', () => {
  let letter: LetterBody;
  beforeAll(async () => {
    letter = await issue(await newCase());
  });

  it('a genuine letter → valid with only what a checkpoint needs; no-store; the check is audited on the case', async () => {
    const res = await verify(letter.verificationToken).expect(200);
    expect(res.body).toEqual({
      result: 'valid',
      serialNumber: letter.serialNumber,
      holder: { fullName: 'Aminata Traoré', nationality: 'GIN' },
      issuer: { code: A.org.code, name: A.org.name },
      validFrom: letter.validFrom,
      validUntil: letter.validUntil,
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const event = await t.db.row<{ actor_user_id: string | null; ip: string; details: Record<string, unknown> }>(
      `SELECT actor_user_id, ip, details FROM audit_events WHERE entity_id = $1 AND action = 'letter.verified' ORDER BY seq DESC LIMIT 1`,
      [letter.id],
    );
    expect(event).toMatchObject({ actor_user_id: null, details: { caseId: letter.caseId, result: 'valid' } });
    expect(event!.ip).toBeTruthy();
  });

  it('a bearer token changes nothing: the check is the same for anyone', async () => {
    const res = await as(t, u.cwC).get(VERIFY).query({ token: letter.verificationToken }).expect(200);
    expect(res.body.result).toBe('valid');
  });

  it('every tampering → 200 {"result":"invalid"} and nothing more (a changed character anywhere, truncation, another key, alg none, HS256 with the public key, junk)', async () => {
    const token = letter.verificationToken;
    const [header, payload, signature] = token.split('.');
    const swap = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const other = new SigningKeys(`${t.app.get(SigningKeys).current.kid}:${generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`, 'X');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const hsInput = `${b64({ alg: 'HS256', kid: other.current.kid, typ: 'letter+jwt' })}.${payload}`;
    const publicX = t.app.get(SigningKeys).current.jwk.x;
    const tampered = [
      ...[0, 5, header.length - 1].map((i) => `${swap(header, i)}.${payload}.${signature}`),
      ...[0, 40, payload.length - 1].map((i) => `${header}.${swap(payload, i)}.${signature}`),
      ...[0, 43, signature.length - 1].map((i) => `${header}.${payload}.${swap(signature, i)}`),
      token.slice(0, -1),
      token.slice(0, token.lastIndexOf('.')),
      `${header}.${payload}.`,
      `${header}.${b64({ ...claims, vu: '2099-12-31' })}.${signature}`,
      await signLetterToken(other.current, { ...claims }),
      `${b64({ alg: 'none', kid: other.current.kid, typ: 'letter+jwt' })}.${payload}.`,
      `${hsInput}.${createHmac('sha256', publicX).update(hsInput).digest('base64url')}`,
      `${hsInput}.${createHmac('sha256', Buffer.from(publicX, 'base64url')).update(hsInput).digest('base64url')}`,
      'garbage',
      '',
      '\u0000\u0001',
      'x'.repeat(10_240),
    ];
    for (const bad of tampered) {
      const res = await verify(bad);
      expect({ bad: bad.slice(0, 40), status: res.status, body: res.body }).toEqual({ bad: bad.slice(0, 40), status: 200, body: { result: 'invalid' } });
    }
    expect(await resultOf(token)).toBe('valid');
  });

  it('a token signed with our key for a letter not in the register → unknown, and nothing more', async () => {
    const key = t.app.get(SigningKeys).current;
    const forged = await signLetterToken(key, { jti: '00000000-0000-4000-8000-000000000000', sn: 'X-L-2026-00001', iss: 'X', vf: day(0), vu: day(3), hn: 'Nobody', nat: null });
    expect((await verify(forged).expect(200)).body).toEqual({ result: 'unknown' });
  });

  it('no token, or two → 400 VALIDATION_FAILED; other query fields → 400', async () => {
    expectProblem(await t.http.get(VERIFY), 400, 'VALIDATION_FAILED');
    expectProblem(await t.http.get(`${VERIFY}?token=a&token=b`), 400, 'VALIDATION_FAILED');
    expectProblem(await t.http.get(VERIFY).query({ token: letter.verificationToken, caseId: letter.caseId }), 400, 'VALIDATION_FAILED');
  });

  it('GET /public/letters/keys: the public keys as a JWKS, no private part; they verify a token offline', async () => {
    const res = await t.http.get(KEYS).expect(200);
    expect(res.body).toEqual({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String), x: expect.stringMatching(/^[\w-]{43}$/), alg: 'EdDSA', use: 'sig' }] });
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const { payload } = await jwtVerify(letter.verificationToken, createLocalJWKSet(res.body), { algorithms: ['EdDSA'] });
    expect(payload).toMatchObject({ jti: letter.id, sn: letter.serialNumber });
  });
});

// ---- the PDF --------------------------------------------------------------------------------------

describe('GET /letters/{id}/pdf', () => {
  it('a real one-page A4 PDF with the serial, holder and headings, whose QR code decodes to the verification URL; the download is audited', async () => {
    const l = await issue(await newCase());
    const started = performance.now();
    const res = await as(t, u.cwA)
      .get(`${LETTERS}/${l.id}/pdf`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const elapsed = performance.now() - started;
    const pdf = res.body as Buffer;
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="${l.serialNumber}.pdf"`);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)).toHaveLength(1);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    const read = await readPdf(pdf);
    expect(read.pages).toBe(1);
    for (const text of [l.serialNumber, 'Aminata Traoré', "LETTRE D'INDULGENCE", 'Letter of indulgence', 'TITULAIRE', 'Holder', 'VALIDITÉ', 'Validity', 'Guinée (GIN)', '02/04/1999', 'Gossi, Douentza, Mopti', 'Signature et cachet', A.org.name]) {
      expect(read.text).toContain(text);
    }
    expect(read.text).not.toMatch(/pregnant|Tamanrasset|enceinte/);
    expect(read.qr).toBe(l.verificationUrl);
    if (process.env.LETTER_SAMPLE_DIR) {
      writeFileSync(join(process.env.LETTER_SAMPLE_DIR, 'letter-sample.png'), (await readPdf(pdf, 1.5)).png);
      writeFileSync(join(process.env.LETTER_SAMPLE_DIR, 'letter-sample.pdf'), pdf);
    }
    console.info(`letter PDF: ${pdf.length} bytes, served in ${elapsed.toFixed(0)} ms`);
    const audit = await t.db.row(`SELECT actor_user_id, details FROM audit_events WHERE entity_id = $1 AND action = 'letter.pdf_viewed'`, [l.id]);
    expect(audit).toEqual({ actor_user_id: u.cwA.user.id, details: { caseId: l.caseId, serialNumber: l.serialNumber } });
  });

  it('hidden from who may not read the letter (404), and nothing audited for them', async () => {
    const l = await issue(await newCase());
    for (const who of [u.cwB, u.cwC, u.cwA2]) expectProblem(await as(t, who).get(`${LETTERS}/${l.id}/pdf`), 404, 'NOT_FOUND');
    expect(await count(`audit_events WHERE entity_id = $1 AND action = 'letter.pdf_viewed'`, [l.id])).toBe(0);
    expectProblem(await t.http.get(`${LETTERS}/${l.id}/pdf`), 401, 'UNAUTHENTICATED');
  });
});

// ---- lists ----------------------------------------------------------------------------------------

describe('lists', () => {
  it('GET /cases/{id}/letters: newest first, paged with a cursor; hidden case → 404', async () => {
    const caseId = await newCase();
    const issued: LetterBody[] = [];
    for (let i = 0; i < 3; i++) {
      issued.push(await issue(caseId));
      clock.advance(60_000);
    }
    const first = await as(t, u.cwA).get(`${CASES}/${caseId}/letters?limit=2`).expect(200);
    expect(first.body.items.map((l: LetterBody) => l.id)).toEqual([issued[2].id, issued[1].id]);
    expect(first.body.items.map((l: LetterBody) => l.status)).toEqual(['active', 'superseded']);
    const second = await as(t, u.cwA).get(`${CASES}/${caseId}/letters?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`).expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: issued[0].id })], nextCursor: null });
    for (const who of [u.cwB, u.cwC, u.cwA2]) expectProblem(await as(t, who).get(`${CASES}/${caseId}/letters`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.analystA).get(`${CASES}/${caseId}/letters`), 404, 'NOT_FOUND');
  });

  it('GET /letters: the organization’s register, by state and issuance date; a caseworker sees the part of it they work on', async () => {
    const org = await makeOrg(t, { capabilities: ['indulgence_letter'], sites: [{}, {}] });
    const mgr = await makeUser(t, org, ['manager']);
    const cw = await makeUser(t, org, ['caseworker'], { siteIds: [org.sites[1].id] });
    const register = async (who: TestUser, q = '') => (await as(t, who).get(`${LETTERS}${q}`).expect(200)).body.items.map((l: LetterBody) => l.serialNumber);
    const caseAt = async (site: number) =>
      (
        await as(t, mgr)
          .post(CASES)
          .send({ siteId: org.sites[site].id, identity: { givenName: 'Ibrahim', familyName: 'Keita', sex: 'male', nationality: 'MLI' }, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } })
          .expect(201)
      ).body.id as string;
    clock.set('2026-11-02T10:00:00Z');
    const early = await issue(await caseAt(0), mgr, { validUntil: day(5) });
    clock.set('2026-11-20T10:00:00Z');
    const revoked = await issue(await caseAt(1), mgr);
    await as(t, mgr).post(`${LETTERS}/${revoked.id}/revoke`).send({ reason: 'issued in error' }).expect(200);
    clock.advance(3_600_000);
    const current = await issue(await caseAt(1), cw);
    clock.set(START);
    const serials = (...ls: LetterBody[]) => ls.map((l) => l.serialNumber);
    expect(await register(mgr)).toEqual(serials(current, revoked, early));
    expect(await register(mgr, '?status=active')).toEqual(serials(current));
    expect(await register(mgr, '?status=expired')).toEqual(serials(early));
    expect(await register(mgr, '?status=revoked')).toEqual(serials(revoked));
    expect(await register(mgr, '?status=superseded')).toEqual([]);
    expect(await register(mgr, '?from=2026-11-20')).toEqual(serials(current, revoked));
    expect(await register(mgr, '?to=2026-11-02')).toEqual(serials(early));
    expect(await register(mgr, '?from=2026-11-03&to=2026-11-19')).toEqual([]);
    expect(await register(cw)).toEqual(serials(current, revoked));
    // Another organization's register never shows these.
    expect(await register(u.mgrA)).not.toEqual(expect.arrayContaining(serials(current)));
    expectProblem(await as(t, mgr).get(`${LETTERS}?status=lost`), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, mgr).get(`${LETTERS}?from=yesterday`), 400, 'VALIDATION_FAILED');
  });

  it('GET /letters/{id} is audited as a read; another organization → 404', async () => {
    const l = await issue(await newCase());
    await as(t, u.mgrA).get(`${LETTERS}/${l.id}`).expect(200);
    expect(await count(`audit_events WHERE entity_id = $1 AND action = 'letter.viewed' AND actor_user_id = $2`, [l.id, u.mgrA.user.id])).toBe(1);
    expectProblem(await as(t, u.mgrB).get(`${LETTERS}/${l.id}`), 404, 'NOT_FOUND');
  });
});

// ---- the offline command --------------------------------------------------------------------------

describe('npm run verify-letter (offline)', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await verifyLetterCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l), now: clock.now() });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('verifies a token from the running server against the JWKS it publishes, saved to a file or fetched', async () => {
    const l = await issue(await newCase());
    const dir = mkdtempSync(join(tmpdir(), 'letters-'));
    const jwks = join(dir, 'keys.json');
    writeFileSync(jwks, JSON.stringify((await t.http.get(KEYS).expect(200)).body));

    const ok = await run([l.verificationToken, '--jwks', jwks]);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toContain(`Serial:    ${l.serialNumber}`);
    expect(ok.out).toContain('Holder:    Aminata Traoré (GIN)');
    expect(ok.out).toMatch(/VALID on 2026-11-23 \(offline/);

    const json = await run([l.verificationUrl, '--jwks', jwks, '--json']);
    expect(JSON.parse(json.out)).toEqual({
      result: 'valid',
      offline: true,
      serialNumber: l.serialNumber,
      holder: { fullName: 'Aminata Traoré', nationality: 'GIN' },
      issuer: { code: A.org.code },
      validFrom: l.validFrom,
      validUntil: l.validUntil,
    });

    await t.app.listen(0, '127.0.0.1');
    const fetched = await run([l.verificationToken, '--jwks', `${await t.app.getUrl()}${KEYS}`.replace('[::1]', '127.0.0.1')]);
    expect(fetched.code).toBe(0);

    const i = l.verificationToken.length - 10;
    const tampered = await run([`${l.verificationToken.slice(0, i)}${l.verificationToken[i] === 'A' ? 'B' : 'A'}${l.verificationToken.slice(i + 1)}`, '--jwks', jwks]);
    expect(tampered).toMatchObject({ code: 1 });
    expect(tampered.out).toMatch(/^INVALID/);

    clock.advance(30 * DAY);
    expect((await run([l.verificationToken, '--jwks', jwks])).out).toMatch(/EXPIRED on/);
  });

  it('usage errors → exit 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['some.token.here'])).code).toBe(2);
    expect((await run(['a.b.c', '--jwks', '/nonexistent/keys.json'])).code).toBe(2);
    expect((await run(['a.b.c', '--jwks'])).code).toBe(2);
  });
});
