// Issue 5 (Cases), DESIGN §2, §3, §7, API.md "Cases": the case lifecycle over HTTP on real
// PostgreSQL — registration with consent, who may see and edit what (404 for what is hidden),
// the encrypted `sensitive` section, If-Match concurrency, assignment, notes, the timeline, the
// audit of reads, close/reopen with its hook, consents and AVRR screenings. Search, duplicates,
// bad input and concurrent registration are covered in their own files.
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CaseCloseChecks, openEvents, type Role, SubjectKeys, systemActor, UsersService } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const CASES = '/api/v1/cases';
const YEAR = new Date().getUTCFullYear();
const hex = (n = 4) => randomBytes(n).toString('hex');

let t: TestApp;
let A: TestOrg; // two sites
let B: TestOrg; // another organization
let cwA1: TestUser; // caseworker of A at site 0
let cwA2: TestUser; // caseworker of A at site 1
let mgrA: TestUser;
let mgrA2: TestUser;
let analystA: TestUser;
let auditorA: TestUser;
let orgAdminA: TestUser;
let platformAdmin: TestUser;
let cwB: TestUser;
let mgrB: TestUser;

/** Every narrative written in this file: the last test searches the whole database for each. */
const NARRATIVES: string[] = [];
const narrative = (what = 'trafficked through Agadez, held for ransom') => {
  const n = `NARRATIVE-${hex(6)} ${what}`;
  NARRATIVES.push(n);
  return n;
};

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { sites: [{}, {}] });
  B = await makeOrg(t, { sites: [{}] });
  const platform = await makeOrg(t, { capabilities: [], sites: [] });
  const user = (o: TestOrg, roles: Role[], siteIds?: string[]) => makeUser(t, o, roles, { siteIds: siteIds ?? [] });
  cwA1 = await user(A, ['caseworker'], [A.sites[0].id]);
  cwA2 = await user(A, ['caseworker'], [A.sites[1].id]);
  mgrA = await user(A, ['manager'], [A.sites[0].id]);
  mgrA2 = await user(A, ['manager'], []);
  analystA = await user(A, ['analyst']);
  auditorA = await user(A, ['auditor']);
  orgAdminA = await user(A, ['org_admin']);
  platformAdmin = await user(platform, ['platform_admin']);
  cwB = await user(B, ['caseworker'], [B.sites[0].id]);
  mgrB = await user(B, ['manager'], [B.sites[0].id]);
});
afterAll(() => t?.close());

// ---- helpers ------------------------------------------------------------------------------------

const REGISTRATION_CONSENT = { purpose: 'registration', basis: 'consent', method: 'verbal' };
const identity = (extra: Record<string, unknown> = {}) => ({
  givenName: 'Aminata',
  familyName: 'Traoré',
  sex: 'female',
  dateOfBirth: '1999-04-02',
  nationality: 'GIN',
  languages: ['fra', 'sus'],
  ...extra,
});
const caseBody = (siteId: string, extra: Record<string, unknown> = {}) => ({ siteId, identity: identity(), consent: REGISTRATION_CONSENT, ...extra });

/** Registers a case (201 asserted) and returns the response body. */
async function register(u: TestUser, siteId: string, extra: Record<string, unknown> = {}) {
  const res = await as(t, u).post(CASES).send(caseBody(siteId, extra));
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; caseNumber: string; version: number; [k: string]: unknown };
}

const count = async (sql: string, params: unknown[] = []) => (await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))!.n;
const counter = async (orgId: string) => (await t.db.row<{ value: number }>('SELECT value FROM counters WHERE scope = $1 AND year = $2', [`case:${orgId}`, YEAR]))?.value ?? 0;
const caseRow = (id: string) =>
  t.db.row<{ version: number; status: string; closure_reason: string | null; closed_at: Date | null; assigned_to: string | null; contact: Record<string, unknown>; sensitive_ciphertext: Buffer | null; sensitive_key_id: string | null; updated_by: string | null }>(
    'SELECT version, status, closure_reason, closed_at, assigned_to, contact, sensitive_ciphertext, sensitive_key_id, updated_by FROM cases WHERE id = $1',
    [id],
  );
const auditActions = async (entityId: string) =>
  (await t.db.rows<{ action: string }>('SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY seq', [entityId])).map((r) => r.action);
const auditBy = async (entityId: string, userId: string) =>
  (await t.db.rows<{ action: string }>('SELECT action FROM audit_events WHERE entity_id = $1 AND actor_user_id = $2 ORDER BY seq', [entityId, userId])).map((r) => r.action);
const fieldsOf = (body: Record<string, unknown>) => ((body.errors ?? []) as { field: string }[]).map((e) => e.field);
const patch = (u: TestUser, id: string, version: number | string | undefined, body: Record<string, unknown>) => {
  const req = as(t, u).patch(`${CASES}/${id}`);
  if (version !== undefined) req.set('if-match', typeof version === 'number' ? `"${version}"` : version);
  return req.send(body);
};
const idsOf = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);
const listIds = async (u: TestUser) => idsOf((await as(t, u).get(`${CASES}?limit=200`).expect(200)).body);

const SCREEN_OK = {
  wishesToReturn: true,
  countryOfReturn: 'GIN',
  nationalityConfirmed: true,
  asylumSeekerOrRefugee: false,
  travelDocument: 'obtainable',
  bestInterestsDeterminationDone: false,
  fitToTravel: 'not_required',
};

/** Every route naming one case, with a body each accepts from a user allowed to use it. */
const caseRoutes = (id: string, consentId = randomUUID()) =>
  [
    ['GET', `${CASES}/${id}`, undefined],
    ['PATCH', `${CASES}/${id}`, { contact: { phone: '+22376000001' } }],
    ['POST', `${CASES}/${id}/assign`, { userId: cwA2.user.id }],
    ['POST', `${CASES}/${id}/close`, { reason: 'continued_journey' }],
    ['POST', `${CASES}/${id}/reopen`, {}],
    ['POST', `${CASES}/${id}/notes`, { text: 'a note that must not be written' }],
    ['GET', `${CASES}/${id}/notes`, undefined],
    ['GET', `${CASES}/${id}/timeline`, undefined],
    ['GET', `${CASES}/${id}/duplicates`, undefined],
    ['POST', `${CASES}/${id}/consents`, { purpose: 'photo', basis: 'consent', method: 'verbal' }],
    ['GET', `${CASES}/${id}/consents`, undefined],
    ['POST', `${CASES}/${id}/consents/${consentId}/withdraw`, {}],
    ['POST', `${CASES}/${id}/screenings`, SCREEN_OK],
    ['GET', `${CASES}/${id}/screenings`, undefined],
  ] as const;

function send(u: TestUser, method: string, url: string, body: unknown) {
  const c = as(t, u);
  if (method === 'GET') return c.get(url);
  if (method === 'PATCH') return c.patch(url).set('if-match', '"1"').send(body as object);
  return c.post(url).send(body as object);
}

/** Whatever a refused request could have written to a case: all of it, to compare before/after. */
async function footprint(id: string) {
  return {
    row: await t.db.row('SELECT version, status, assigned_to, contact, updated_at FROM cases WHERE id = $1', [id]),
    notes: await count('case_notes WHERE case_id = $1', [id]),
    consents: await t.db.rows('SELECT id, withdrawn_at FROM consents WHERE case_id = $1 ORDER BY id', [id]),
    screenings: await count('screenings WHERE case_id = $1', [id]),
    audit: await auditActions(id),
  };
}

