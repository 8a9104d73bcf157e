// Issue 9 (Voluntary return), DESIGN §6, API.md "Returns": drafts by the case's organization
// (with the return capability), every transition by caseworker, manager, the submitting manager
// and another organization (404), the transition table over HTTP, NOT_ELIGIBLE and
// CONSENT_REQUIRED (also when consent is withdrawn between submit and approve), If-Match edits,
// the departure requirements and side effects in one transaction (a forced failure after the stay
// check-out changes nothing), arrival and closing the case as returned, approve and cancel racing,
// the pipeline list and its filters. Movements and manifests: returns-movements.e2e-spec.ts.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hasArrivedReturnTo, RETURN_STATUSES, RETURN_TRANSITIONS, type ReturnStatus, type Role, SitesService, systemActor } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const CASES = '/api/v1/cases';
const RETURNS = '/api/v1/returns';
const START = new Date('2026-11-23T08:00:00Z');
const HOUR = 3_600_000;

// Only moved forward: an arrival never precedes its departure.
const clock = new FixedClock(START);
let t: TestApp;
let A: TestOrg; // IOM-like: return, indulgence_letter; sites 0 and 1
let B: TestOrg; // another organization with the return capability
let M: TestOrg; // a shelter without the return capability
let shelter: string;
const u = {} as Record<'cwA' | 'cwA1' | 'mgrA' | 'mgrA2' | 'analystA' | 'auditorA' | 'adminA' | 'cwB' | 'mgrB' | 'cwM' | 'mgrM', TestUser>;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000', LETTER_VERIFY_RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { capabilities: ['information', 'profiling', 'return', 'indulgence_letter'], sites: [{}, {}] });
  B = await makeOrg(t, { capabilities: ['return'], sites: [{}] });
  M = await makeOrg(t, { capabilities: ['shelter', 'health'], sites: [{}] });
  shelter = (await t.app.get(SitesService).create(systemActor(), M.org.id, { name: 'Maison du Migrant', kind: 'shelter', bedCapacity: 40, services: ['shelter'], location: { region: 'Gao', cercle: 'Gao' } })).id;
  const user = (o: TestOrg, roles: Role[], siteIds?: string[]) => makeUser(t, o, roles, { siteIds });
  u.cwA = await user(A, ['caseworker'], [A.sites[0].id]);
  u.cwA1 = await user(A, ['caseworker'], [A.sites[1].id]);
  u.mgrA = await user(A, ['manager']);
  u.mgrA2 = await user(A, ['manager']);
  u.analystA = await user(A, ['analyst']);
  u.auditorA = await user(A, ['auditor']);
  u.adminA = await user(A, ['org_admin']);
  u.cwB = await user(B, ['caseworker']);
  u.mgrB = await user(B, ['manager']);
  u.cwM = await user(M, ['caseworker'], [M.sites[0].id, shelter]);
  u.mgrM = await user(M, ['manager']);
});
afterAll(() => t?.close());

// ---- helpers ------------------------------------------------------------------------------------

