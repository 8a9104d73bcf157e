// Issue 6 (Referrals), DESIGN §2 (shared view), §4; API.md "Referrals and services": referrals
// between organizations over HTTP on real PostgreSQL — creation rules, each transition by each
// role of the sending, the receiving and a third organization, the receiver's shared view of the
// case (only the listed sections, ended at once by the referral's end or a consent withdrawal),
// concurrent answers, service records, lists and filters, and the overdue alerts.
import { randomUUID } from 'node:crypto';
import { type Role, ReferralsOverdueJob } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const CASES = '/api/v1/cases';
const REFERRALS = '/api/v1/referrals';
const HOUR = 3_600_000;

const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
let t: TestApp;
let A: TestOrg; // sends: owns the cases
let B: TestOrg; // receives: health and shelter
let C: TestOrg; // a third organization, also offering health
const u = {} as Record<'cwA' | 'cwA2' | 'mgrA' | 'analystA' | 'auditorA' | 'adminA' | 'cwB' | 'mgrB' | 'analystB' | 'auditorB' | 'adminB' | 'cwC' | 'mgrC', TestUser>;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { capabilities: ['information', 'profiling', 'health', 'return'], sites: [{}, {}] });
  B = await makeOrg(t, { capabilities: ['health', 'shelter', 'legal'], sites: [{ kind: 'shelter', services: ['shelter'], bedCapacity: 10 }, { kind: 'health_facility', services: ['health'] }] });
  C = await makeOrg(t, { capabilities: ['health'], sites: [{}] });
  const user = (o: TestOrg, roles: Role[], siteIds: string[] = []) => makeUser(t, o, roles, { siteIds });
  u.cwA = await user(A, ['caseworker'], [A.sites[0].id]);
  u.cwA2 = await user(A, ['caseworker'], [A.sites[1].id]);
  u.mgrA = await user(A, ['manager']);
  u.analystA = await user(A, ['analyst']);
  u.auditorA = await user(A, ['auditor']);
  u.adminA = await user(A, ['org_admin']);
  u.cwB = await user(B, ['caseworker'], [B.sites[0].id]);
  u.mgrB = await user(B, ['manager']);
  u.analystB = await user(B, ['analyst']);
  u.auditorB = await user(B, ['auditor']);
  u.adminB = await user(B, ['org_admin']);
  u.cwC = await user(C, ['caseworker'], [C.sites[0].id]);
  u.mgrC = await user(C, ['manager']);
});
afterAll(() => t?.close());

// ---- helpers ------------------------------------------------------------------------------------

const SENSITIVE = { narrative: 'held for ransom in Agadez', medicalDetails: 'untreated fracture' };