// ---- 1. registration -------------------------------------------------------------------------------

describe('POST /cases: registration (DESIGN §3)', () => {
  it('201 with a {ORGCODE}-{YYYY}-{NNNNNN} number, version 1, ETag "1", Location; the consent row and case.created are written', async () => {
    const o = await makeOrg(t, { sites: [{}] });
    const cw = await makeUser(t, o, ['caseworker'], { siteIds: [o.sites[0].id] });
    const res = await as(t, cw)
      .post(CASES)
      .send(caseBody(o.sites[0].id, { contact: { phone: '+22370000000' }, journey: { countryOfOrigin: 'GIN', intendedDestination: 'ESP', route: ['Conakry', 'Bamako', 'Gao'] }, vulnerabilities: ['pregnant_or_lactating'] }))
      .expect(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      caseNumber: `${o.org.code}-${YEAR}-000001`,
      status: 'open',
      closureReason: null,
      version: 1,
      owningOrganizationId: o.org.id,
      siteId: o.sites[0].id,
      assignedTo: null,
      identity: { givenName: 'Aminata', familyName: 'Traoré', sex: 'female', dateOfBirth: '1999-04-02', nationality: 'GIN', languages: ['fra', 'sus'] },
      contact: { phone: '+22370000000' },
      journey: { countryOfOrigin: 'GIN', intendedDestination: 'ESP', route: ['Conakry', 'Bamako', 'Gao'] },
      vulnerabilities: [{ flag: 'pregnant_or_lactating', assessedBy: cw.user.id, assessedAt: expect.any(String) }],
    });
    expect(res.body.caseNumber).toMatch(/^[A-Z0-9-]+-\d{4}-\d{6}$/);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/api/v1/cases/${res.body.id}`);
    expect(res.body).not.toHaveProperty('sensitive'); // a caseworker not assigned to the case

    expect(await t.db.row('SELECT case_number, owning_organization_id, site_id, status, version, created_by, updated_by FROM cases WHERE id = $1', [res.body.id])).toEqual({
      case_number: `${o.org.code}-${YEAR}-000001`,
      owning_organization_id: o.org.id,
      site_id: o.sites[0].id,
      status: 'open',
      version: 1,
      created_by: cw.user.id,
      updated_by: cw.user.id,
    });
    expect(await t.db.rows('SELECT purpose, basis, method, recorded_by, owning_organization_id, withdrawn_at FROM consents WHERE case_id = $1', [res.body.id])).toEqual([
      { purpose: 'registration', basis: 'consent', method: 'verbal', recorded_by: cw.user.id, owning_organization_id: o.org.id, withdrawn_at: null },
    ]);
    const [created] = await t.db.rows<{ action: string; actor_user_id: string; organization_id: string; changes: Record<string, { new: unknown }>; details: Record<string, unknown> }>(
      'SELECT action, actor_user_id, organization_id, changes, details FROM audit_events WHERE entity_id = $1 ORDER BY seq',
      [res.body.id],
    );
    expect(created).toMatchObject({ action: 'case.created', actor_user_id: cw.user.id, organization_id: o.org.id });
    // Names are personal: sealed under the case's data key in the row, read in clear while it exists (issue 11).
    expect(JSON.stringify(created.changes.givenName)).not.toContain('Aminata');
    const [opened] = await openEvents(t.app.get(DataSource).manager, t.app.get(SubjectKeys), [created]);
    expect(opened.changes!.givenName).toEqual({ old: null, new: 'Aminata' });
    // The registration's consent is in its event (DESIGN §7: every write audited).
    const [consent] = await t.db.rows<{ id: string }>('SELECT id FROM consents WHERE case_id = $1', [res.body.id]);
    expect(opened.details).toEqual({ consentId: consent.id, purpose: 'registration', basis: 'consent', method: 'verbal' });
    expect(await auditActions(res.body.id)).toEqual(['case.created']);
    expect(await counter(o.org.id)).toBe(1);

    // The next registration in the org and year takes the next number.
    expect((await register(cw, o.sites[0].id)).caseNumber).toBe(`${o.org.code}-${YEAR}-000002`);
  });

  it('refusals write nothing and use no number: missing consent, a referral consent (basis consent) → 400 CONSENT_REQUIRED; vital_interest on any purpose is accepted', async () => {
    const o = await makeOrg(t, { sites: [{}] });
    const cw = await makeUser(t, o, ['caseworker'], { siteIds: [o.sites[0].id] });
    const first = await register(cw, o.sites[0].id);
    expect(first.caseNumber).toBe(`${o.org.code}-${YEAR}-000001`);

    const { consent: _omitted, ...withoutConsent } = caseBody(o.sites[0].id);
    const refusals = [
      withoutConsent,
      caseBody(o.sites[0].id, { consent: { purpose: 'referral', basis: 'consent', method: 'signed' } }),
      caseBody(o.sites[0].id, { consent: { purpose: 'photo', basis: 'consent', method: 'verbal' } }),
      caseBody(o.sites[0].id, { consent: { purpose: 'return', basis: 'consent', method: 'thumbprint' } }),
    ];
    for (const body of refusals) {
      const problem = expectProblem(await as(t, cw).post(CASES).send(body), 400, 'CONSENT_REQUIRED');
      expect(fieldsOf(problem)).toEqual(['consent']);
    }
    expect(await count('cases WHERE owning_organization_id = $1', [o.org.id])).toBe(1);
    expect(await count('consents WHERE owning_organization_id = $1', [o.org.id])).toBe(1);
    expect(await count('audit_events WHERE organization_id = $1 AND entity_type = $2', [o.org.id, 'Case'])).toBe(1);
    expect(await counter(o.org.id)).toBe(1);

    // Vital interest (the migrant cannot consent) is a lawful basis whatever the purpose recorded.
    const numbers: string[] = [];
    for (const purpose of ['referral', 'registration', 'photo']) {
      const c = await register(cw, o.sites[0].id, { consent: { purpose, basis: 'vital_interest', method: 'verbal' } });
      numbers.push(c.caseNumber);
      expect(await t.db.rows('SELECT purpose, basis FROM consents WHERE case_id = $1', [c.id])).toEqual([{ purpose, basis: 'vital_interest' }]);
    }
    // Consecutive: the refusals consumed no number (taken after every validation).
    expect(numbers).toEqual([2, 3, 4].map((n) => `${o.org.code}-${YEAR}-${String(n).padStart(6, '0')}`));
  });

  it('a caseworker registering at a site of their org that is not theirs → 403; at another org’s (visible) site → 403; unknown site → 400; nothing written', async () => {
    const before = { cases: await count('cases'), counterA: await counter(A.org.id), counterB: await counter(B.org.id) };
    expectProblem(await as(t, cwA1).post(CASES).send(caseBody(A.sites[1].id)), 403, 'FORBIDDEN');
    expectProblem(await as(t, cwA1).post(CASES).send(caseBody(B.sites[0].id)), 403, 'FORBIDDEN');
    const unknown = expectProblem(await as(t, cwA1).post(CASES).send(caseBody(randomUUID())), 400, 'VALIDATION_FAILED');
    expect(fieldsOf(unknown)).toEqual(['siteId']);
    // A manager of another org cannot register at A's site either.
    expectProblem(await as(t, mgrB).post(CASES).send(caseBody(A.sites[0].id)), 403, 'FORBIDDEN');
    expect({ cases: await count('cases'), counterA: await counter(A.org.id), counterB: await counter(B.org.id) }).toEqual(before);
  });

  it('a manager registers at any site of their org, also one that is not theirs', async () => {
    const c = await register(mgrA, A.sites[1].id);
    expect(c).toMatchObject({ siteId: A.sites[1].id, owningOrganizationId: A.org.id });
  });

  it.each([
    ['analyst', () => analystA],
    ['auditor', () => auditorA],
    ['org_admin', () => orgAdminA],
    ['platform_admin', () => platformAdmin],
  ])('%s may not register cases → 403, nothing written', async (_role, who) => {
    const before = await count('cases');
    expectProblem(await as(t, who()).post(CASES).send(caseBody(A.sites[0].id)), 403, 'FORBIDDEN');
    expect(await count('cases')).toBe(before);
  });
});

// ---- 2. access -----------------------------------------------------------------------------------

describe('who sees a case (DESIGN §2: 404 for what is hidden, never 403)', () => {
  let atSite0: { id: string };
  let atSite1: { id: string };

  beforeAll(async () => {
    atSite0 = await register(cwA1, A.sites[0].id);
    atSite1 = await register(mgrA, A.sites[1].id);
  });

  it('the registering caseworker and the org’s managers read it: 200 with ETag', async () => {
    for (const u of [cwA1, mgrA, mgrA2]) {
      const res = await as(t, u).get(`${CASES}/${atSite0.id}`).expect(200);
      expect(res.body.id).toBe(atSite0.id);
      expect(res.headers.etag).toBe('"1"');
    }
  });

  it('a caseworker of the same org at another site → 404 on the case and every sub-route (assign/close/reopen: 403 by role); nothing written', async () => {
    const before = await footprint(atSite0.id);
    for (const [method, url, body] of caseRoutes(atSite0.id)) {
      const res = await send(cwA2, method, url, body);
      const roleOnly = /\/(assign|close|reopen)$/.test(url); // no caseworker may ever do these, on any case
      expectProblem(res, roleOnly ? 403 : 404, roleOnly ? 'FORBIDDEN' : 'NOT_FOUND');
    }
    expect(await footprint(atSite0.id)).toEqual(before);
    expect(await auditBy(atSite0.id, cwA2.user.id)).toEqual([]);
  });

  it.each([
    ['caseworker of another org', () => cwB],
    ['manager of another org', () => mgrB],
    ['analyst of the same org', () => analystA],
    ['auditor of the same org', () => auditorA],
    ['org_admin of the same org', () => orgAdminA],
    ['platform_admin', () => platformAdmin],
  ])('a %s → 404 NOT_FOUND on GET /cases/{id} and every sub-route; nothing written', async (_who, who) => {
    const before = await footprint(atSite0.id);
    for (const [method, url, body] of caseRoutes(atSite0.id)) {
      const res = await send(who(), method, url, body);
      // A caseworker of another org may never assign/close/reopen anything: the guard's 403 does not depend on the id.
      if (who() === cwB && /\/(assign|close|reopen)$/.test(url)) expectProblem(res, 403, 'FORBIDDEN');
      else expectProblem(res, 404, 'NOT_FOUND');
    }
    expect(await footprint(atSite0.id)).toEqual(before);
    expect(await auditBy(atSite0.id, who().user.id)).toEqual([]);
  });

  it('an unknown case id is the same 404 as a hidden one', async () => {
    const hidden = expectProblem(await as(t, cwB).get(`${CASES}/${atSite0.id}`), 404, 'NOT_FOUND');
    const unknown = expectProblem(await as(t, cwB).get(`${CASES}/${randomUUID()}`), 404, 'NOT_FOUND');
    expect({ ...hidden, instance: undefined }).toEqual({ ...unknown, instance: undefined });
  });

  it('after a manager assigns it to the caseworker of the other site, that caseworker reads and edits it (200) and lists it', async () => {
    expect(await listIds(cwA2)).not.toContain(atSite0.id);
    const assigned = await as(t, mgrA).post(`${CASES}/${atSite0.id}/assign`).send({ userId: cwA2.user.id }).expect(200);
    expect(assigned.body).toMatchObject({ assignedTo: cwA2.user.id, version: 2 });
    const got = await as(t, cwA2).get(`${CASES}/${atSite0.id}`).expect(200);
    expect(got.headers.etag).toBe('"2"');
    await patch(cwA2, atSite0.id, 2, { contact: { phone: '+22376000002' } }).expect(200);
    await as(t, cwA2).post(`${CASES}/${atSite0.id}/notes`).send({ text: 'seen at the Gao transit centre' }).expect(201);
    await as(t, cwA2).get(`${CASES}/${atSite0.id}/timeline`).expect(200);
    expect(await listIds(cwA2)).toContain(atSite0.id);
    // Still invisible to the other organization.
    expectProblem(await as(t, mgrB).get(`${CASES}/${atSite0.id}`), 404, 'NOT_FOUND');
  });

  it('GET /cases lists exactly what each role may read one by one (list = single-record rule)', async () => {
    const mine = await register(cwB, B.sites[0].id);
    const orgA = (await t.db.rows<{ id: string }>('SELECT id FROM cases WHERE owning_organization_id = $1', [A.org.id])).map((r) => r.id);
    const orgB = (await t.db.rows<{ id: string }>('SELECT id FROM cases WHERE owning_organization_id = $1', [B.org.id])).map((r) => r.id);
    expect(orgA.length).toBeGreaterThan(2);

    for (const u of [cwA1, cwA2, mgrA, cwB, mgrB]) {
      const listed = await listIds(u);
      const readable: string[] = [];
      for (const id of [...orgA, ...orgB]) {
        const res = await as(t, u).get(`${CASES}/${id}`);
        expect([200, 404]).toContain(res.status);
        if (res.status === 200) readable.push(id);
      }
      expect([...listed].sort()).toEqual([...readable].sort());
    }
    // Managers: all of their org's cases, nothing else.
    expect((await listIds(mgrA)).sort()).toEqual([...orgA].sort());
    expect((await listIds(mgrB)).sort()).toEqual([...orgB].sort());
    expect(await listIds(mgrB)).toContain(mine.id);
    // Caseworkers: their sites' cases and those assigned to them.
    const cw1 = await listIds(cwA1);
    expect(cw1).toContain(atSite0.id);
    expect(cw1).not.toContain(atSite1.id);
    const cw2 = await listIds(cwA2);
    expect(cw2).toEqual(expect.arrayContaining([atSite1.id, atSite0.id])); // site 1, and assigned
  });

  it.each([
    ['analyst', () => analystA],
    ['auditor', () => auditorA],
    ['org_admin', () => orgAdminA],
    ['platform_admin', () => platformAdmin],
  ])('GET /cases for a %s (no case access) → 403 FORBIDDEN (current behaviour: the list route is not "hidden")', async (_role, who) => {
    const res = await as(t, who()).get(CASES);
    expectProblem(res, 403, 'FORBIDDEN');
    expect(JSON.stringify(res.body)).not.toContain(atSite0.id);
  });
});

// ---- 3. sensitive ---------------------------------------------------------------------------------

describe('the sensitive section (DESIGN §2, §7)', () => {
  let c: { id: string };
  let text: string;
  let medical: string;

  beforeAll(async () => {
    text = narrative();
    medical = narrative('malaria, treated at the CSREF');
    c = await register(cwA1, A.sites[0].id, { sensitive: { narrative: text, medicalDetails: medical, protectionConcerns: ['trafficking'] } });
  });

  it('is stored encrypted (AES-256-GCM, key id k1), never in clear', async () => {
    const row = await caseRow(c.id);
    expect(row!.sensitive_key_id).toBe('k1');
    expect(row!.sensitive_ciphertext).toBeInstanceOf(Buffer);
    expect(row!.sensitive_ciphertext!.includes(Buffer.from(text))).toBe(false);
    expect(row!.sensitive_ciphertext!.includes(Buffer.from(medical))).toBe(false);
  });

  it('the org’s managers read it; the non-assigned caseworker who can read the case gets no `sensitive` key at all', async () => {
    for (const m of [mgrA, mgrA2]) {
      const res = await as(t, m).get(`${CASES}/${c.id}`).expect(200);
      expect(res.body.sensitive).toEqual({ narrative: text, medicalDetails: medical, protectionConcerns: ['trafficking'] });
    }
    const cw = await as(t, cwA1).get(`${CASES}/${c.id}`).expect(200);
    expect(cw.body).not.toHaveProperty('sensitive');
    expect(JSON.stringify(cw.body)).not.toContain(text);
    expect(JSON.stringify(cw.body)).not.toContain(medical);
    // Nor through the list.
    const list = await as(t, cwA1).get(`${CASES}?limit=200`).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(text);
    // Nor in the PATCH response of a non-sensitive edit.
    const edited = await patch(cwA1, c.id, 1, { contact: { phone: '+22376000003' } }).expect(200);
    expect(edited.body).not.toHaveProperty('sensitive');
  });

  it('a non-assigned caseworker PATCHing `sensitive` → 403, nothing changes (ciphertext, version, audit)', async () => {
    const before = await caseRow(c.id);
    const actions = await auditActions(c.id);
    const attempt = narrative('overwritten by someone not allowed');
    expectProblem(await patch(cwA1, c.id, before!.version, { sensitive: { narrative: attempt } }), 403, 'FORBIDDEN');
    expectProblem(await patch(cwA1, c.id, before!.version, { sensitive: { narrative: attempt }, contact: { phone: '+22376000004' } }), 403, 'FORBIDDEN');
    expect(await caseRow(c.id)).toEqual(before);
    expect(await auditActions(c.id)).toEqual(actions);
    expect((await as(t, mgrA).get(`${CASES}/${c.id}`).expect(200)).body.sensitive.narrative).toBe(text);
  });

  it('a manager edits it: the response and the next read carry the new value; the audit says "changed" without the value', async () => {
    const v = (await caseRow(c.id))!.version;
    const next = narrative('new account after the interview');
    const res = await patch(mgrA, c.id, v, { sensitive: { narrative: next } }).expect(200);
    expect(res.body.version).toBe(v + 1);
    expect(res.body.sensitive).toEqual({ narrative: next });
    expect((await as(t, mgrA).get(`${CASES}/${c.id}`).expect(200)).body.sensitive).toEqual({ narrative: next });
    const [event] = await t.db.rows<{ changes: Record<string, unknown> }>(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'case.updated' ORDER BY seq DESC LIMIT 1`, [c.id]);
    expect(Object.keys(event.changes)).toEqual(['sensitive']);
    expect(JSON.stringify(event.changes)).not.toContain(next);
    text = next;
  });

  it('once assigned to the caseworker, they read and edit it', async () => {
    await as(t, mgrA).post(`${CASES}/${c.id}/assign`).send({ userId: cwA1.user.id }).expect(200);
    const res = await as(t, cwA1).get(`${CASES}/${c.id}`).expect(200);
    expect(res.body.sensitive).toEqual({ narrative: text });
    const next = narrative('completed by the assigned caseworker');
    const edited = await patch(cwA1, c.id, Number(JSON.parse(res.headers.etag)), { sensitive: { narrative: next } }).expect(200);
    expect(edited.body.sensitive).toEqual({ narrative: next });
    // Another caseworker of the site, not assigned, still gets no key.
    const colleague = await makeUser(t, A, ['caseworker'], { siteIds: [A.sites[0].id] });
    expect((await as(t, colleague).get(`${CASES}/${c.id}`).expect(200)).body).not.toHaveProperty('sensitive');
  });

  it('a manager clears it with an empty section: no ciphertext, no key id, GET says null', async () => {
    const d = await register(cwA1, A.sites[0].id, { sensitive: { narrative: narrative('to be removed: entered on the wrong case') } });
    await patch(mgrA, d.id, 1, { sensitive: {} }).expect(200);
    expect(await caseRow(d.id)).toMatchObject({ sensitive_ciphertext: null, sensitive_key_id: null, version: 2 });
    expect((await as(t, mgrA).get(`${CASES}/${d.id}`).expect(200)).body.sensitive).toBeNull();
  });

  it('a manager registering with Idempotency-Key (a field retry) gets the same answer replayed, which never echoes the section (it is stored)', async () => {
    const secret = narrative('registered from the field with a retry key');
    const key = `reg-${hex()}`;
    const body = caseBody(A.sites[0].id, { sensitive: { narrative: secret } });
    const first = await as(t, mgrA).post(CASES).set('idempotency-key', key).send(body).expect(201);
    const again = await as(t, mgrA).post(CASES).set('idempotency-key', key).send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(first.body).not.toHaveProperty('sensitive');
    expect(await t.db.row('SELECT state, response_status FROM idempotency_keys WHERE scope = $1 AND key = $2', [mgrA.user.id, key])).toEqual({ state: 'completed', response_status: 201 });
    expect(await count('cases WHERE id = $1', [first.body.id])).toBe(1);
    expect((await as(t, mgrA).get(`${CASES}/${first.body.id}`).expect(200)).body.sensitive).toEqual({ narrative: secret });
  });
});