let seq = 0;
const ELIGIBLE = { wishesToReturn: true, countryOfReturn: 'GIN', nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'valid', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' };
const TRAVEL = {
  travelDocument: { type: 'laissez_passer', number: 'LP-GIN-2026-0042' },
  legs: [
    { from: 'Gao', to: 'Niamey', departAt: '2026-11-25T06:00:00Z', carrier: 'Sonef' },
    { from: 'Niamey', to: 'Kankan', departAt: '2026-11-27T06:00:00Z', carrier: 'Rimbo' },
  ],
};
const draftBody = (extra: Record<string, unknown> = {}) => ({ destinationCountry: 'GIN', destinationLocality: 'Kankan', mode: 'road', escortRequired: false, ...extra });

/** A case of A at site 0 (the caseworker's). */
async function newCase(opts: { by?: TestUser; siteId?: string; vulnerabilities?: string[] } = {}): Promise<string> {
  const res = await as(t, opts.by ?? u.cwA)
    .post(CASES)
    .send({
      siteId: opts.siteId ?? A.sites[0].id,
      identity: { givenName: 'Mamadou', familyName: `Camara ${++seq}`, sex: 'male', dateOfBirth: '1995-03-14', nationality: 'GIN' },
      vulnerabilities: opts.vulnerabilities ?? [],
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
  expect(res.status).toBe(201);
  return res.body.id;
}
const consent = async (caseId: string, purpose = 'return', extra: Record<string, unknown> = {}) =>
  (await as(t, u.mgrA).post(`${CASES}/${caseId}/consents`).send({ purpose, basis: 'consent', method: 'signed', ...extra }).expect(201)).body.id as string;
/** A screening one second after anything before it: the latest one counts. */
const screen = (caseId: string, answers: Record<string, unknown> = {}) => {
  clock.advance(1000);
  return as(t, u.mgrA).post(`${CASES}/${caseId}/screenings`).send({ ...ELIGIBLE, ...answers }).expect(201);
};
/** A case screened eligible with an active return consent. */
async function readyCase(opts: { vulnerabilities?: string[] } = {}): Promise<string> {
  const caseId = await newCase(opts);
  await consent(caseId);
  await screen(caseId);
  return caseId;
}
/** A draft one second after anything before it: lists are newest first. */
const create = (who: TestUser, caseId: string, body: object = draftBody(TRAVEL)) => {
  clock.advance(1000);
  return as(t, who).post(`${CASES}/${caseId}/returns`).send(body);
};
const bodies: Record<string, () => object> = {
  reject: () => ({ reason: 'the destination is unsafe this month' }),
  cancel: () => ({ reason: 'changed their mind' }),
  arrive: () => ({ arrivedAt: clock.now().toISOString(), confirmedBy: 'Fanta Condé, OIM Kankan' }),
};
const act = (who: TestUser, id: string, action: string, body?: object, ifMatch?: string) => {
  const req = as(t, who).post(`${RETURNS}/${id}/${action}`);
  return (ifMatch ? req.set('if-match', ifMatch) : req).send(body ?? bodies[action]?.() ?? {});
};

interface ReturnBody {
  id: string;
  caseId: string;
  status: ReturnStatus;
  version: number;
}

/** A fresh return of a ready case in `status`, reached through the API (cwA submits; mgrA decides). */
async function returnIn(status: ReturnStatus, opts: { submitter?: TestUser; vulnerabilities?: string[] } = {}): Promise<ReturnBody> {
  const caseId = await readyCase(opts);
  const r = (await create(u.cwA, caseId).expect(201)).body as ReturnBody;
  const step = async (who: TestUser, action: string) => expect((await act(who, r.id, action)).status).toBe(200);
  if (status === 'cancelled') await step(u.cwA, 'cancel');
  if (['submitted', 'approved', 'rejected', 'departed', 'arrived'].includes(status)) await step(opts.submitter ?? u.cwA, 'submit');
  if (status === 'rejected') await step(u.mgrA, 'reject');
  if (['approved', 'departed', 'arrived'].includes(status)) await step(u.mgrA, 'approve');
  if (['departed', 'arrived'].includes(status)) await step(u.cwA, 'depart');
  if (status === 'arrived') await step(u.cwA, 'arrive');
  return { ...r, caseId, status };
}

const count = async (sql: string, params: unknown[] = []) => (await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))!.n;
const statusOf = async (id: string) => (await t.db.row<{ status: string }>('SELECT status FROM returns WHERE id = $1', [id]))?.status;
const auditActions = async (id: string) => (await t.db.rows<{ action: string }>('SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY seq', [id])).map((r) => r.action);
const timelineTypes = async (caseId: string) => ((await as(t, u.mgrA).get(`${CASES}/${caseId}/timeline?limit=200`).expect(200)).body.items as { type: string }[]).map((i) => i.type);

// ---- drafts ---------------------------------------------------------------------------------------

describe('POST /cases/{id}/returns (draft)', () => {
  it('→ 201 draft with the travel plan, ETag and Location; audited on the case timeline', async () => {
    const caseId = await newCase();
    const res = await create(u.cwA, caseId, draftBody({ pocketMoneyXof: 25000, escortRequired: true, escort: { name: 'Moussa Touré' } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'draft',
      caseId,
      organizationId: A.org.id,
      destinationCountry: 'GIN',
      destinationLocality: 'Kankan',
      mode: 'road',
      escortRequired: true,
      escort: { name: 'Moussa Touré' },
      pocketMoneyXof: 25000,
      travelDocument: null,
      legs: [],
      version: 1,
      movementId: null,
      createdBy: u.cwA.user.id,
    });
    expect(res.body.caseNumber).toMatch(new RegExp(`^${A.org.code}-\\d{4}-\\d{6}$`));
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/api/v1/returns/${res.body.id}`);
    expect(await t.db.row('SELECT status, case_id, owning_organization_id, destination_country FROM returns WHERE id = $1', [res.body.id])).toEqual({
      status: 'draft',
      case_id: caseId,
      owning_organization_id: A.org.id,
      destination_country: 'GIN',
    });
    const event = await t.db.row<{ details: unknown; organization_id: string }>(`SELECT details, organization_id FROM audit_events WHERE entity_id = $1 AND action = 'return.created'`, [res.body.id]);
    expect(event).toEqual({ details: { caseId }, organization_id: A.org.id });
    expect(await timelineTypes(caseId)).toContain('return.created');
  });

  it('bad input → 400 and nothing written: country not ISO alpha-3, unknown mode, blank locality, unknown field, bad travel document, negative pocket money', async () => {
    const caseId = await newCase();
    const bad = [
      draftBody({ destinationCountry: 'XX' }),
      draftBody({ destinationCountry: 'XXX' }),
      draftBody({ destinationCountry: 'gin' }),
      draftBody({ mode: 'boat' }),
      draftBody({ destinationLocality: '   ' }),
      { destinationCountry: 'GIN', mode: 'road' },
      draftBody({ status: 'approved' }),
      draftBody({ travelDocument: { type: 'visa', number: '1' } }),
      draftBody({ travelDocument: { type: 'passport' } }),
      draftBody({ legs: [{ from: 'Gao', to: 'Niamey', departAt: 'tomorrow', carrier: 'Sonef' }] }),
      draftBody({ pocketMoneyXof: -5 }),
      draftBody({ escortRequired: 'yes' }),
    ];
    for (const body of bad) expectProblem(await create(u.cwA, caseId, body), 400, 'VALIDATION_FAILED');
    // Legs out of travel order are refused by the service, on the field.
    const unordered = expectProblem(await create(u.cwA, caseId, draftBody({ legs: [...TRAVEL.legs].reverse() })), 400, 'VALIDATION_FAILED');
    expect(unordered.errors).toEqual([{ field: 'legs.1.departAt', message: expect.stringMatching(/travel order/) }]);
    expect(await count('returns WHERE case_id = $1', [caseId])).toBe(0);
  });

  it('one return in progress per case → 409 RETURN_IN_PROGRESS naming it; after cancellation a new draft', async () => {
    const caseId = await newCase();
    const first = (await create(u.cwA, caseId).expect(201)).body;
    const res = expectProblem(await create(u.mgrA, caseId), 409, 'RETURN_IN_PROGRESS');
    expect(res.returnId).toBe(first.id);
    await act(u.cwA, first.id, 'cancel').expect(200);
    expect((await create(u.cwA, caseId)).status).toBe(201);
    expect(await count('returns WHERE case_id = $1', [caseId])).toBe(2);
  });

  it('the database keeps one in progress too (returns_one_in_progress_per_case)', async () => {
    const caseId = await newCase();
    await create(u.cwA, caseId).expect(201);
    await expect(
      t.db.rows(`INSERT INTO returns (case_id, owning_organization_id, status, destination_country, destination_locality, mode) VALUES ($1, $2, 'approved', 'GIN', 'Kankan', 'road')`, [caseId, A.org.id]),
    ).rejects.toThrow(/returns_one_in_progress_per_case/);
  });

  it('a closed case → 409 CONFLICT', async () => {
    const caseId = await newCase();
    await as(t, u.mgrA).post(`${CASES}/${caseId}/close`).send({ reason: 'lost_contact' }).expect(200);
    expectProblem(await create(u.cwA, caseId), 409, 'CONFLICT');
  });

  it('who: a caseworker of another site or another organization → 404; the shelter’s shared view → 403; an org without the return capability → 403 CAPABILITY_REQUIRED; analysts, auditors, admins → 404', async () => {
    const caseId = await newCase();
    for (const who of [u.cwA1, u.cwB, u.mgrB, u.analystA, u.auditorA, u.adminA]) expectProblem(await create(who, caseId), 404, 'NOT_FOUND');
    // M sees the case through a live referral (its shared view), and organizes no returns.
    await consent(caseId, 'referral', { organizationIds: [M.org.id] });
    await as(t, u.cwA).post(`${CASES}/${caseId}/referrals`).send({ toOrganizationId: M.org.id, serviceType: 'shelter', urgency: 'high', reason: 'a bed' }).expect(201);
    await as(t, u.cwM).get(`${CASES}/${caseId}`).expect(200);
    expectProblem(await create(u.cwM, caseId), 403, 'CAPABILITY_REQUIRED');
    // M's own case: M lacks the capability.
    const own = await newCase({ by: u.cwM, siteId: M.sites[0].id });
    expectProblem(await create(u.mgrM, own), 403, 'CAPABILITY_REQUIRED');
    expect(await count('returns WHERE case_id = ANY($1)', [[caseId, own]])).toBe(0);
    // A caseworker assigned to a case of another site works on it.
    const other = await newCase({ by: u.mgrA, siteId: A.sites[1].id });
    expectProblem(await create(u.cwA, other), 404, 'NOT_FOUND');
    await as(t, u.mgrA).post(`${CASES}/${other}/assign`).send({ userId: u.cwA.user.id }).expect(200);
    expect((await create(u.cwA, other)).status).toBe(201);
  });
});

// ---- the transition table over HTTP --------------------------------------------------------------

describe('every (state, action) pair over HTTP, by a manager who did not submit: 200 where the table allows, else 409 INVALID_TRANSITION and nothing changes', () => {
  const actions = ['submit', 'approve', 'reject', 'depart', 'arrive', 'cancel'] as const;
  for (const from of RETURN_STATUSES) {
    it(`from ${from}`, async () => {
      let r = await returnIn(from);
      for (const action of actions) {
        const t0 = RETURN_TRANSITIONS[action];
        const res = await act(u.mgrA2, r.id, action);
        if (t0.from.includes(from)) {
          expect({ action, status: res.status }).toEqual({ action, status: 200 });
          expect(res.body.status).toBe(t0.to);
          r = await returnIn(from); // the success moved it: the next action starts again from `from`
        } else {
          expect({ action, status: res.status, code: res.body.code }).toEqual({ action, status: 409, code: 'INVALID_TRANSITION' });
          expect(await statusOf(r.id)).toBe(from);
        }
      }
    });
  }
});

// ---- who may do each transition (acceptance 1) -------------------------------------------------------

describe('each transition by caseworker, manager, the submitting manager and another organization', () => {
  /** [action, state it starts from, who, expected status, code] */
  const cases: [string, ReturnStatus, keyof typeof u, number, string | null][] = [
    ['submit', 'draft', 'cwA', 200, null],
    ['submit', 'draft', 'mgrA', 200, null],
    ['submit', 'draft', 'cwA1', 404, 'NOT_FOUND'],
    ['submit', 'draft', 'mgrB', 404, 'NOT_FOUND'],
    ['submit', 'draft', 'cwB', 404, 'NOT_FOUND'],
    ['submit', 'draft', 'analystA', 403, 'FORBIDDEN'],
    ['approve', 'submitted', 'cwA', 403, 'FORBIDDEN'],
    ['approve', 'submitted', 'mgrA2', 200, null],
    ['approve', 'submitted', 'mgrB', 404, 'NOT_FOUND'],
    ['approve', 'submitted', 'auditorA', 403, 'FORBIDDEN'],
    ['reject', 'submitted', 'cwA', 403, 'FORBIDDEN'],
    ['reject', 'submitted', 'mgrA2', 200, null],
    ['reject', 'submitted', 'mgrB', 404, 'NOT_FOUND'],
    ['depart', 'approved', 'cwA', 200, null],
    ['depart', 'approved', 'mgrA2', 200, null],
    ['depart', 'approved', 'cwA1', 404, 'NOT_FOUND'],
    ['depart', 'approved', 'mgrB', 404, 'NOT_FOUND'],
    ['arrive', 'departed', 'cwA', 200, null],
    ['arrive', 'departed', 'mgrA2', 200, null],
    ['arrive', 'departed', 'mgrB', 404, 'NOT_FOUND'],
    ['cancel', 'draft', 'cwA', 200, null],
    ['cancel', 'submitted', 'cwA', 200, null],
    ['cancel', 'approved', 'mgrA2', 200, null],
    ['cancel', 'approved', 'mgrB', 404, 'NOT_FOUND'],
    ['cancel', 'approved', 'adminA', 403, 'FORBIDDEN'],
  ];
  it.each(cases)('%s a %s return as %s → %i', async (action, from, who, status, code) => {
    const r = await returnIn(from);
    const before = await t.db.row('SELECT status, version FROM returns WHERE id = $1', [r.id]);
    const res = await act(u[who], r.id, action);
    if (code) {
      expectProblem(res, status, code);
      expect(await t.db.row('SELECT status, version FROM returns WHERE id = $1', [r.id])).toEqual(before);
    } else {
      expect(res.status).toBe(status);
      expect(await statusOf(r.id)).toBe(res.body.status);
      const event = await t.db.row<{ actor_user_id: string; details: { caseId: string } }>(
        `SELECT actor_user_id, details FROM audit_events WHERE entity_id = $1 AND action = $2`,
        [r.id, `return.${res.body.status}`],
      );
      expect(event).toMatchObject({ actor_user_id: u[who].user.id, details: { caseId: r.caseId } });
      expect(await timelineTypes(r.caseId)).toContain(`return.${res.body.status}`);
    }
  });

  it('the manager who submitted it may neither approve nor reject it (403 SELF_APPROVAL_FORBIDDEN); another manager may', async () => {
    for (const action of ['approve', 'reject'] as const) {
      const r = await returnIn('submitted', { submitter: u.mgrA });
      expectProblem(await act(u.mgrA, r.id, action), 403, 'SELF_APPROVAL_FORBIDDEN');
      expect(await statusOf(r.id)).toBe('submitted');
      const res = await act(u.mgrA2, r.id, action);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ submittedBy: u.mgrA.user.id, decidedBy: u.mgrA2.user.id });
    }
  });

  it('the database refuses a decision by the submitter too (returns_maker_checker_check)', async () => {
    const r = await returnIn('submitted', { submitter: u.mgrA });
    await expect(t.db.rows(`UPDATE returns SET status = 'approved', decided_by = submitted_by, decided_at = now() WHERE id = $1`, [r.id])).rejects.toThrow(/returns_maker_checker_check/);
  });

  it('reject and cancel need a reason (400); the reason is kept', async () => {
    const r = await returnIn('submitted');
    for (const action of ['reject', 'cancel']) {
      for (const body of [{}, { reason: '' }, { reason: '   ' }]) expectProblem(await act(u.mgrA2, r.id, action, body), 400, 'VALIDATION_FAILED');
    }
    expect((await act(u.mgrA2, r.id, 'reject')).body).toMatchObject({ status: 'rejected', rejectReason: 'the destination is unsafe this month' });
    const c = await returnIn('approved');
    expect((await act(u.cwA, c.id, 'cancel')).body).toMatchObject({ status: 'cancelled', cancelReason: 'changed their mind' });
  });
});

// ---- eligibility and consent ---------------------------------------------------------------------------

describe('submit: eligibility and consent (DESIGN §6)', () => {
  it('no screening → 409 NOT_ELIGIBLE (no_screening); a screening with no wish to return → 409 NOT_ELIGIBLE listing its reasons', async () => {
    const caseId = await newCase();
    await consent(caseId);
    const r = (await create(u.cwA, caseId).expect(201)).body;
    expect(expectProblem(await act(u.cwA, r.id, 'submit'), 409, 'NOT_ELIGIBLE')).toMatchObject({ outcome: null, reasons: ['no_screening'] });
    await screen(caseId, { wishesToReturn: false });
    const problem = expectProblem(await act(u.cwA, r.id, 'submit'), 409, 'NOT_ELIGIBLE');
    expect(problem).toMatchObject({ outcome: 'not_eligible', reasons: ['no_wish_to_return'] });
    expect(problem.detail).toMatch(/no_wish_to_return/);
    await screen(caseId, { travelDocument: 'none', fitToTravel: 'pending' });
    expect(expectProblem(await act(u.cwA, r.id, 'submit'), 409, 'NOT_ELIGIBLE')).toMatchObject({ outcome: 'pending', reasons: ['no_travel_document', 'fitness_to_travel_pending'] });
    expect(await statusOf(r.id)).toBe('draft');
    // The latest screening counts: eligible now.
    await screen(caseId);
    expect((await act(u.cwA, r.id, 'submit')).status).toBe(200);
  });

  it('no active return consent → 409 CONSENT_REQUIRED (a referral consent is not one; a withdrawn one neither)', async () => {
    const caseId = await newCase();
    await screen(caseId);
    await consent(caseId, 'referral');
    const r = (await create(u.cwA, caseId).expect(201)).body;
    expectProblem(await act(u.cwA, r.id, 'submit'), 409, 'CONSENT_REQUIRED');
    const k = await consent(caseId);
    await as(t, u.cwA).post(`${CASES}/${caseId}/consents/${k}/withdraw`).send({ reason: 'not now' }).expect(200);
    expectProblem(await act(u.cwA, r.id, 'submit'), 409, 'CONSENT_REQUIRED');
    expect(await statusOf(r.id)).toBe('draft');
    await consent(caseId);
    const res = await act(u.cwA, r.id, 'submit');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'submitted', submittedBy: u.cwA.user.id, submittedAt: clock.now().toISOString() });
  });

  it('consent withdrawn between submit and approve blocks the approval (409 CONSENT_REQUIRED); the return stays submitted', async () => {
    const r = await returnIn('submitted');
    const [k] = await t.db.rows<{ id: string }>(`SELECT id FROM consents WHERE case_id = $1 AND purpose = 'return'`, [r.caseId]);
    await as(t, u.cwA).post(`${CASES}/${r.caseId}/consents/${k.id}/withdraw`).send({ reason: 'wants to stay' }).expect(200);
    expectProblem(await act(u.mgrA2, r.id, 'approve'), 409, 'CONSENT_REQUIRED');
    expect(await statusOf(r.id)).toBe('submitted');
    expect(await auditActions(r.id)).not.toContain('return.approved');
    // The migrant may still change their mind: cancel.
    expect((await act(u.cwA, r.id, 'cancel')).status).toBe(200);
  });

  it('a screening recorded after submission that is no longer eligible blocks the approval (409 NOT_ELIGIBLE)', async () => {
    const r = await returnIn('submitted');
    await screen(r.caseId, { wishesToReturn: false });
    expect(expectProblem(await act(u.mgrA2, r.id, 'approve'), 409, 'NOT_ELIGIBLE').reasons).toEqual(['no_wish_to_return']);
    expect(await statusOf(r.id)).toBe('submitted');
  });
});

// ---- PATCH with If-Match ----------------------------------------------------------------------------------

describe('PATCH /returns/{id} (If-Match)', () => {
  const patch = (who: TestUser, id: string, body: object, ifMatch?: string) => {
    const req = as(t, who).patch(`${RETURNS}/${id}`);
    return (ifMatch === undefined ? req : req.set('if-match', ifMatch)).send(body);
  };

  it('without If-Match → 428; stale → 412; current → 200 with the new version as ETag, audited', async () => {
    const caseId = await readyCase();
    const r = (await create(u.cwA, caseId, draftBody()).expect(201)).body;
    expectProblem(await patch(u.cwA, r.id, TRAVEL), 428, 'PRECONDITION_REQUIRED');
    expectProblem(await patch(u.cwA, r.id, TRAVEL, '"7"'), 412, 'VERSION_CONFLICT');
    expectProblem(await patch(u.cwA, r.id, TRAVEL, 'garbage'), 412, 'VERSION_CONFLICT');
    const res = await patch(u.cwA, r.id, TRAVEL, '"1"');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, travelDocument: TRAVEL.travelDocument, legs: TRAVEL.legs });
    expect(res.headers.etag).toBe('"2"');
    expect((await as(t, u.cwA).get(`${RETURNS}/${r.id}`).expect(200)).headers.etag).toBe('"2"');
    // The first edit won; a second client still on version 1 loses.
    expectProblem(await patch(u.mgrA, r.id, { destinationLocality: 'Siguiri' }, '"1"'), 412, 'VERSION_CONFLICT');
    const event = await t.db.row<{ changes: Record<string, unknown>; details: unknown }>(`SELECT changes, details FROM audit_events WHERE entity_id = $1 AND action = 'return.updated'`, [r.id]);
    expect(Object.keys(event!.changes).sort()).toEqual(['legs', 'travelDocument']);
    expect(event!.details).toEqual({ caseId });
  });

  it('destination, mode and pocket money only on a draft (409 once submitted); travel arrangements until departure (409 after)', async () => {
    const r = await returnIn('approved');
    const v = async () => `"${(await t.db.row<{ version: number }>('SELECT version FROM returns WHERE id = $1', [r.id]))!.version}"`;
    for (const body of [{ destinationCountry: 'SEN' }, { destinationLocality: 'Labé' }, { mode: 'air' }, { pocketMoneyXof: 1000 }]) {
      expectProblem(await patch(u.cwA, r.id, body, await v()), 409, 'INVALID_TRANSITION');
    }
    const doc = { type: 'passport', number: 'P0012345', issuingCountry: 'GIN' };
    const res = await patch(u.cwA, r.id, { travelDocument: doc, escortRequired: true, escort: { name: 'Awa Keita', phone: '+22376000001' } }, await v());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', travelDocument: doc, escortRequired: true, escort: { name: 'Awa Keita' } });
    await act(u.cwA, r.id, 'depart').expect(200);
    expectProblem(await patch(u.cwA, r.id, { legs: TRAVEL.legs }, await v()), 409, 'INVALID_TRANSITION');
  });

  it('who: another site’s caseworker or another organization → 404; an analyst → 403; bad input → 400; unchanged body → 200 without a new version', async () => {
    const r = await returnIn('draft');
    for (const who of [u.cwA1, u.mgrB]) expectProblem(await patch(who, r.id, { destinationLocality: 'Labé' }, '"1"'), 404, 'NOT_FOUND');
    expectProblem(await patch(u.analystA, r.id, { destinationLocality: 'Labé' }, '"1"'), 403, 'FORBIDDEN');
    for (const body of [{ destinationCountry: 'ZZZ' }, { legs: 'Gao' }, { travelDocument: { type: 'passport', number: '' } }, { caseId: randomUUID() }, { status: 'approved' }]) {
      expectProblem(await patch(u.cwA, r.id, body, '"1"'), 400, 'VALIDATION_FAILED');
    }
    expectProblem(await patch(u.cwA, randomUUID(), { destinationLocality: 'Labé' }, '"1"'), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwA).patch(`${RETURNS}/not-a-uuid`).set('if-match', '"1"').send({}), 400, 'VALIDATION_FAILED');
    const same = await patch(u.cwA, r.id, { destinationLocality: 'Kankan' }, '"1"');
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
  });
});

// ---- departure ---------------------------------------------------------------------------------------------

describe('POST /returns/{id}/depart', () => {
  it('no travel document and no legs → 409 DEPARTURE_REQUIREMENTS_MISSING listing both; after the PATCH → 200', async () => {
    const caseId = await readyCase();
    const r = (await create(u.cwA, caseId, draftBody()).expect(201)).body;
    await act(u.cwA, r.id, 'submit').expect(200);
    await act(u.mgrA, r.id, 'approve').expect(200);
    const problem = expectProblem(await act(u.cwA, r.id, 'depart'), 409, 'DEPARTURE_REQUIREMENTS_MISSING');
    expect(problem.missing).toEqual(['travel_document', 'legs']);
    expect(problem.detail).toMatch(/travel_document, legs/);
    expect(await statusOf(r.id)).toBe('approved');
    await as(t, u.cwA).patch(`${RETURNS}/${r.id}`).set('if-match', '"3"').send({ travelDocument: TRAVEL.travelDocument }).expect(200);
    expect(expectProblem(await act(u.cwA, r.id, 'depart'), 409, 'DEPARTURE_REQUIREMENTS_MISSING').missing).toEqual(['legs']);
    await as(t, u.cwA).patch(`${RETURNS}/${r.id}`).set('if-match', '"4"').send({ legs: TRAVEL.legs }).expect(200);
    const res = await act(u.cwA, r.id, 'depart');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'departed', departedAt: clock.now().toISOString() });
  });

  it('a medical vulnerability needs fitness to travel yes on the latest screening (409 listing fitness_to_travel)', async () => {
    const r = await returnIn('approved', { vulnerabilities: ['medical_condition'] });
    expect(expectProblem(await act(u.cwA, r.id, 'depart'), 409, 'DEPARTURE_REQUIREMENTS_MISSING').missing).toEqual(['fitness_to_travel']);
    await screen(r.caseId, { fitToTravel: 'yes' });
    expect((await act(u.cwA, r.id, 'depart')).status).toBe(200);
  });

  it('an escort required and none named → 409 listing escort; once named → 200', async () => {
    const r = await returnIn('approved');
    const etag = async () => (await as(t, u.cwA).get(`${RETURNS}/${r.id}`).expect(200)).headers.etag as string;
    await as(t, u.cwA).patch(`${RETURNS}/${r.id}`).set('if-match', await etag()).send({ escortRequired: true }).expect(200);
    expect(expectProblem(await act(u.cwA, r.id, 'depart'), 409, 'DEPARTURE_REQUIREMENTS_MISSING').missing).toEqual(['escort']);
    expect(await statusOf(r.id)).toBe('approved');
    await as(t, u.cwA).patch(`${RETURNS}/${r.id}`).set('if-match', await etag()).send({ escort: { name: 'Aminata Traoré', phone: '+223 70 00 00 00' } }).expect(200);
    expect((await act(u.cwA, r.id, 'depart')).status).toBe(200);
  });

  it('the return consent is checked again at departure (409 CONSENT_REQUIRED)', async () => {
    const r = await returnIn('approved');
    const [k] = await t.db.rows<{ id: string }>(`SELECT id FROM consents WHERE case_id = $1 AND purpose = 'return'`, [r.caseId]);
    await as(t, u.cwA).post(`${CASES}/${r.caseId}/consents/${k.id}/withdraw`).send({}).expect(200);
    expectProblem(await act(u.cwA, r.id, 'depart'), 409, 'CONSENT_REQUIRED');
    expect(await statusOf(r.id)).toBe('approved');
  });

  /** An approved return whose migrant is housed at M's shelter (referred and accepted) and holds an active letter of A. */
  async function housedWithLetter() {
    const r = await returnIn('approved');
    await consent(r.caseId, 'referral', { organizationIds: [M.org.id] });
    const ref = await as(t, u.cwA).post(`${CASES}/${r.caseId}/referrals`).send({ toOrganizationId: M.org.id, serviceType: 'shelter', urgency: 'high', reason: 'until the convoy' }).expect(201);
    await as(t, u.cwM).post(`/api/v1/referrals/${ref.body.id}/accept`).send({}).expect(200);
    const stay = (await as(t, u.cwM).post('/api/v1/stays').send({ caseId: r.caseId, siteId: shelter }).expect(201)).body;
    await as(t, u.cwM).post(`/api/v1/stays/${stay.id}/extensions`).send({ days: 3, reason: 'awaiting the convoy' }).expect(201);
    const day = (d: number) => new Date(clock.now().getTime() + d * 24 * HOUR).toISOString().slice(0, 10);
    const letter = (await as(t, u.cwA).post(`${CASES}/${r.caseId}/letters`).send({ validFrom: day(0), validUntil: day(10), purpose: 'return', route: { from: 'Gao', to: 'Niamey' } }).expect(201)).body;
    return { ...r, stayId: stay.id as string, letter: letter as { id: string; verificationToken: string } };
  }

  it('checks the migrant out of the shelter (another organization’s: its pending extension lapses) and supersedes the active letter, audited with the departure', async () => {
    const r = await housedWithLetter();
    const res = await act(u.cwA, r.id, 'depart');
    expect(res.status).toBe(200);
    expect(await t.db.row('SELECT status, checked_out_by FROM stays WHERE id = $1', [r.stayId])).toEqual({ status: 'checked_out', checked_out_by: u.cwA.user.id });
    expect(await t.db.row(`SELECT status FROM stay_extensions WHERE stay_id = $1`, [r.stayId])).toEqual({ status: 'cancelled' });
    expect(await t.db.row('SELECT status, superseded_by_letter_id FROM letters WHERE id = $1', [r.letter.id])).toEqual({ status: 'superseded', superseded_by_letter_id: null });
    const verify = await t.http.get('/api/v1/public/letters/verify').query({ token: r.letter.verificationToken }).expect(200);
    expect(verify.body.result).toBe('superseded');
    const departed = await t.db.row<{ details: unknown }>(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'return.departed'`, [r.id]);
    expect(departed!.details).toEqual({ caseId: r.caseId, stayId: r.stayId, letterId: r.letter.id });
    expect((await t.db.row<{ details: unknown }>(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'stay.checked_out'`, [r.stayId]))!.details).toMatchObject({ caseId: r.caseId, cause: 'departed' });
    expect((await t.db.row<{ details: unknown }>(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'letter.superseded'`, [r.letter.id]))!.details).toMatchObject({ caseId: r.caseId, cause: 'departed' });
    // The shelter's bed is free: M sees the stay checked out.
    expect((await as(t, u.cwM).get(`/api/v1/stays/${r.stayId}`).expect(200)).body.status).toBe('checked_out');
    const types = await timelineTypes(r.caseId);
    expect(types).toEqual(expect.arrayContaining(['return.departed', 'stay.checked_out', 'letter.superseded']));
  });

  it('acceptance 3: a failure after the stay check-out (the letter step) rolls everything back: stay active, letter active, return approved, no event', async () => {
    const r = await housedWithLetter();
    const events = await count('audit_events');
    await t.db.rows(`CREATE FUNCTION test_fail_letters() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure after the stay check-out'; END $$`);
    await t.db.rows(`CREATE TRIGGER test_fail_letters BEFORE UPDATE ON letters FOR EACH ROW EXECUTE FUNCTION test_fail_letters()`);
    try {
      const res = await act(u.cwA, r.id, 'depart');
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toMatch(/forced failure|SELECT|letters/);
    } finally {
      await t.db.rows('DROP TRIGGER test_fail_letters ON letters');
      await t.db.rows('DROP FUNCTION test_fail_letters()');
    }
    expect(await t.db.row('SELECT status, departed_at, version FROM returns WHERE id = $1', [r.id])).toEqual({ status: 'approved', departed_at: null, version: 3 });
    expect(await t.db.row('SELECT status, checked_out_at FROM stays WHERE id = $1', [r.stayId])).toEqual({ status: 'active', checked_out_at: null });
    expect(await t.db.row(`SELECT status FROM stay_extensions WHERE stay_id = $1`, [r.stayId])).toEqual({ status: 'pending' });
    expect(await t.db.row('SELECT status FROM letters WHERE id = $1', [r.letter.id])).toEqual({ status: 'active' });
    expect(await count('audit_events')).toBe(events);
    // The stay check-out did run before the failure: the same departure now goes through.
    expect((await act(u.cwA, r.id, 'depart')).status).toBe(200);
    expect(await t.db.row('SELECT status FROM stays WHERE id = $1', [r.stayId])).toEqual({ status: 'checked_out' });
  });
});

// ---- arrival and closing the case -------------------------------------------------------------------------

describe('arrival, and closing the case as returned', () => {
  it('arrivedAt before the departure or in the future → 400; then 200 with who confirmed it', async () => {
    const r = await returnIn('departed');
    expectProblem(await act(u.cwA, r.id, 'arrive', { arrivedAt: new Date(clock.now().getTime() - HOUR).toISOString(), confirmedBy: 'x' }), 400, 'VALIDATION_FAILED');
    expectProblem(await act(u.cwA, r.id, 'arrive', { arrivedAt: new Date(clock.now().getTime() + HOUR).toISOString(), confirmedBy: 'x' }), 400, 'VALIDATION_FAILED');
    expectProblem(await act(u.cwA, r.id, 'arrive', { arrivedAt: 'yesterday', confirmedBy: 'x' }), 400, 'VALIDATION_FAILED');
    expectProblem(await act(u.cwA, r.id, 'arrive', { arrivedAt: clock.now().toISOString() }), 400, 'VALIDATION_FAILED');
    expect(await statusOf(r.id)).toBe('departed');
    clock.advance(48 * HOUR);
    const at = new Date(clock.now().getTime() - 2 * HOUR).toISOString();
    const res = await act(u.cwA, r.id, 'arrive', { arrivedAt: at, confirmedBy: 'Fanta Condé, OIM Kankan' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'arrived', arrivedAt: at, arrivalConfirmedBy: 'Fanta Condé, OIM Kankan' });
  });

  it('a case with a return in progress cannot close (409 CASE_NOT_CLOSABLE naming it); `returned` needs an arrived return; then it closes as returned', async () => {
    const r = await returnIn('approved');
    const close = (reason: string) => as(t, u.mgrA).post(`${CASES}/${r.caseId}/close`).send({ reason });
    for (const reason of ['continued_journey', 'returned']) {
      const problem = expectProblem(await close(reason), 409, 'CASE_NOT_CLOSABLE');
      expect(problem.blockers).toEqual([expect.stringMatching(/return in progress \(approved\)/)]);
    }
    await act(u.cwA, r.id, 'depart').expect(200);
    expect(expectProblem(await close('returned'), 409, 'CASE_NOT_CLOSABLE').blockers).toEqual([expect.stringMatching(/returned needs a return whose arrival was recorded/)]);
    const ds = t.app.get(DataSource);
    expect(await hasArrivedReturnTo(ds.manager, r.caseId, 'GIN')).toBe(false);
    await act(u.cwA, r.id, 'arrive').expect(200);
    expect(await hasArrivedReturnTo(ds.manager, r.caseId, 'GIN')).toBe(true);
    expect(await hasArrivedReturnTo(ds.manager, r.caseId, 'MLI')).toBe(false);
    expect((await close('returned')).body).toMatchObject({ status: 'closed', closureReason: 'returned' });
  });

  it('a case whose return was cancelled or rejected closes for another reason, but not as returned', async () => {
    for (const status of ['cancelled', 'rejected'] as const) {
      const r = await returnIn(status);
      expectProblem(await as(t, u.mgrA).post(`${CASES}/${r.caseId}/close`).send({ reason: 'returned' }), 409, 'CASE_NOT_CLOSABLE');
      await as(t, u.mgrA).post(`${CASES}/${r.caseId}/close`).send({ reason: 'settled_locally' }).expect(200);
    }
  });
});

// ---- concurrency (acceptance 2) -------------------------------------------------------------------------------

describe('approve and cancel at the same moment: exactly one wins', () => {
  it('5 races, both acting on the version they saw (If-Match): one 200; the other 409 INVALID_TRANSITION (cancelled first) or 412 (approved first); state and trail are the winner’s', async () => {
    const winners: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await returnIn('submitted');
      // Sent in both orders across the races, so that each may come first.
      const approving = () => act(u.mgrA2, r.id, 'approve', undefined, '"2"');
      const cancelling = () => act(u.cwA, r.id, 'cancel', undefined, '"2"');
      const [approve, cancel] = i % 2 ? await Promise.all([approving(), cancelling()]) : (await Promise.all([cancelling(), approving()])).reverse();
      const statuses = [approve.status, cancel.status];
      expect(statuses.filter((x) => x === 200)).toHaveLength(1);
      const [won, lost] = approve.status === 200 ? [approve, cancel] : [cancel, approve];
      // Cancelled first: the table refuses the approval. Approved first: the table would allow the
      // cancellation, but not of the version the caseworker saw.
      expect({ status: lost.status, code: lost.body.code }).toEqual(won === cancel ? { status: 409, code: 'INVALID_TRANSITION' } : { status: 412, code: 'VERSION_CONFLICT' });
      expect(await statusOf(r.id)).toBe(won.body.status);
      const actions = await auditActions(r.id);
      expect(actions.filter((a) => a === 'return.approved' || a === 'return.cancelled')).toEqual([`return.${won.body.status}`]);
      expect(await t.db.row('SELECT version FROM returns WHERE id = $1', [r.id])).toEqual({ version: 3 });
      winners.push(won.body.status);
    }
    console.info(`approve/cancel races won by: ${winners.join(', ')}`);
  });

  it('without If-Match the actions serialize on the row lock: cancelled first → the approval is 409; approved first → the cancellation applies to the approved return (the migrant may change their mind until departure)', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await returnIn('submitted');
      const approving = () => act(u.mgrA2, r.id, 'approve');
      const cancelling = () => act(u.cwA, r.id, 'cancel');
      const [approve, cancel] = i % 2 ? await Promise.all([approving(), cancelling()]) : (await Promise.all([cancelling(), approving()])).reverse();
      expect(cancel.status).toBe(200);
      const trail = (await auditActions(r.id)).filter((a) => a === 'return.approved' || a === 'return.cancelled');
      if (approve.status === 200) expect(trail).toEqual(['return.approved', 'return.cancelled']);
      else {
        expectProblem(approve, 409, 'INVALID_TRANSITION');
        expect(trail).toEqual(['return.cancelled']);
      }
      expect(await statusOf(r.id)).toBe('cancelled');
    }
  });

  it('two drafts for one case at the same moment: one 201, one 409 RETURN_IN_PROGRESS', async () => {
    const caseId = await readyCase();
    const results = await Promise.all([create(u.cwA, caseId), create(u.mgrA, caseId)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('RETURN_IN_PROGRESS');
    expect(await count('returns WHERE case_id = $1', [caseId])).toBe(1);
  });
});

// ---- reads ----------------------------------------------------------------------------------------------------------

describe('reads: GET /returns/{id}, /cases/{id}/returns, the pipeline', () => {
  it('GET /returns/{id}: who works on the case → 200 with ETag, read audited; another site, another org, analysts → 404', async () => {
    const r = await returnIn('submitted');
    for (const who of [u.cwA, u.mgrA]) {
      const res = await as(t, who).get(`${RETURNS}/${r.id}`).expect(200);
      expect(res.body).toMatchObject({ id: r.id, status: 'submitted', caseId: r.caseId });
      expect(res.headers.etag).toBe('"2"');
    }
    expect(await count(`audit_events WHERE entity_id = $1 AND action = 'return.viewed'`, [r.id])).toBe(2);
    for (const who of [u.cwA1, u.mgrB, u.cwB, u.cwM, u.analystA, u.auditorA, u.adminA]) expectProblem(await as(t, who).get(`${RETURNS}/${r.id}`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.mgrA).get(`${RETURNS}/${randomUUID()}`), 404, 'NOT_FOUND');
  });

  it('GET /cases/{id}/returns: newest first; a receiving organization’s shared view → 403; hidden case → 404', async () => {
    const r = await returnIn('cancelled');
    const second = (await create(u.cwA, r.caseId).expect(201)).body;
    const list = await as(t, u.cwA).get(`${CASES}/${r.caseId}/returns`).expect(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([second.id, r.id]);
    await consent(r.caseId, 'referral', { organizationIds: [M.org.id] });
    await as(t, u.cwA).post(`${CASES}/${r.caseId}/referrals`).send({ toOrganizationId: M.org.id, serviceType: 'health', urgency: 'normal', reason: 'a check-up' }).expect(201);
    await as(t, u.cwM).get(`${CASES}/${r.caseId}`).expect(200);
    expectProblem(await as(t, u.cwM).get(`${CASES}/${r.caseId}/returns`), 403, 'FORBIDDEN');
    expectProblem(await as(t, u.cwM).get(`${RETURNS}/${second.id}`), 404, 'NOT_FOUND');
    for (const who of [u.cwA1, u.mgrB]) expectProblem(await as(t, who).get(`${CASES}/${r.caseId}/returns`), 404, 'NOT_FOUND');
  });

  it('GET /returns: scoped (caseworkers: their cases; managers: the organization’s; others: none), filtered by status, destination country and dates, paginated', async () => {
    // Refusals first: their access.denied events are written after the response.
    for (const who of [u.analystA, u.auditorA, u.adminA]) expectProblem(await as(t, who).get(RETURNS), 403, 'FORBIDDEN');
    const mine = await returnIn('approved');
    const other = await newCase({ by: u.mgrA, siteId: A.sites[1].id });
    await consent(other);
    await screen(other, { countryOfReturn: 'SEN' });
    const atSite1 = (await create(u.mgrA, other, draftBody({ destinationCountry: 'SEN', destinationLocality: 'Tambacounda' })).expect(201)).body;
    const ids = async (who: TestUser, query = '') => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await as(t, who)
          .get(`${RETURNS}?limit=7${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .expect(200);
        out.push(...res.body.items.map((x) => x.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      return out;
    };
    const all = await t.db.rows<{ id: string }>('SELECT id FROM returns WHERE owning_organization_id = $1 ORDER BY created_at DESC, id DESC', [A.org.id]);
    expect(await ids(u.mgrA)).toEqual(all.map((x) => x.id));
    // A caseworker: the returns of the cases at their sites or assigned to them, exactly.
    const theirs = async (who: TestUser) =>
      (
        await t.db.rows<{ id: string }>(
          `SELECT r.id FROM returns r JOIN cases c ON c.id = r.case_id WHERE r.owning_organization_id = $1 AND (c.site_id = ANY($2) OR c.assigned_to = $3) ORDER BY r.created_at DESC, r.id DESC`,
          [A.org.id, who.user.siteIds, who.user.id],
        )
      ).map((x) => x.id);
    const cwA = await ids(u.cwA);
    expect(cwA).toEqual(await theirs(u.cwA));
    expect(cwA).toContain(mine.id);
    expect(cwA).not.toContain(atSite1.id);
    const cwA1 = await ids(u.cwA1);
    expect(cwA1).toEqual(await theirs(u.cwA1));
    expect(cwA1).toContain(atSite1.id);
    expect(cwA1).not.toContain(mine.id);
    expect(await ids(u.mgrB)).toEqual([]);
    expect(await ids(u.mgrM)).toEqual([]);
    expect(await ids(u.mgrA, '&destinationCountry=SEN')).toEqual([atSite1.id]);
    const approved = await ids(u.mgrA, '&status=approved');
    expect(approved).toContain(mine.id);
    expect(await t.db.rows(`SELECT id FROM returns WHERE id = ANY($1) AND status <> 'approved'`, [approved])).toEqual([]);
    const today = clock.now().toISOString().slice(0, 10);
    expect(await ids(u.mgrA, `&from=${today}&to=${today}`)).toEqual(expect.arrayContaining([mine.id, atSite1.id]));
    expect(await ids(u.mgrA, '&to=2026-01-01')).toEqual([]);
    for (const q of ['status=gone', 'destinationCountry=XX', 'from=2026-13-01', 'limit=0', 'cursor=forged', 'caseId=1']) expectProblem(await as(t, u.mgrA).get(`${RETURNS}?${q}`), 400, q.startsWith('cursor') ? 'INVALID_CURSOR' : 'VALIDATION_FAILED');
  });
});