/** A case of A at site 0 with every section filled, and (unless `consent: false`) a referral consent covering B. */
async function newCase(opts: { consentFor?: string[] | false } = {}) {
  const res = await as(t, u.cwA)
    .post(CASES)
    .send({
      siteId: A.sites[0].id,
      identity: { givenName: 'Mariam', familyName: 'Koné', sex: 'female', birthYear: 1998, nationality: 'CIV' },
      contact: { phone: '+22376000001' },
      documents: [{ type: 'passport', number: 'P1234567' }],
      journey: { countryOfOrigin: 'CIV', intendedDestination: 'DZA', reasonsForMigration: ['economic'] },
      vulnerabilities: ['medical_condition'],
      household: { size: 3 },
      sensitive: SENSITIVE,
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  // The sensitive section is read by the assigned caseworker: assign the registering one.
  await as(t, u.mgrA).post(`${CASES}/${id}/assign`).send({ userId: u.cwA.user.id }).expect(200);
  let consentId: string | null = null;
  if (opts.consentFor !== false) {
    const k = await as(t, u.cwA)
      .post(`${CASES}/${id}/consents`)
      .send({ purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: opts.consentFor ?? [B.org.id] });
    expect(k.status).toBe(201);
    consentId = k.body.id;
  }
  return { id, consentId: consentId! };
}

const referralBody = (extra: Record<string, unknown> = {}) => ({
  toOrganizationId: B.org.id,
  serviceType: 'health',
  urgency: 'high',
  reason: 'needs a doctor today',
  sharedSections: ['vulnerabilities'],
  ...extra,
});

async function refer(caseId: string, extra: Record<string, unknown> = {}, by: TestUser = u.cwA) {
  const res = await as(t, by).post(`${CASES}/${caseId}/referrals`).send(referralBody(extra));
  if (res.status !== 201) throw new Error(`referral failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string; respondBy: string; sharedSections: string[]; case: Record<string, unknown> | null };
}

type Action = 'accept' | 'decline' | 'complete' | 'cancel';
const BODIES: Record<Action, object> = {
  accept: {},
  decline: { reason: 'no bed tonight' },
  complete: { outcome: 'seen by a doctor', servicesProvided: [{ serviceType: 'health', date: '2026-11-23', description: 'consultation' }] },
  cancel: { reason: 'the migrant left Gao' },
};
const act = (who: TestUser, id: string, action: Action, body: object = BODIES[action]) => as(t, who).post(`${REFERRALS}/${id}/${action}`).send(body);

/** A referral in `status`, reached through the API. */
async function referralIn(status: 'pending' | 'accepted' | 'declined' | 'completed' | 'cancelled', extra: Record<string, unknown> = {}) {
  const { id: caseId, consentId } = await newCase();
  const r = await refer(caseId, extra);
  if (status === 'accepted' || status === 'completed') await act(u.cwB, r.id, 'accept').expect(200);
  if (status === 'completed') await act(u.cwB, r.id, 'complete').expect(200);
  if (status === 'declined') await act(u.cwB, r.id, 'decline').expect(200);
  if (status === 'cancelled') await act(u.cwA, r.id, 'cancel').expect(200);
  return { caseId, consentId, id: r.id };
}

const statusOf = async (id: string) => (await t.db.row<{ status: string }>('SELECT status FROM referrals WHERE id = $1', [id]))!.status;
const count = async (sql: string, params: unknown[] = []) => (await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))!.n;

// ---- creation -----------------------------------------------------------------------------------

describe('POST /cases/{id}/referrals', () => {
  it.each([
    ['emergency', 4],
    ['high', 24],
    ['normal', 72],
  ] as const)('%s → 201 pending, respondBy = creation + %i h, identity always shared, audited', async (urgency, hours) => {
    const { id } = await newCase();
    const r = await refer(id, { urgency, sharedSections: ['journey'] });
    expect(r.status).toBe('pending');
    expect(r.respondBy).toBe(new Date(clock.now().getTime() + hours * HOUR).toISOString());
    expect(r.sharedSections).toEqual(['identity', 'journey']);
    // The sender sees the case as the referral shares it.
    expect(Object.keys(r.case!)).toEqual(expect.arrayContaining(['identity', 'journey']));
    expect(r.case).not.toHaveProperty('contact');
    const row = await t.db.row<{ from_organization_id: string; to_organization_id: string; created_by: string }>('SELECT * FROM referrals WHERE id = $1', [r.id]);
    expect(row).toMatchObject({ from_organization_id: A.org.id, to_organization_id: B.org.id, created_by: u.cwA.user.id });
    expect(await count(`audit_events WHERE entity_id = $1 AND action = 'referral.created'`, [r.id])).toBe(1);
  });

  it('to a site of the receiving organization that offers the service → 201; a site that does not → 422 SERVICE_NOT_OFFERED', async () => {
    const { id } = await newCase();
    const ok = await as(t, u.cwA).post(`${CASES}/${id}/referrals`).send(referralBody({ toSiteId: B.sites[1].id }));
    expect(ok.status).toBe(201);
    expect(ok.body.toSiteId).toBe(B.sites[1].id);
    expectProblem(await as(t, u.cwA).post(`${CASES}/${id}/referrals`).send(referralBody({ toSiteId: B.sites[0].id })), 422, 'SERVICE_NOT_OFFERED');
  });

  it('a service the receiving organization does not offer → 422 SERVICE_NOT_OFFERED, nothing written', async () => {
    const { id } = await newCase();
    const res = await as(t, u.cwA).post(`${CASES}/${id}/referrals`).send(referralBody({ serviceType: 'reintegration' }));
    expectProblem(res, 422, 'SERVICE_NOT_OFFERED');
    expect(await count('referrals WHERE case_id = $1', [id])).toBe(0);
  });

  it('without a referral consent, with one covering only another organization, or a withdrawn one → 409 CONSENT_REQUIRED, nothing written', async () => {
    const none = await newCase({ consentFor: false });
    expectProblem(await as(t, u.cwA).post(`${CASES}/${none.id}/referrals`).send(referralBody()), 409, 'CONSENT_REQUIRED');
    const other = await newCase({ consentFor: [C.org.id] });
    expectProblem(await as(t, u.cwA).post(`${CASES}/${other.id}/referrals`).send(referralBody()), 409, 'CONSENT_REQUIRED');
    const withdrawn = await newCase();
    await as(t, u.cwA).post(`${CASES}/${withdrawn.id}/consents/${withdrawn.consentId}/withdraw`).send({}).expect(200);
    expectProblem(await as(t, u.cwA).post(`${CASES}/${withdrawn.id}/referrals`).send(referralBody()), 409, 'CONSENT_REQUIRED');
    expect(await count('referrals WHERE case_id = ANY($1)', [[none.id, other.id, withdrawn.id]])).toBe(0);
    // A consent listing no organization covers every one.
    const all = await newCase({ consentFor: [] });
    await refer(all.id, { toOrganizationId: C.org.id });
  });

  it('bad input → 400 with the fields: own organization, unknown organization, a site of another org, unknown section, no reason', async () => {
    const { id } = await newCase();
    const fields = async (body: object) => {
      const res = await as(t, u.cwA).post(`${CASES}/${id}/referrals`).send(body);
      return [...new Set((expectProblem(res, 400, 'VALIDATION_FAILED').errors as { field: string }[]).map((e) => e.field))];
    };
    expect(await fields(referralBody({ toOrganizationId: A.org.id, serviceType: 'health' }))).toEqual(['toOrganizationId']);
    expect(await fields(referralBody({ toOrganizationId: randomUUID() }))).toEqual(['toOrganizationId']);
    expect(await fields(referralBody({ toSiteId: C.sites[0].id }))).toEqual(['toSiteId']);
    expect(await fields(referralBody({ sharedSections: ['record'] }))).toEqual(['sharedSections']);
    expect(await fields(referralBody({ reason: '' }))).toEqual(['reason']);
    expect(await fields(referralBody({ status: 'accepted' }))).toEqual(['status']);
    expect(await count('referrals WHERE case_id = $1', [id])).toBe(0);
  });

  it('who may refer: the case’s caseworker and the manager; another site’s caseworker and other orgs → 404; analysts, auditors, admins → 404', async () => {
    const { id } = await newCase();
    for (const who of [u.cwA2, u.cwB, u.mgrB, u.cwC, u.analystA, u.auditorA, u.adminA]) {
      expectProblem(await as(t, who).post(`${CASES}/${id}/referrals`).send(referralBody()), 404, 'NOT_FOUND');
    }
    expect(await count('referrals WHERE case_id = $1', [id])).toBe(0);
    await refer(id, {}, u.mgrA);
    await refer(id, {}, u.cwA);
  });

  it('the receiver holding a shared view may not refer the case onwards → 403', async () => {
    const { id } = await newCase();
    await refer(id);
    expectProblem(await as(t, u.cwB).post(`${CASES}/${id}/referrals`).send(referralBody({ toOrganizationId: C.org.id })), 403, 'FORBIDDEN');
  });

  it('a closed case cannot be referred → 409', async () => {
    const { id } = await newCase();
    await as(t, u.mgrA).post(`${CASES}/${id}/close`).send({ reason: 'continued_journey' }).expect(200);
    expectProblem(await as(t, u.cwA).post(`${CASES}/${id}/referrals`).send(referralBody()), 409, 'CONFLICT');
  });

  it('a case with a pending or accepted referral cannot be closed (409 CASE_NOT_CLOSABLE, listed); once answered or cancelled it can', async () => {
    for (const status of ['pending', 'accepted'] as const) {
      const r = await referralIn(status);
      const problem = expectProblem(await as(t, u.mgrA).post(`${CASES}/${r.caseId}/close`).send({ reason: 'continued_journey' }), 409, 'CASE_NOT_CLOSABLE');
      expect(problem.blockers).toEqual(['1 referral is still pending or accepted: complete, decline or cancel it first']);
      expect(await statusOf(r.id)).toBe(status);
      expect((await t.db.row<{ status: string }>('SELECT status FROM cases WHERE id = $1', [r.caseId]))!.status).toBe('open');
    }
    for (const status of ['declined', 'completed', 'cancelled'] as const) {
      const r = await referralIn(status);
      await as(t, u.mgrA).post(`${CASES}/${r.caseId}/close`).send({ reason: 'continued_journey' }).expect(200);
    }
  });
});

// ---- transitions: each action by each role of the three organizations ----------------------------

describe('transitions by role (DESIGN §4: the receiver accepts, declines, completes; the sender cancels)', () => {
  const CALLERS = ['cwA', 'cwA2', 'mgrA', 'analystA', 'auditorA', 'adminA', 'cwB', 'mgrB', 'analystB', 'auditorB', 'adminB', 'cwC', 'mgrC'] as const;
  // 200 allowed; 403 may see it but not do this (or may never do this kind of action); 404 hidden.
  const EXPECTED: Record<Action, Record<(typeof CALLERS)[number], number>> = {
    accept: { cwA: 403, cwA2: 404, mgrA: 403, analystA: 403, auditorA: 403, adminA: 403, cwB: 200, mgrB: 200, analystB: 403, auditorB: 403, adminB: 403, cwC: 404, mgrC: 404 },
    decline: { cwA: 403, cwA2: 404, mgrA: 403, analystA: 403, auditorA: 403, adminA: 403, cwB: 200, mgrB: 200, analystB: 403, auditorB: 403, adminB: 403, cwC: 404, mgrC: 404 },
    complete: { cwA: 403, cwA2: 404, mgrA: 403, analystA: 403, auditorA: 403, adminA: 403, cwB: 200, mgrB: 200, analystB: 403, auditorB: 403, adminB: 403, cwC: 404, mgrC: 404 },
    cancel: { cwA: 200, cwA2: 404, mgrA: 200, analystA: 403, auditorA: 403, adminA: 403, cwB: 403, mgrB: 403, analystB: 403, auditorB: 403, adminB: 403, cwC: 404, mgrC: 404 },
  };
  const FROM: Record<Action, 'pending' | 'accepted'> = { accept: 'pending', decline: 'pending', complete: 'accepted', cancel: 'pending' };
  const TO: Record<Action, string> = { accept: 'accepted', decline: 'declined', complete: 'completed', cancel: 'cancelled' };

  for (const action of ['accept', 'decline', 'complete', 'cancel'] as const) {
    it(`${action} (from ${FROM[action]})`, async () => {
      const { id } = await referralIn(FROM[action]);
      for (const caller of CALLERS) {
        const expected = EXPECTED[action][caller];
        if (expected === 200) continue; // refusals first, on the same referral
        const res = await act(u[caller], id, action);
        expectProblem(res, expected, expected === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
        expect(await statusOf(id)).toBe(FROM[action]);
      }
      for (const caller of CALLERS.filter((c) => EXPECTED[action][c] === 200)) {
        const fresh = await referralIn(FROM[action]);
        const res = await act(u[caller], fresh.id, action);
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(TO[action]);
        expect(await statusOf(fresh.id)).toBe(TO[action]);
        const audit = await t.db.row<{ actor_user_id: string }>(`SELECT actor_user_id FROM audit_events WHERE entity_id = $1 AND action = $2`, [fresh.id, `referral.${TO[action]}`]);
        expect(audit?.actor_user_id).toBe(u[caller].user.id);
      }
    });
  }

  const WRONG: [string, Action][] = [
    ['accepted', 'accept'],
    ['accepted', 'decline'],
    ['pending', 'complete'],
    ['declined', 'accept'],
    ['declined', 'cancel'],
    ['completed', 'cancel'],
    ['completed', 'complete'],
    ['cancelled', 'accept'],
    ['cancelled', 'cancel'],
  ];
  it.each(WRONG)('a %s referral: %s → 409 INVALID_TRANSITION, unchanged', async (from, action) => {
    const { id } = await referralIn(from as 'pending');
    const who = action === 'cancel' ? u.cwA : u.cwB;
    expectProblem(await act(who, id, action), 409, 'INVALID_TRANSITION');
    expect(await statusOf(id)).toBe(from);
  });

  it('decline and cancel need a reason; complete needs an outcome → 400', async () => {
    const { id } = await referralIn('pending');
    expectProblem(await act(u.cwB, id, 'decline', {}), 400, 'VALIDATION_FAILED');
    expectProblem(await act(u.cwA, id, 'cancel', { reason: '' }), 400, 'VALIDATION_FAILED');
    await act(u.cwB, id, 'accept').expect(200);
    expectProblem(await act(u.cwB, id, 'complete', { servicesProvided: [] }), 400, 'VALIDATION_FAILED');
    expect(await statusOf(id)).toBe('accepted');
  });

  it('two users answering at once: exactly one wins, the other gets 409 INVALID_TRANSITION (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const { id } = await referralIn('pending');
      const [a, b] = await Promise.all([act(u.cwB, id, 'accept'), act(u.mgrB, id, 'decline')]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expectProblem(loser, 409, 'INVALID_TRANSITION');
      expect(await statusOf(id)).toBe(a.status === 200 ? 'accepted' : 'declined');
      expect(await count(`audit_events WHERE entity_id = $1 AND action IN ('referral.accepted', 'referral.declined')`, [id])).toBe(1);
    }
  });

  it('a cancel racing an accept: one order or the other, never both applied', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = await referralIn('pending');
      const [a, c] = await Promise.all([act(u.cwB, id, 'accept'), act(u.cwA, id, 'cancel')]);
      // Cancel wins either way (it is allowed from accepted too); accept wins only if first.
      expect(c.status).toBe(200);
      expect([200, 409]).toContain(a.status);
      expect(await statusOf(id)).toBe('cancelled');
    }
  });
});

// ---- the shared view --------------------------------------------------------------------------------

describe('the shared view (DESIGN §2)', () => {
  const RECORD_FIELDS = ['siteId', 'assignedTo', 'version', 'closureReason', 'updatedAt'];

  it('while pending: the receiver reads identity and the listed sections only, on GET /cases/{id} and GET /referrals/{id}', async () => {
    const { id } = await newCase();
    const r = await refer(id, { sharedSections: ['vulnerabilities', 'journey'] });
    for (const who of [u.cwB, u.mgrB]) {
      const c = (await as(t, who).get(`${CASES}/${id}`).expect(200)).body;
      expect(c.identity).toMatchObject({ givenName: 'Mariam', familyName: 'Koné' });
      expect(c.vulnerabilities.map((v: { flag: string }) => v.flag)).toEqual(['medical_condition']);
      expect(c.journey).toMatchObject({ intendedDestination: 'DZA' });
      for (const hidden of ['contact', 'documents', 'household', 'householdId', 'sensitive', ...RECORD_FIELDS]) expect(c).not.toHaveProperty(hidden);
      const viaReferral = (await as(t, who).get(`${REFERRALS}/${r.id}`).expect(200)).body;
      expect(Object.keys(viaReferral.case).sort()).toEqual(Object.keys(c).sort());
    }
    // The receiver's reads are audited against the case.
    expect(await count(`audit_events WHERE entity_id = $1 AND action = 'case.viewed' AND actor_user_id = $2`, [id, u.cwB.user.id])).toBe(2);
  });

  it('`sensitive` is in the receiver’s view only when listed; the sender’s own caseworker still reads it', async () => {
    const { id } = await newCase();
    const plain = await refer(id, { sharedSections: ['contact'] });
    const plainView = (await as(t, u.cwB).get(`${REFERRALS}/${plain.id}`).expect(200)).body.case;
    expect(plainView).not.toHaveProperty('sensitive');
    expect(plainView.contact).toEqual({ phone: '+22376000001' });
    expect(JSON.stringify((await as(t, u.cwB).get(`${CASES}/${id}`).expect(200)).body)).not.toContain('Agadez');

    // No consent covers C: no referral, no view.
    expectProblem(await as(t, u.cwA).post(`${CASES}/${id}/referrals`).send(referralBody({ sharedSections: ['sensitive'], toOrganizationId: C.org.id })), 409, 'CONSENT_REQUIRED');
    expectProblem(await as(t, u.cwC).get(`${CASES}/${id}`), 404, 'NOT_FOUND');
    const { id: id2 } = await newCase({ consentFor: [B.org.id, C.org.id] });
    const withSensitive = await refer(id2, { sharedSections: ['sensitive'], toOrganizationId: C.org.id });
    const cView = (await as(t, u.cwC).get(`${CASES}/${id2}`).expect(200)).body;
    expect(cView.sensitive).toEqual(SENSITIVE);
    expect(cView).not.toHaveProperty('contact');
    expect((await as(t, u.cwC).get(`${REFERRALS}/${withSensitive.id}`).expect(200)).body.case.sensitive).toEqual(SENSITIVE);
    // B, with no live referral on id2, sees nothing of it.
    expectProblem(await as(t, u.cwB).get(`${CASES}/${id2}`), 404, 'NOT_FOUND');
  });

  it('the receiver may read but not act: PATCH, notes, timeline, consents, screenings, duplicates → 403', async () => {
    const { id } = await newCase();
    await refer(id);
    const c = as(t, u.cwB);
    expectProblem(await c.patch(`${CASES}/${id}`).set('if-match', '"1"').send({ contact: { phone: '+22370000000' } }), 403, 'FORBIDDEN');
    for (const sub of ['notes', 'timeline', 'consents', 'screenings', 'duplicates']) expectProblem(await c.get(`${CASES}/${id}/${sub}`), 403, 'FORBIDDEN');
    expectProblem(await c.post(`${CASES}/${id}/notes`).send({ text: 'x' }), 403, 'FORBIDDEN');
    expectProblem(await c.post(`${CASES}/${id}/close`).send({ reason: 'other' }), 403, 'FORBIDDEN');
  });

  it('GET /cases lists the shared case for the receiver with identity only (and flags when shared), and only while live', async () => {
    const { id } = await newCase();
    const r = await refer(id, { sharedSections: [] });
    const row = (await as(t, u.cwB).get(`${CASES}?limit=200`).expect(200)).body.items.find((i: { id: string }) => i.id === id);
    expect(row.identity.familyName).toBe('Koné');
    expect(row).not.toHaveProperty('vulnerabilities');
    expect(row).not.toHaveProperty('siteId');
    expect((await as(t, u.cwC).get(`${CASES}?limit=200`).expect(200)).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    await act(u.cwB, r.id, 'decline').expect(200);
    expect((await as(t, u.cwB).get(`${CASES}?limit=200`).expect(200)).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
  });

  it.each(['declined', 'completed', 'cancelled'] as const)('once %s: 404 on the case, "case": null on the referral, the receiver keeps its record and services', async (end) => {
    const { caseId, id } = await referralIn(end);
    expectProblem(await as(t, u.cwB).get(`${CASES}/${caseId}`), 404, 'NOT_FOUND');
    const r = (await as(t, u.cwB).get(`${REFERRALS}/${id}`).expect(200)).body;
    expect(r.status).toBe(end);
    expect(r.case).toBeNull();
    // The sender still sees its case through the referral.
    expect((await as(t, u.cwA).get(`${REFERRALS}/${id}`).expect(200)).body.case.identity.familyName).toBe('Koné');
    if (end === 'completed') {
      expect(r.services).toEqual([expect.objectContaining({ serviceType: 'health', date: '2026-11-23', description: 'consultation', providingOrganizationId: B.org.id, referralId: id })]);
      const register = (await as(t, u.mgrB).get(`/api/v1/service-records?referralId=${id}`).expect(200)).body;
      expect(register.items).toHaveLength(1);
    }
  });

  it('withdrawing the referral consent ends the shared view at once (pending and accepted)', async () => {
    for (const status of ['pending', 'accepted'] as const) {
      const { caseId, consentId, id } = await referralIn(status);
      await as(t, u.cwB).get(`${CASES}/${caseId}`).expect(200);
      await as(t, u.cwA).post(`${CASES}/${caseId}/consents/${consentId}/withdraw`).send({ reason: 'changed their mind' }).expect(200);
      expectProblem(await as(t, u.cwB).get(`${CASES}/${caseId}`), 404, 'NOT_FOUND');
      const r = (await as(t, u.cwB).get(`${REFERRALS}/${id}`).expect(200)).body;
      expect(r.status).toBe(status);
      expect(r.case).toBeNull();
      expect((await as(t, u.cwB).get(`${CASES}?limit=200`).expect(200)).body.items.map((i: { id: string }) => i.id)).not.toContain(caseId);
      // Services can no longer be recorded against the hidden case; the referral itself can still be answered.
      expectProblem(await as(t, u.cwB).post(`${CASES}/${caseId}/services`).send({ serviceType: 'health', date: '2026-11-23' }), 404, 'NOT_FOUND');
    }
  });

  it('another organization, and the sender’s caseworker of another site, never see the referral or the case → 404', async () => {
    const { id: caseId } = await newCase();
    const r = await refer(caseId);
    for (const who of [u.cwC, u.mgrC, u.cwA2]) {
      expectProblem(await as(t, who).get(`${REFERRALS}/${r.id}`), 404, 'NOT_FOUND');
      expectProblem(await as(t, who).get(`${CASES}/${caseId}`), 404, 'NOT_FOUND');
    }
  });
});

// ---- services ---------------------------------------------------------------------------------------

describe('service records (DESIGN §4)', () => {
  const service = { serviceType: 'health', date: '2026-11-22', description: 'wound dressing' };

  it('the owning organization records services; the receiver only under an accepted referral', async () => {
    const { caseId, id } = await referralIn('pending');
    const own = await as(t, u.cwA).post(`${CASES}/${caseId}/services`).send(service);
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ providingOrganizationId: A.org.id, referralId: null });
    expectProblem(await as(t, u.cwB).post(`${CASES}/${caseId}/services`).send(service), 403, 'FORBIDDEN');
    await act(u.cwB, id, 'accept').expect(200);
    const theirs = await as(t, u.cwB).post(`${CASES}/${caseId}/services`).send(service);
    expect(theirs.status).toBe(201);
    expect(theirs.body).toMatchObject({ providingOrganizationId: B.org.id, referralId: id });
    expectProblem(await as(t, u.cwB).post(`${CASES}/${caseId}/services`).send({ ...service, serviceType: 'return' }), 422, 'SERVICE_NOT_OFFERED');
    expectProblem(await as(t, u.cwC).post(`${CASES}/${caseId}/services`).send(service), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwB).post(`${CASES}/${caseId}/services`).send({ ...service, date: '2999-01-01' }), 400, 'VALIDATION_FAILED');
    // The owner sees both; the receiver sees its own only.
    expect((await as(t, u.cwA).get(`${CASES}/${caseId}/services`).expect(200)).body.items).toHaveLength(2);
    const b = (await as(t, u.cwB).get(`${CASES}/${caseId}/services`).expect(200)).body.items;
    expect(b.map((s: { providingOrganizationId: string }) => s.providingOrganizationId)).toEqual([B.org.id]);
    expectProblem(await as(t, u.cwC).get(`${CASES}/${caseId}/services`), 404, 'NOT_FOUND');
  });

  it('completion with a service the receiver does not offer → 422, and nothing of the completion is written', async () => {
    const { id } = await referralIn('accepted');
    const res = await act(u.cwB, id, 'complete', { outcome: 'done', servicesProvided: [{ serviceType: 'health', date: '2026-11-23' }, { serviceType: 'return', date: '2026-11-23' }] });
    expectProblem(res, 422, 'SERVICE_NOT_OFFERED');
    expect(await statusOf(id)).toBe('accepted');
    expect(await count('service_records WHERE referral_id = $1', [id])).toBe(0);
  });
});

// ---- lists ---------------------------------------------------------------------------------------------

describe('GET /referrals', () => {
  it('incoming and outgoing, by status and service type, cursor-paginated, never another organization’s', async () => {
    const { id: caseId } = await newCase({ consentFor: [] });
    const mine = [await refer(caseId), await refer(caseId, { serviceType: 'shelter' }), await refer(caseId, { toOrganizationId: C.org.id })];
    const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);
    const incomingB = (await as(t, u.mgrB).get(`${REFERRALS}?direction=incoming&limit=200`).expect(200)).body;
    expect(ids(incomingB)).toEqual(expect.arrayContaining([mine[0].id, mine[1].id]));
    expect(ids(incomingB)).not.toContain(mine[2].id);
    expect(incomingB.items.find((i: { id: string }) => i.id === mine[0].id).case.identity.familyName).toBe('Koné');
    // A list row shows its case's identity (and vulnerabilities when shared), never another section.
    for (const row of incomingB.items as { case: Record<string, unknown> | null }[]) {
      expect(Object.keys(row.case ?? {}).filter((k) => !['id', 'caseNumber', 'status', 'owningOrganizationId', 'registeredAt', 'identity', 'vulnerabilities', 'actions'].includes(k))).toEqual([]);
    }
    const outgoingRows = (await as(t, u.mgrA).get(`${REFERRALS}?direction=outgoing&limit=200`).expect(200)).body.items as { case: Record<string, unknown> }[];
    for (const row of outgoingRows) expect(Object.keys(row.case).filter((k) => ['contact', 'documents', 'journey', 'household', 'sensitive', 'siteId', 'assignedTo'].includes(k))).toEqual([]);
    expect(ids((await as(t, u.mgrB).get(`${REFERRALS}?direction=outgoing`).expect(200)).body)).toEqual([]);
    const shelter = (await as(t, u.mgrB).get(`${REFERRALS}?direction=incoming&serviceType=shelter&limit=200`).expect(200)).body;
    expect(shelter.items.every((i: { serviceType: string }) => i.serviceType === 'shelter')).toBe(true);
    expect(ids(shelter)).toContain(mine[1].id);
    const outgoing = (await as(t, u.mgrA).get(`${REFERRALS}?direction=outgoing&limit=200`).expect(200)).body;
    expect(ids(outgoing)).toEqual(expect.arrayContaining(mine.map((r) => r.id)));
    const forC = (await as(t, u.cwC).get(`${REFERRALS}?limit=200`).expect(200)).body;
    expect(ids(forC)).toContain(mine[2].id);
    expect(forC.items.every((i: { toOrganizationId: string }) => i.toOrganizationId === C.org.id)).toBe(true);
    // Pages of 1 walk the same set, without repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await as(t, u.mgrB).get(`${REFERRALS}?direction=incoming&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200)).body;
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids(incomingB));
    expect(new Set(seen).size).toBe(seen.length);
    expectProblem(await as(t, u.mgrB).get(`${REFERRALS}?direction=sideways`), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, u.analystB).get(REFERRALS), 403, 'FORBIDDEN');
  });

  it('overdue=true lists pending referrals past respondBy; the status filter and the overdue flag agree', async () => {
    const { id } = await referralIn('pending', { urgency: 'emergency' });
    const before = (await as(t, u.cwB).get(`${REFERRALS}?direction=incoming&overdue=true&limit=200`).expect(200)).body.items.map((i: { id: string }) => i.id);
    expect(before).not.toContain(id);
    clock.advance(5 * HOUR);
    try {
      const after = (await as(t, u.cwB).get(`${REFERRALS}?direction=incoming&overdue=true&limit=200`).expect(200)).body.items;
      expect(after.map((i: { id: string }) => i.id)).toContain(id);
      expect(after.every((i: { overdue: boolean; status: string }) => i.overdue && i.status === 'pending')).toBe(true);
      const pending = (await as(t, u.cwB).get(`${REFERRALS}?direction=incoming&status=pending&overdue=false&limit=200`).expect(200)).body.items;
      expect(pending.map((i: { id: string }) => i.id)).not.toContain(id);
    } finally {
      clock.advance(-5 * HOUR);
    }
  });

  it('GET /cases/{id}/referrals: the case’s referrals for those who see it; 404 for others', async () => {
    const { caseId, id } = await referralIn('pending');
    expect((await as(t, u.cwA).get(`${CASES}/${caseId}/referrals`).expect(200)).body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await as(t, u.cwB).get(`${CASES}/${caseId}/referrals`).expect(200)).body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expectProblem(await as(t, u.cwC).get(`${CASES}/${caseId}/referrals`), 404, 'NOT_FOUND');
  });
});