// ---- 4. optimistic concurrency -------------------------------------------------------------------------

describe('PATCH /cases/{id} with If-Match (no lost updates)', () => {
  let c: { id: string };
  beforeAll(async () => {
    c = await register(cwA1, A.sites[0].id, { contact: { phone: '+22370000010' } });
  });

  it('without If-Match → 428 PRECONDITION_REQUIRED, nothing changes', async () => {
    const before = await caseRow(c.id);
    expectProblem(await patch(cwA1, c.id, undefined, { contact: { phone: '+22370000011' } }), 428, 'PRECONDITION_REQUIRED');
    expectProblem(await patch(cwA1, c.id, '', { contact: { phone: '+22370000011' } }), 428, 'PRECONDITION_REQUIRED');
    expect(await caseRow(c.id)).toEqual(before);
    expect(await auditActions(c.id)).toEqual(['case.created']);
  });

  it('with the current version → 200, version + 1, new ETag, the row and a case.updated event with the change', async () => {
    const res = await patch(cwA1, c.id, 1, { contact: { phone: '+22370000012' } }).expect(200);
    expect(res.body).toMatchObject({ version: 2, contact: { phone: '+22370000012' } });
    expect(res.headers.etag).toBe('"2"');
    expect(await caseRow(c.id)).toMatchObject({ version: 2, contact: { phone: '+22370000012' }, updated_by: cwA1.user.id });
    const [event] = await t.db.rows<{ changes: unknown; actor_user_id: string }>(`SELECT changes, actor_user_id FROM audit_events WHERE entity_id = $1 AND action = 'case.updated'`, [c.id]);
    // The contact is personal: sealed in the row (issue 11), opened with the case's data key.
    expect(JSON.stringify(event.changes)).not.toContain('+2237000001');
    const [opened] = await openEvents(t.app.get(DataSource).manager, t.app.get(SubjectKeys), [{ changes: event.changes as Record<string, unknown>, details: null }]);
    expect({ actor_user_id: event.actor_user_id, changes: opened.changes }).toEqual({ actor_user_id: cwA1.user.id, changes: { contact: { old: { phone: '+22370000010' }, new: { phone: '+22370000012' } } } });
    // The weak form of the ETag is accepted too.
    const weak = await patch(cwA1, c.id, 'W/"2"', { identity: { givenName: 'Aminatou' } }).expect(200);
    expect(weak.body).toMatchObject({ version: 3, identity: { givenName: 'Aminatou', familyName: 'Traoré' } });
    expect((await as(t, cwA1).get(`${CASES}/${c.id}`).expect(200)).headers.etag).toBe('"3"');
  });

  it('a stale or unreadable version → 412 VERSION_CONFLICT, nothing changes', async () => {
    const before = await caseRow(c.id);
    const actions = await auditActions(c.id);
    const stale = expectProblem(await patch(cwA1, c.id, 1, { contact: { phone: '+22370000013' } }), 412, 'VERSION_CONFLICT');
    expect(stale.currentVersion).toBe(before!.version);
    expectProblem(await patch(cwA1, c.id, before!.version + 1, { contact: { phone: '+22370000013' } }), 412, 'VERSION_CONFLICT');
    expectProblem(await patch(cwA1, c.id, '"abc"', { contact: { phone: '+22370000013' } }), 412, 'VERSION_CONFLICT');
    expect(await caseRow(c.id)).toEqual(before);
    expect(await auditActions(c.id)).toEqual(actions);
  });

  it('identity is merged over the stored one; null clears a date of birth, a year or a nationality (issue 20: the web form can switch to "year only")', async () => {
    const d = await register(cwA1, A.sites[0].id, { identity: { givenName: 'Kadiatou', familyName: 'Bah', sex: 'female', dateOfBirth: '1996-03-04', nationality: 'GIN' } });
    const toYearOnly = await patch(cwA1, d.id, 1, { identity: { dateOfBirth: null, birthYear: 1995, birthDateEstimated: true } }).expect(200);
    expect(toYearOnly.body.identity).toMatchObject({ givenName: 'Kadiatou', birthYear: 1995, birthDateEstimated: true, nationality: 'GIN' });
    expect(toYearOnly.body.identity.dateOfBirth).toBeUndefined();
    const noNationality = await patch(cwA1, d.id, 2, { identity: { nationality: null } }).expect(200);
    expect(noNationality.body.identity).toMatchObject({ givenName: 'Kadiatou', birthYear: 1995 });
    expect(noNationality.body.identity.nationality).toBeUndefined();
    // Absent fields are kept; a bad value is still refused.
    expect((await patch(cwA1, d.id, 3, { identity: { familyName: 'Barry' } }).expect(200)).body.identity).toMatchObject({ givenName: 'Kadiatou', familyName: 'Barry', birthYear: 1995 });
    expectProblem(await patch(cwA1, d.id, 4, { identity: { nationality: 'XX' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await patch(cwA1, d.id, 4, { identity: { givenName: null } }), 400, 'VALIDATION_FAILED');
  });

  it('two concurrent PATCHes with the same If-Match → exactly one 200 and one 412, repeatedly; the winner’s value is stored', async () => {
    for (let round = 0; round < 6; round++) {
      const { version } = (await caseRow(c.id))!;
      const updatesBefore = (await auditActions(c.id)).filter((a) => a === 'case.updated').length;
      const phones = [`+2237100${round}001`, `+2237100${round}002`];
      const [r1, r2] = await Promise.all([patch(cwA1, c.id, version, { contact: { phone: phones[0] } }), patch(mgrA, c.id, version, { contact: { phone: phones[1] } })]);
      expect([r1.status, r2.status].sort()).toEqual([200, 412]);
      const [winner, loser] = r1.status === 200 ? [r1, r2] : [r2, r1];
      expectProblem(loser, 412, 'VERSION_CONFLICT');
      expect(winner.body.version).toBe(version + 1);
      const row = await caseRow(c.id);
      expect(row).toMatchObject({ version: version + 1, contact: { phone: winner.body.contact.phone } });
      expect((await auditActions(c.id)).filter((a) => a === 'case.updated').length).toBe(updatesBefore + 1);
    }
  });
});

// ---- 5. assignment, notes, timeline, audit of reads ------------------------------------------------------

describe('assignment (manager only)', () => {
  let c: { id: string };
  beforeAll(async () => {
    c = await register(cwA1, A.sites[0].id);
  });

  it('a caseworker → 403, nothing changes', async () => {
    const before = await footprint(c.id);
    expectProblem(await as(t, cwA1).post(`${CASES}/${c.id}/assign`).send({ userId: cwA1.user.id }), 403, 'FORBIDDEN');
    expect(await footprint(c.id)).toEqual(before);
  });

  it('the assignee must be an active caseworker or manager of the case’s org → else 400 on userId, nothing changes', async () => {
    const inactive = await makeUser(t, A, ['caseworker'], { siteIds: [A.sites[0].id] });
    await t.app.get(UsersService).update(systemActor(), inactive.user.id, { active: false });
    const before = await footprint(c.id);
    for (const userId of [analystA.user.id, auditorA.user.id, orgAdminA.user.id, cwB.user.id, mgrB.user.id, inactive.user.id, randomUUID()]) {
      const problem = expectProblem(await as(t, mgrA).post(`${CASES}/${c.id}/assign`).send({ userId }), 400, 'VALIDATION_FAILED');
      expect(fieldsOf(problem)).toEqual(['userId']);
    }
    expect(await footprint(c.id)).toEqual(before);
  });

  it('a manager assigns → 200, assignedTo, version + 1 and ETag, a case.assigned event; a manager can be the assignee too', async () => {
    const res = await as(t, mgrA).post(`${CASES}/${c.id}/assign`).send({ userId: cwA2.user.id }).expect(200);
    expect(res.body).toMatchObject({ assignedTo: cwA2.user.id, version: 2 });
    expect(res.headers.etag).toBe('"2"');
    expect(await caseRow(c.id)).toMatchObject({ assigned_to: cwA2.user.id, version: 2, updated_by: mgrA.user.id });
    const [event] = await t.db.rows<{ changes: unknown }>(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'case.assigned'`, [c.id]);
    expect(event.changes).toEqual({ assignedTo: { old: null, new: cwA2.user.id } });
    await as(t, mgrA).post(`${CASES}/${c.id}/assign`).send({ userId: mgrA2.user.id }).expect(200);
    expect(await caseRow(c.id)).toMatchObject({ assigned_to: mgrA2.user.id, version: 3 });
  });

  it('an assignment racing an edit never fails (it sends no If-Match): assign → 200; the edit → 200 or 412; no lost update', async () => {
    for (let round = 0; round < 10; round++) {
      const d = await register(cwA1, A.sites[0].id);
      const assignee = round % 2 ? cwA1 : cwA2;
      const phone = `+2237200${round}000`;
      const [edit, assign] = await Promise.all([
        patch(cwA1, d.id, 1, { contact: { phone } }),
        as(t, mgrA).post(`${CASES}/${d.id}/assign`).send({ userId: assignee.user.id }),
      ]);
      expect(assign.status).toBe(200);
      expect([200, 412]).toContain(edit.status);
      const row = await caseRow(d.id);
      expect(row).toMatchObject({ assigned_to: assignee.user.id, version: edit.status === 200 ? 3 : 2, contact: edit.status === 200 ? { phone } : {} });
    }
  });
});

describe('notes, timeline and the audit of reads (DESIGN §3, §7)', () => {
  let c: { id: string };
  beforeAll(async () => {
    c = await register(cwA1, A.sites[0].id);
  });

  it('POST notes → 201 with the note and a row; GET notes lists them newest first', async () => {
    const first = await as(t, cwA1).post(`${CASES}/${c.id}/notes`).send({ text: 'arrived by bus from Niamey' }).expect(201);
    expect(first.body).toEqual({ id: expect.any(String), caseId: c.id, text: 'arrived by bus from Niamey', authorId: cwA1.user.id, createdAt: expect.any(String) });
    const second = await as(t, mgrA).post(`${CASES}/${c.id}/notes`).send({ text: 'wants to go home to Kankan' }).expect(201);
    expect(await t.db.rows('SELECT text, author_id, owning_organization_id FROM case_notes WHERE case_id = $1 ORDER BY created_at', [c.id])).toEqual([
      { text: 'arrived by bus from Niamey', author_id: cwA1.user.id, owning_organization_id: A.org.id },
      { text: 'wants to go home to Kankan', author_id: mgrA.user.id, owning_organization_id: A.org.id },
    ]);
    const list = await as(t, cwA1).get(`${CASES}/${c.id}/notes`).expect(200);
    expect(list.body).toEqual({ items: [second.body, first.body], nextCursor: null });
  });

  it('the timeline lists every change in order (creation, edit, assignment, note, consent, screening) and no read', async () => {
    const d = await register(cwA1, A.sites[0].id);
    await patch(cwA1, d.id, 1, { contact: { phone: '+22370000020' } }).expect(200);
    await as(t, mgrA).post(`${CASES}/${d.id}/assign`).send({ userId: cwA1.user.id }).expect(200);
    await as(t, cwA1).post(`${CASES}/${d.id}/notes`).send({ text: 'first interview done' }).expect(201);
    await as(t, cwA1).post(`${CASES}/${d.id}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201);
    await as(t, cwA1).post(`${CASES}/${d.id}/screenings`).send(SCREEN_OK).expect(201);
    // Reads in between, which the timeline must leave out.
    await as(t, cwA1).get(`${CASES}/${d.id}`).expect(200);
    await as(t, cwA1).get(`${CASES}/${d.id}/notes`).expect(200);
    await as(t, cwA1).get(`${CASES}/${d.id}/duplicates`).expect(200);
    await as(t, cwA1).get(`${CASES}/${d.id}/timeline`).expect(200);

    const res = await as(t, mgrA).get(`${CASES}/${d.id}/timeline`).expect(200);
    const types = res.body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['case.created', 'case.updated', 'case.assigned', 'case.note_added', 'consent.recorded', 'screening.recorded']);
    expect(types.filter((x: string) => x.endsWith('viewed'))).toEqual([]);
    expect(res.body.items[1]).toMatchObject({ type: 'case.updated', actorUserId: cwA1.user.id, changedFields: ['contact'], at: expect.stringMatching(/Z$/) });
    expect(res.body.items[2]).toMatchObject({ type: 'case.assigned', actorUserId: mgrA.user.id, changedFields: ['assignedTo'] });
    expect(res.body.nextCursor).toBeNull();
    // The reads were audited all the same.
    expect(await auditActions(d.id)).toEqual(expect.arrayContaining(['case.viewed', 'case.notes_viewed', 'case.duplicates_viewed', 'case.timeline_viewed']));
  });

  it('GET /cases/{id} and GET timeline each leave one audit event with the reader, org and request id', async () => {
    const viewed = () => t.db.rows<{ actor_user_id: string; actor_organization_id: string; organization_id: string; request_id: string }>(
      `SELECT actor_user_id, actor_organization_id, organization_id, request_id FROM audit_events WHERE entity_id = $1 AND action = $2 ORDER BY seq`,
      [c.id, 'case.viewed'],
    );
    const before = (await viewed()).length;
    const rid = `req-${hex()}`;
    await as(t, mgrA).get(`${CASES}/${c.id}`).set('x-request-id', rid).expect(200);
    const after = await viewed();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toEqual({ actor_user_id: mgrA.user.id, actor_organization_id: A.org.id, organization_id: A.org.id, request_id: rid });

    const tl = () => count(`audit_events WHERE entity_id = $1 AND action = 'case.timeline_viewed' AND actor_user_id = $2`, [c.id, cwA1.user.id]);
    const tlBefore = await tl();
    await as(t, cwA1).get(`${CASES}/${c.id}/timeline`).expect(200);
    expect(await tl()).toBe(tlBefore + 1);

    // A refused read leaves no "viewed" event for the case.
    const hidden = await count(`audit_events WHERE entity_id = $1 AND actor_user_id = $2`, [c.id, cwB.user.id]);
    await as(t, cwB).get(`${CASES}/${c.id}`).expect(404);
    expect(await count(`audit_events WHERE entity_id = $1 AND actor_user_id = $2`, [c.id, cwB.user.id])).toBe(hidden);
  });
});

// ---- 6. close / reopen ------------------------------------------------------------------------------------

describe('close and reopen (manager only)', () => {
  let c: { id: string };
  beforeAll(async () => {
    c = await register(cwA1, A.sites[0].id);
  });

  it('a caseworker → 403 on close and reopen, nothing changes', async () => {
    const before = await footprint(c.id);
    expectProblem(await as(t, cwA1).post(`${CASES}/${c.id}/close`).send({ reason: 'continued_journey' }), 403, 'FORBIDDEN');
    expectProblem(await as(t, cwA1).post(`${CASES}/${c.id}/reopen`).send({}), 403, 'FORBIDDEN');
    expect(await footprint(c.id)).toEqual(before);
  });

  it('close with a reason → 200 closed; close again → 409 INVALID_TRANSITION; reopen → open; reopen again → 409', async () => {
    const closed = await as(t, mgrA).post(`${CASES}/${c.id}/close`).send({ reason: 'continued_journey' }).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', closureReason: 'continued_journey', version: 2 });
    expect(closed.headers.etag).toBe('"2"');
    expect(await caseRow(c.id)).toMatchObject({ status: 'closed', closure_reason: 'continued_journey', closed_at: expect.any(Date), version: 2, updated_by: mgrA.user.id });

    expectProblem(await as(t, mgrA).post(`${CASES}/${c.id}/close`).send({ reason: 'lost_contact' }), 409, 'INVALID_TRANSITION');
    expect(await caseRow(c.id)).toMatchObject({ status: 'closed', closure_reason: 'continued_journey', version: 2 });

    const reopened = await as(t, mgrA2).post(`${CASES}/${c.id}/reopen`).send({}).expect(200);
    expect(reopened.body).toMatchObject({ status: 'open', closureReason: null, version: 3 });
    expect(await caseRow(c.id)).toMatchObject({ status: 'open', closure_reason: null, closed_at: null, version: 3 });
    expectProblem(await as(t, mgrA).post(`${CASES}/${c.id}/reopen`).send({}), 409, 'INVALID_TRANSITION');
    expect(await caseRow(c.id)).toMatchObject({ status: 'open', version: 3 });
    expect((await auditActions(c.id)).filter((a) => !a.endsWith('viewed'))).toEqual(['case.created', 'case.closed', 'case.reopened']);
  });

  it('a close check that reports a blocker (an active stay) → 409 CASE_NOT_CLOSABLE naming it; the case stays open', async () => {
    const blocked = await register(cwA1, A.sites[0].id);
    t.app.get(CaseCloseChecks).register(async (_em, caseId) => (caseId === blocked.id ? 'an active shelter stay' : null));
    const problem = expectProblem(await as(t, mgrA).post(`${CASES}/${blocked.id}/close`).send({ reason: 'continued_journey' }), 409, 'CASE_NOT_CLOSABLE');
    expect(problem.detail).toContain('an active shelter stay');
    expect(problem.blockers).toEqual(['an active shelter stay']);
    expect(await caseRow(blocked.id)).toMatchObject({ status: 'open', closure_reason: null, closed_at: null, version: 1 });
    expect(await auditActions(blocked.id)).toEqual(['case.created']);
    // Other cases are not blocked by it.
    const free = await register(cwA1, A.sites[0].id);
    await as(t, mgrA).post(`${CASES}/${free.id}/close`).send({ reason: 'continued_journey' }).expect(200);
  });
});

// ---- 7. consents --------------------------------------------------------------------------------------------

describe('consents (DESIGN §3: per purpose, withdrawal takes effect at once)', () => {
  let c: { id: string };
  beforeAll(async () => {
    c = await register(cwA1, A.sites[0].id);
  });

  it('records a referral consent covering organizations → 201 active, a row and consent.recorded', async () => {
    const res = await as(t, cwA1)
      .post(`${CASES}/${c.id}/consents`)
      .send({ purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [B.org.id], notes: 'explained in Bambara' })
      .expect(201);
    expect(res.body).toMatchObject({ id: expect.any(String), caseId: c.id, purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [B.org.id], active: true, withdrawnAt: null, recordedBy: cwA1.user.id });
    expect(await t.db.row('SELECT purpose, organization_ids, withdrawn_at, recorded_by, owning_organization_id FROM consents WHERE id = $1', [res.body.id])).toEqual({
      purpose: 'referral',
      organization_ids: [B.org.id],
      withdrawn_at: null,
      recorded_by: cwA1.user.id,
      owning_organization_id: A.org.id,
    });
    const [event] = await t.db.rows<{ details: Record<string, unknown> }>(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'consent.recorded'`, [c.id]);
    expect(event.details).toMatchObject({ consentId: res.body.id, purpose: 'referral', organizationIds: [B.org.id] });
  });

  it('an unknown organization id → 400 on organizationIds, nothing written', async () => {
    const before = await count('consents WHERE case_id = $1', [c.id]);
    const problem = expectProblem(
      await as(t, cwA1).post(`${CASES}/${c.id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [B.org.id, randomUUID()] }),
      400,
      'VALIDATION_FAILED',
    );
    expect(fieldsOf(problem)).toEqual(['organizationIds']);
    expect(await count('consents WHERE case_id = $1', [c.id])).toBe(before);
  });

  it('lists the case’s consents newest first; withdraw → 200 active:false at once; again → 409 INVALID_TRANSITION', async () => {
    const photo = await as(t, cwA1).post(`${CASES}/${c.id}/consents`).send({ purpose: 'photo', basis: 'consent', method: 'verbal' }).expect(201);
    const list = await as(t, mgrA).get(`${CASES}/${c.id}/consents`).expect(200);
    expect(list.body.items.map((k: { purpose: string }) => k.purpose)).toEqual(['photo', 'referral', 'registration']);
    expect(list.body.items.every((k: { active: boolean }) => k.active)).toBe(true);

    const res = await as(t, cwA1).post(`${CASES}/${c.id}/consents/${photo.body.id}/withdraw`).send({ reason: 'changed their mind' }).expect(200);
    expect(res.body).toMatchObject({ id: photo.body.id, active: false, withdrawnAt: expect.any(String), withdrawnBy: cwA1.user.id, withdrawalReason: 'changed their mind' });
    expect(await t.db.row('SELECT withdrawn_by, withdrawal_reason FROM consents WHERE id = $1', [photo.body.id])).toEqual({ withdrawn_by: cwA1.user.id, withdrawal_reason: 'changed their mind' });
    expect((await as(t, cwA1).get(`${CASES}/${c.id}/consents`).expect(200)).body.items.find((k: { id: string }) => k.id === photo.body.id)).toMatchObject({ active: false });

    const withdrawnAt = (await t.db.row<{ withdrawn_at: Date }>('SELECT withdrawn_at FROM consents WHERE id = $1', [photo.body.id]))!.withdrawn_at;
    expectProblem(await as(t, mgrA).post(`${CASES}/${c.id}/consents/${photo.body.id}/withdraw`).send({}), 409, 'INVALID_TRANSITION');
    expect(await t.db.row('SELECT withdrawn_at, withdrawn_by FROM consents WHERE id = $1', [photo.body.id])).toEqual({ withdrawn_at: withdrawnAt, withdrawn_by: cwA1.user.id });
    expect((await auditActions(c.id)).filter((a) => a === 'consent.withdrawn')).toHaveLength(1);
  });

  it('withdrawing an unknown consent, or another case’s consent through this case → 404', async () => {
    const other = await register(cwA1, A.sites[0].id);
    const [{ id: otherConsent }] = await t.db.rows<{ id: string }>('SELECT id FROM consents WHERE case_id = $1', [other.id]);
    expectProblem(await as(t, cwA1).post(`${CASES}/${c.id}/consents/${randomUUID()}/withdraw`).send({}), 404, 'NOT_FOUND');
    expectProblem(await as(t, cwA1).post(`${CASES}/${c.id}/consents/${otherConsent}/withdraw`).send({}), 404, 'NOT_FOUND');
    expect(await t.db.row('SELECT withdrawn_at FROM consents WHERE id = $1', [otherConsent])).toEqual({ withdrawn_at: null });
  });
});

// ---- 8. screenings -----------------------------------------------------------------------------------------

describe('AVRR eligibility screenings (DESIGN §3: the server computes outcome and reasons)', () => {
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);
  const yearsAgo = (years: number, days = 0) => {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() - years);
    d.setUTCDate(d.getUTCDate() + days);
    return isoDate(d);
  };
  const screen = async (id: string, answers: Record<string, unknown>) => {
    const res = await as(t, cwA1).post(`${CASES}/${id}/screenings`).send({ ...SCREEN_OK, ...answers });
    if (res.status !== 201) throw new Error(`screening failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; outcome: string; reasons: string[] };
  };

  it.each([
    ['eligible', {}, 'eligible', []],
    ['no wish to return', { wishesToReturn: false, asylumSeekerOrRefugee: true }, 'not_eligible', ['no_wish_to_return']],
    ['an asylum seeker or refugee', { asylumSeekerOrRefugee: true, travelDocument: 'none' }, 'referred_protection', ['asylum_seeker_or_refugee']],
    ['no travel document, fitness pending', { travelDocument: 'none', fitToTravel: 'pending' }, 'pending', ['no_travel_document', 'fitness_to_travel_pending']],
    ['not fit, nationality unconfirmed, no country', { fitToTravel: 'no', nationalityConfirmed: false, countryOfReturn: undefined }, 'pending', ['country_of_return_missing', 'nationality_not_confirmed', 'not_fit_to_travel']],
  ])('an adult, %s → %s', async (_what, answers, outcome, reasons) => {
    const c = await register(cwA1, A.sites[0].id);
    const s = await screen(c.id, answers);
    expect(s).toMatchObject({ caseId: c.id, outcome, reasons, screenedBy: cwA1.user.id });
    expect(await t.db.row('SELECT outcome, reasons, screened_by, owning_organization_id FROM screenings WHERE id = $1', [s.id])).toEqual({ outcome, reasons, screened_by: cwA1.user.id, owning_organization_id: A.org.id });
    const [event] = await t.db.rows<{ details: unknown }>(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'screening.recorded'`, [c.id]);
    expect(event.details).toEqual({ screeningId: s.id, outcome, reasons });
  });

  it.each([
    ['flagged unaccompanied_child', { vulnerabilities: ['unaccompanied_child'], identity: identity({ dateOfBirth: undefined }) }],
    ['flagged separated_child', { vulnerabilities: ['separated_child'], identity: identity({ dateOfBirth: undefined }) }],
    ['born 10 years ago', { identity: identity({ dateOfBirth: yearsAgo(10) }) }],
    ['turning 18 tomorrow', { identity: identity({ dateOfBirth: yearsAgo(18, 1) }) }],
  ])('a child (%s) without a best-interests determination → pending best_interests_determination_missing; with one → eligible', async (_what, extra) => {
    const c = await register(cwA1, A.sites[0].id, extra);
    expect(await screen(c.id, { bestInterestsDeterminationDone: false })).toMatchObject({ outcome: 'pending', reasons: ['best_interests_determination_missing'] });
    expect(await screen(c.id, { bestInterestsDeterminationDone: true })).toMatchObject({ outcome: 'eligible', reasons: [] });
  });

  it('an adult (18 today, or born 30 years ago) needs no best-interests determination', async () => {
    for (const dateOfBirth of [yearsAgo(18), yearsAgo(30)]) {
      const c = await register(cwA1, A.sites[0].id, { identity: identity({ dateOfBirth }) });
      expect(await screen(c.id, { bestInterestsDeterminationDone: false })).toMatchObject({ outcome: 'eligible', reasons: [] });
    }
  });

  it('re-runnable: GET lists every screening latest first (the latest counts)', async () => {
    const c = await register(cwA1, A.sites[0].id);
    const a = await screen(c.id, { travelDocument: 'none' });
    const b = await screen(c.id, { wishesToReturn: false });
    const d = await screen(c.id, {});
    const list = await as(t, mgrA).get(`${CASES}/${c.id}/screenings`).expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([d.id, b.id, a.id]);
    expect(list.body.items.map((s: { outcome: string }) => s.outcome)).toEqual(['eligible', 'not_eligible', 'pending']);
    expect(await count('screenings WHERE case_id = $1', [c.id])).toBe(3);
  });
});

// ---- the sensitive narrative at rest: nowhere in clear ---------------------------------------------------------

describe('no plaintext sensitive value anywhere in the database (issue 5, acceptance 2)', () => {
  /** Every column of every table in `public` and `pgboss` (information_schema). */
  const allColumns = () =>
    t.db.rows<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_schema, c.table_name, c.column_name, c.data_type
         FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema IN ('public', 'pgboss') AND tb.table_type = 'BASE TABLE'
        ORDER BY 1, 2, 3`,
    );

  /** The columns holding `needle`: every column cast to text, bytea columns searched as bytes. */
  async function columnsContaining(needle: string | Buffer): Promise<string[]> {
    const columns = await allColumns();
    const hits: string[] = [];
    for (const col of columns) {
      const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const from = `${q(col.table_schema)}.${q(col.table_name)}`;
      const name = q(col.column_name);
      const sql =
        col.data_type === 'bytea'
          ? `SELECT 1 FROM ${from} WHERE position($1::bytea IN ${name}) > 0 LIMIT 1`
          : typeof needle === 'string'
            ? `SELECT 1 FROM ${from} WHERE strpos(${name}::text, $1) > 0 LIMIT 1`
            : null;
      if (!sql) continue;
      const param = col.data_type === 'bytea' ? (typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle) : needle;
      if ((await t.db.rows(sql, [param])).length) hits.push(`${col.table_schema}.${col.table_name}.${col.column_name}`);
    }
    return hits;
  }

  it('searches every table of both schemas, the audit trail and the stored idempotent responses included', async () => {
    const names = (await allColumns()).map((c) => `${c.table_schema}.${c.table_name}.${c.column_name}`);
    expect(names.length).toBeGreaterThan(50);
    expect(names).toEqual(
      expect.arrayContaining([
        'public.audit_events.changes',
        'public.audit_events.details',
        'public.cases.sensitive_ciphertext',
        'public.case_notes.text',
        'public.consents.notes',
        'public.idempotency_keys.response_body',
      ]),
    );
    expect(names.some((n) => n.startsWith('pgboss.'))).toBe(true);
  });

  it('the search finds what is there (controls: a name in cases.given_name, a ciphertext in cases.sensitive_ciphertext)', async () => {
    const name = `Zaliatou${hex(3)}`;
    const c = await register(mgrA, A.sites[0].id, { identity: identity({ givenName: name }), sensitive: { narrative: narrative() } });
    expect(await columnsContaining(name)).toContain('public.cases.given_name');
    const row = await t.db.row<{ sensitive_ciphertext: Buffer }>('SELECT sensitive_ciphertext FROM cases WHERE id = $1', [c.id]);
    expect(await columnsContaining(row!.sensitive_ciphertext)).toEqual(['public.cases.sensitive_ciphertext']);
  });

  it('no narrative written in this file appears in any column of any table (cases, audit_events.changes/details, idempotency_keys, pgboss…)', async () => {
    expect(NARRATIVES.length).toBeGreaterThanOrEqual(6);
    const found: Record<string, string[]> = {};
    for (const n of NARRATIVES) {
      for (const needle of [n, n.split(' ')[0]]) {
        const hits = await columnsContaining(needle);
        if (hits.length) found[needle] = hits;
      }
    }
    expect(found).toEqual({});
    // The audit trail records that the section changed, never its value.
    const marks = await t.db.rows<{ changes: Record<string, unknown> }>(`SELECT changes FROM audit_events WHERE changes ? 'sensitive'`);
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(JSON.stringify(m.changes.sensitive)).not.toMatch(/NARRATIVE|malaria|trafficking/);
  });
});