// ---- alerts ---------------------------------------------------------------------------------------------

describe('overdue alerts (worker job) and GET /alerts', () => {
  it('past respondBy: one alert per recipient (sender, receiving caseworkers and managers), even when the job runs twice; acknowledge', async () => {
    const job = t.app.get(ReferralsOverdueJob);
    await job.run(); // whatever earlier tests left overdue, so this test counts only its own
    const { id } = await referralIn('pending', { urgency: 'emergency' });
    const accepted = await referralIn('accepted', { urgency: 'emergency' });
    clock.advance(4 * HOUR + 1000);
    try {
      const raised = await job.run();
      const again = await job.run();
      expect(again).toBe(0);
      const rows = await t.db.rows<{ recipient_user_id: string }>(`SELECT recipient_user_id FROM alerts WHERE entity_id = $1`, [id]);
      expect(rows.map((r) => r.recipient_user_id).sort()).toEqual([u.cwA.user.id, u.cwB.user.id, u.mgrB.user.id].sort());
      expect(raised).toBeGreaterThanOrEqual(3);
      expect(await count('alerts WHERE entity_id = $1', [accepted.id])).toBe(0);

      const mine = (await as(t, u.cwB).get('/api/v1/alerts?status=open&limit=200').expect(200)).body.items;
      const alert = mine.find((a: { entityId: string }) => a.entityId === id);
      expect(alert).toMatchObject({ type: 'referral_overdue', entityType: 'referral', status: 'open' });
      expect(alert.message).not.toContain('Koné');
      expectProblem(await as(t, u.mgrB).post(`/api/v1/alerts/${alert.id}/acknowledge`).send({}), 404, 'NOT_FOUND');
      const ack = await as(t, u.cwB).post(`/api/v1/alerts/${alert.id}/acknowledge`).send({});
      expect(ack.status).toBe(200);
      expect(ack.body.status).toBe('acknowledged');
      await as(t, u.cwB).post(`/api/v1/alerts/${alert.id}/acknowledge`).send({}).expect(200);
      const open = (await as(t, u.cwB).get('/api/v1/alerts?status=open&limit=200').expect(200)).body.items.map((a: { id: string }) => a.id);
      expect(open).not.toContain(alert.id);
      expect((await as(t, u.cwC).get('/api/v1/alerts').expect(200)).body.items).toEqual([]);
    } finally {
      clock.advance(-(4 * HOUR + 1000));
    }
  });
});
