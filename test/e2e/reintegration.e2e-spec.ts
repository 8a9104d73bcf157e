// Issue 10 (Reintegration), DESIGN §6: plans for returnees (an arrived return to Mali, or a case
// registered as a returnee) by organizations with the reintegration capability; items per
// dimension with budgets in XOF; the reintegration consent to submit; maker-checker approval and
// the second approver above the organization's budget ceiling; delivery and completion;
// monitoring visits scored with a versioned scheme; scheme loading; reads, lists and timelines.
import { randomUUID } from 'node:crypto';
import { type Role } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const CASES = '/api/v1/cases';
const PLANS = '/api/v1/reintegration-plans';
const SCHEMES = '/api/v1/scoring-schemes';

const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
let t: TestApp;
let R: TestOrg; // runs reintegration: two sites
let X: TestOrg; // another organization with the capability
let N: TestOrg; // no reintegration capability
const u = {} as Record<'cwR' | 'cwR1' | 'mgrR1' | 'mgrR2' | 'mgrR3' | 'analystR' | 'auditorR' | 'adminR' | 'cwX' | 'mgrX' | 'adminX' | 'cwN' | 'adminN', TestUser>;
let demoSchemeId: string;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  R = await makeOrg(t, { capabilities: ['information', 'return', 'reintegration'], sites: [{}, {}] });
  X = await makeOrg(t, { capabilities: ['reintegration'] });
  N = await makeOrg(t, { capabilities: ['information', 'health'] });
  const user = (o: TestOrg, roles: Role[], siteIds?: string[]) => makeUser(t, o, roles, { siteIds });
  u.cwR = await user(R, ['caseworker'], [R.sites[0].id]);
  u.cwR1 = await user(R, ['caseworker'], [R.sites[1].id]);
  u.mgrR1 = await user(R, ['manager']);
  u.mgrR2 = await user(R, ['manager']);
  u.mgrR3 = await user(R, ['manager']);
  u.analystR = await user(R, ['analyst']);
  u.auditorR = await user(R, ['auditor']);
  u.adminR = await user(R, ['org_admin']);
  u.cwX = await user(X, ['caseworker']);
  u.mgrX = await user(X, ['manager']);
  u.adminX = await user(X, ['org_admin']);
  u.cwN = await user(N, ['caseworker']);
  u.adminN = await user(N, ['org_admin']);
  demoSchemeId = (await t.db.row<{ id: string }>(`SELECT id FROM scoring_schemes WHERE name = 'rss-structure-demo' AND version = 1`))!.id;
});
afterAll(() => t?.close());

// ---- helpers ------------------------------------------------------------------------------------

let seq = 0;
async function register(by: TestUser, siteId: string, extra: Record<string, unknown> = { migrantCategory: 'returnee' }): Promise<string> {
  const res = await as(t, by)
    .post(CASES)
    .send({
      siteId,
      identity: { givenName: 'Moussa', familyName: `Keïta ${++seq}`, sex: 'male', birthYear: 1994, nationality: 'MLI' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
      ...extra,
    });
  expect(res.status).toBe(201);
  return res.body.id;
}
/** A case of R at site 0 registered as a returnee. */
const returnee = () => register(u.cwR, R.sites[0].id);
const consent = (caseId: string, by = u.cwR) => as(t, by).post(`${CASES}/${caseId}/consents`).send({ purpose: 'reintegration', basis: 'consent', method: 'signed' }).expect(201);
const item = (type: string, budgetXof: number, extra: Record<string, unknown> = {}) => ({ type, description: `${type} support`, budgetXof, ...extra });

/** A draft plan of a fresh returnee case with these items (default: one 300,000 XOF kit). */
async function draft(items = [item('livestock_fattening', 300_000)], by = u.cwR): Promise<{ caseId: string; planId: string }> {
  const caseId = await returnee();
  const planId = (await as(t, by).post(`${CASES}/${caseId}/reintegration-plan`).send({ summary: 'Back in Kayes with his family; wants to fatten sheep' }).expect(201)).body.id;
  for (const i of items) await as(t, by).post(`${PLANS}/${planId}/items`).send(i).expect(201);
  return { caseId, planId };
}
/** … with a reintegration consent, submitted by `by`. */
async function submitted(items?: ReturnType<typeof item>[], by = u.mgrR1) {
  const p = await draft(items);
  await consent(p.caseId);
  await as(t, by).post(`${PLANS}/${p.planId}/submit`).expect(200);
  return p;
}
/** … approved by mgrR2 (below the ceiling). */
async function approved(items?: ReturnType<typeof item>[]) {
  const p = await submitted(items);
  await as(t, u.mgrR2).post(`${PLANS}/${p.planId}/approve`).expect(200);
  return p;
}
const planRow = (id: string) => t.db.row<{ status: string; version: number; total_budget_xof: string }>('SELECT status, version, total_budget_xof FROM reintegration_plans WHERE id = $1', [id]);
const auditActions = async (planId: string) =>
  (await t.db.rows<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'ReintegrationPlan' AND entity_id = $1 ORDER BY seq`, [planId])).map((r) => r.action);
const setCeiling = (value: number | null) => as(t, u.adminR).patch(`/api/v1/organizations/${R.org.id}/reintegration-settings`).send({ budgetCeilingXof: value }).expect(200);

/** An arrived (or other) return of the case to `country`, as the returns feature stores it. */
async function makeReturn(caseId: string, country: string, status: 'arrived' | 'departed' = 'arrived') {
  const at = clock.now();
  await t.db.row(
    `INSERT INTO returns (case_id, owning_organization_id, status, destination_country, destination_locality, mode, departed_at, arrived_at, arrival_confirmed_by)
     VALUES ($1, $2, $3, $4, 'Kayes', 'road', $5, $6, $7)`,
    [caseId, R.org.id, status, country, at, status === 'arrived' ? at : null, status === 'arrived' ? 'IOM Bamako reception' : null],
  );
}

// ---- the returnee category on the case -----------------------------------------------------------

describe('cases: migrantCategory (issue 10 "a case registered as a returnee")', () => {
  it('is set at registration, shown with the journey section, changed by PATCH, and validated', async () => {
    const id = await register(u.cwR, R.sites[0].id, { migrantCategory: 'in_transit' });
    const got = await as(t, u.cwR).get(`${CASES}/${id}`).expect(200);
    expect(got.body.migrantCategory).toBe('in_transit');
    const patched = await as(t, u.cwR).patch(`${CASES}/${id}`).set('if-match', got.headers.etag).send({ migrantCategory: 'returnee' }).expect(200);
    expect(patched.body.migrantCategory).toBe('returnee');
    expect(await t.db.row('SELECT migrant_category FROM cases WHERE id = $1', [id])).toEqual({ migrant_category: 'returnee' });
    const bad = await as(t, u.cwR).patch(`${CASES}/${id}`).set('if-match', patched.headers.etag).send({ migrantCategory: 'tourist' });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    const plain = await register(u.cwR, R.sites[0].id, {});
    expect((await as(t, u.cwR).get(`${CASES}/${plain}`).expect(200)).body.migrantCategory).toBeNull();
  });
});

// ---- creating a plan -----------------------------------------------------------------------------

describe('POST /cases/{id}/reintegration-plan', () => {
  it('a returnee case gets a draft plan (201, ETag, audited on the case timeline)', async () => {
    const caseId = await returnee();
    const res = await as(t, u.cwR).post(`${CASES}/${caseId}/reintegration-plan`).send({ summary: 'Wants a market garden' }).expect(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({ caseId, status: 'draft', totalBudgetXof: 0, items: [], approvals: [], approvalsRequired: null, summary: 'Wants a market garden', owningOrganizationId: R.org.id });
    const timeline = await as(t, u.cwR).get(`${CASES}/${caseId}/timeline`).expect(200);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toContain('reintegration_plan.created');
  });

  it('a case that is not a returnee: 409 NOT_A_RETURNEE, nothing stored', async () => {
    const caseId = await register(u.cwR, R.sites[0].id, { migrantCategory: 'in_transit' });
    expectProblem(await as(t, u.cwR).post(`${CASES}/${caseId}/reintegration-plan`).send({}), 409, 'NOT_A_RETURNEE');
    expect(await t.db.row('SELECT count(*)::int AS n FROM reintegration_plans WHERE case_id = $1', [caseId])).toEqual({ n: 0 });
  });

  it('an arrived return to Mali makes a returnee; a return to another country or not yet arrived does not', async () => {
    const toMali = await register(u.cwR, R.sites[0].id, {});
    await makeReturn(toMali, 'MLI');
    await as(t, u.cwR).post(`${CASES}/${toMali}/reintegration-plan`).send({}).expect(201);
    const toGuinea = await register(u.cwR, R.sites[0].id, {});
    await makeReturn(toGuinea, 'GIN');
    expectProblem(await as(t, u.cwR).post(`${CASES}/${toGuinea}/reintegration-plan`).send({}), 409, 'NOT_A_RETURNEE');
    const onTheWay = await register(u.cwR, R.sites[0].id, {});
    await makeReturn(onTheWay, 'MLI', 'departed');
    expectProblem(await as(t, u.cwR).post(`${CASES}/${onTheWay}/reintegration-plan`).send({}), 409, 'NOT_A_RETURNEE');
  });

  it('one plan per case (409); a rejected plan makes room for a new one', async () => {
    const p = await submitted();
    expectProblem(await as(t, u.cwR).post(`${CASES}/${p.caseId}/reintegration-plan`).send({}), 409, 'CONFLICT');
    await as(t, u.mgrR2).post(`${PLANS}/${p.planId}/reject`).send({ reason: 'budget not justified' }).expect(200);
    const again = await as(t, u.cwR).post(`${CASES}/${p.caseId}/reintegration-plan`).send({}).expect(201);
    expect(again.body.id).not.toBe(p.planId);
    // The case's plan is now the new draft, not the rejected one.
    expect((await as(t, u.cwR).get(`${CASES}/${p.caseId}/reintegration-plan`).expect(200)).body.id).toBe(again.body.id);
  });

  it('two creations at once for one case: one plan, the other 409', async () => {
    const caseId = await returnee();
    const [a, b] = await Promise.all([as(t, u.cwR).post(`${CASES}/${caseId}/reintegration-plan`).send({}), as(t, u.mgrR1).post(`${CASES}/${caseId}/reintegration-plan`).send({})]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect(await t.db.row('SELECT count(*)::int AS n FROM reintegration_plans WHERE case_id = $1', [caseId])).toEqual({ n: 1 });
  });

  it('a closed case: 409', async () => {
    const caseId = await returnee();
    await as(t, u.mgrR1).post(`${CASES}/${caseId}/close`).send({ reason: 'lost_contact' }).expect(200);
    expectProblem(await as(t, u.cwR).post(`${CASES}/${caseId}/reintegration-plan`).send({}), 409, 'CONFLICT');
  });

  it('an organization without the reintegration capability: 403 CAPABILITY_REQUIRED, nothing stored', async () => {
    const caseId = await register(u.cwN, N.sites[0].id);
    expectProblem(await as(t, u.cwN).post(`${CASES}/${caseId}/reintegration-plan`).send({}), 403, 'CAPABILITY_REQUIRED');
    expect(await t.db.row('SELECT count(*)::int AS n FROM reintegration_plans WHERE case_id = $1', [caseId])).toEqual({ n: 0 });
  });

  it('who: another organization, a caseworker of another site, analysts, auditors and admins get 404', async () => {
    const caseId = await returnee();
    for (const who of [u.cwX, u.mgrX, u.cwR1, u.analystR, u.auditorR, u.adminR]) {
      expectProblem(await as(t, who).post(`${CASES}/${caseId}/reintegration-plan`).send({}), 404, 'NOT_FOUND');
    }
    expect(await t.db.row('SELECT count(*)::int AS n FROM reintegration_plans WHERE case_id = $1', [caseId])).toEqual({ n: 0 });
    // A manager works on every case of the organization.
    await as(t, u.mgrR3).post(`${CASES}/${caseId}/reintegration-plan`).send({}).expect(201);
  });
});

// ---- items and edits ------------------------------------------------------------------------------

describe('items and edits of a draft', () => {
  it('items per dimension: the type decides the dimension; totals by dimension exclude cancelled items', async () => {
    const { planId } = await draft([]);
    const kit = await as(t, u.cwR).post(`${PLANS}/${planId}/items`).send(item('welding', 450_000, { partnerOrganizationId: X.org.id })).expect(201);
    expect(kit.body).toMatchObject({ dimension: 'economic', type: 'welding', budgetXof: 450_000, status: 'planned', partnerOrganizationId: X.org.id });
    await as(t, u.cwR).post(`${PLANS}/${planId}/items`).send(item('housing', 100_000, { dimension: 'social' })).expect(201);
    const counselling = await as(t, u.cwR).post(`${PLANS}/${planId}/items`).send(item('counselling', 25_000)).expect(201);
    expect(counselling.body.plan).toMatchObject({ totalBudgetXof: 575_000, budgetByDimension: { economic: 450_000, social: 100_000, psychosocial: 25_000 } });
    const changed = await as(t, u.cwR).patch(`${PLANS}/${planId}/items/${kit.body.id}`).send({ budgetXof: 500_000, type: 'carpentry' }).expect(200);
    expect(changed.body).toMatchObject({ type: 'carpentry', dimension: 'economic', budgetXof: 500_000 });
    const cancelled = await as(t, u.cwR).post(`${PLANS}/${planId}/items/${counselling.body.id}/cancel`).send({ reason: 'peer group instead' }).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'peer group instead' });
    expect(cancelled.body.plan).toMatchObject({ totalBudgetXof: 600_000, budgetByDimension: { economic: 500_000, social: 100_000, psychosocial: 0 } });
    expect(await planRow(planId)).toMatchObject({ total_budget_xof: '600000' });
    expect(await auditActions(planId)).toEqual(['reintegration_plan.created', 'reintegration_plan.item_added', 'reintegration_plan.item_added', 'reintegration_plan.item_added', 'reintegration_plan.item_updated', 'reintegration_plan.item_cancelled']);
  });

  it('bad items: 400 with errors, nothing stored', async () => {
    const { planId } = await draft([]);
    const cases: [object, string][] = [
      [item('welding', 1000, { dimension: 'social' }), 'dimension'],
      [item('welding', -5), 'budgetXof'],
      [item('welding', 12.5), 'budgetXof'],
      [item('welding', 'a lot' as unknown as number), 'budgetXof'],
      [item('camel_racing', 1000), 'type'],
      [item('welding', 1000, { partnerOrganizationId: randomUUID() }), 'partnerOrganizationId'],
      [{ ...item('welding', 1000), colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await as(t, u.cwR).post(`${PLANS}/${planId}/items`).send(body);
      expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect(await t.db.row('SELECT count(*)::int AS n FROM reintegration_items WHERE plan_id = $1', [planId])).toEqual({ n: 0 });
  });

  it('PATCH needs If-Match (428), refuses a stale version (412), bumps the version', async () => {
    const { planId } = await draft();
    const got = await as(t, u.cwR).get(`${PLANS}/${planId}`).expect(200);
    expectProblem(await as(t, u.cwR).patch(`${PLANS}/${planId}`).send({ summary: 'x' }), 428, 'PRECONDITION_REQUIRED');
    expectProblem(await as(t, u.cwR).patch(`${PLANS}/${planId}`).set('if-match', '"1"').send({ summary: 'x' }), 412, 'VERSION_CONFLICT');
    const ok = await as(t, u.cwR).patch(`${PLANS}/${planId}`).set('if-match', got.headers.etag).send({ summary: 'Now in Kita' }).expect(200);
    expect(ok.body.summary).toBe('Now in Kita');
    expect(ok.headers.etag).toBe(`"${Number(JSON.parse(got.headers.etag)) + 1}"`);
    // The audit trail records that the summary changed, never what it says.
    const [e] = await t.db.rows<{ changes: Record<string, unknown> }>(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'reintegration_plan.updated'`, [planId]);
    expect(JSON.stringify(e.changes)).not.toContain('Kita');
  });

  it('after submission neither the plan nor its items change (409 INVALID_TRANSITION)', async () => {
    const { planId } = await submitted();
    const plan = await as(t, u.cwR).get(`${PLANS}/${planId}`).expect(200);
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/items`).send(item('masonry', 1)), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.cwR).patch(`${PLANS}/${planId}/items/${plan.body.items[0].id}`).send({ budgetXof: 1 }), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.cwR).patch(`${PLANS}/${planId}`).set('if-match', plan.headers.etag).send({ summary: 'late' }), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/items/${plan.body.items[0].id}/cancel`).send({ reason: 'x' }), 409, 'INVALID_TRANSITION');
    expect(await t.db.row('SELECT count(*)::int AS n FROM reintegration_items WHERE plan_id = $1', [planId])).toEqual({ n: 1 });
  });
});

// ---- submission -----------------------------------------------------------------------------------

describe('submit: consent, items, state', () => {
  it('without an active reintegration consent: 409 CONSENT_REQUIRED, still a draft', async () => {
    const { caseId, planId } = await draft();
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/submit`), 409, 'CONSENT_REQUIRED');
    // A consent for another purpose does not count; a withdrawn one neither.
    await as(t, u.cwR).post(`${CASES}/${caseId}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201);
    const k = await consent(caseId);
    await as(t, u.cwR).post(`${CASES}/${caseId}/consents/${k.body.id}/withdraw`).send({ reason: 'changed their mind' }).expect(200);
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/submit`), 409, 'CONSENT_REQUIRED');
    expect(await planRow(planId)).toMatchObject({ status: 'draft' });
    expect(await auditActions(planId)).not.toContain('reintegration_plan.submitted');
  });

  it('with the consent: submitted, by a caseworker too; the ceiling is frozen with it', async () => {
    await setCeiling(1_000_000);
    const { caseId, planId } = await draft();
    await consent(caseId);
    const res = await as(t, u.cwR).post(`${PLANS}/${planId}/submit`).expect(200);
    expect(res.body).toMatchObject({ status: 'submitted', submittedBy: u.cwR.user.id, budgetCeilingXof: 1_000_000, approvalsRequired: 1 });
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/submit`), 409, 'INVALID_TRANSITION');
  });

  it('a plan without planned items is not submitted (409)', async () => {
    const { caseId, planId } = await draft([]);
    await consent(caseId);
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/submit`), 409, 'CONFLICT');
    expect(await planRow(planId)).toMatchObject({ status: 'draft' });
  });
});

// ---- approval: maker-checker and the ceiling ------------------------------------------------------

describe('approve / reject: maker-checker (403 SELF_APPROVAL_FORBIDDEN)', () => {
  beforeAll(() => setCeiling(1_000_000));

  it('a caseworker may not approve or reject (403); the submitter may not either (403 SELF_APPROVAL_FORBIDDEN); another manager approves', async () => {
    const { planId } = await submitted(undefined, u.mgrR1);
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/approve`), 403, 'FORBIDDEN');
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/reject`).send({ reason: 'no' }), 403, 'FORBIDDEN');
    expectProblem(await as(t, u.mgrR1).post(`${PLANS}/${planId}/approve`), 403, 'SELF_APPROVAL_FORBIDDEN');
    expectProblem(await as(t, u.mgrR1).post(`${PLANS}/${planId}/reject`).send({ reason: 'no' }), 403, 'SELF_APPROVAL_FORBIDDEN');
    expect(await planRow(planId)).toMatchObject({ status: 'submitted' });
    expectProblem(await as(t, u.mgrX).post(`${PLANS}/${planId}/approve`), 404, 'NOT_FOUND');
    const ok = await as(t, u.mgrR2).post(`${PLANS}/${planId}/approve`).expect(200);
    expect(ok.body).toMatchObject({ status: 'approved', approvalsRequired: 1, approvals: [{ by: u.mgrR2.user.id, at: expect.any(String) }] });
    expectProblem(await as(t, u.mgrR3).post(`${PLANS}/${planId}/approve`), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.mgrR3).post(`${PLANS}/${planId}/reject`).send({ reason: 'late' }), 409, 'INVALID_TRANSITION');
    expect(await auditActions(planId)).toContain('reintegration_plan.approved');
  });

  it('a draft is neither approved nor rejected (409)', async () => {
    const { planId } = await draft();
    expectProblem(await as(t, u.mgrR2).post(`${PLANS}/${planId}/approve`), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.mgrR2).post(`${PLANS}/${planId}/reject`).send({ reason: 'x' }), 409, 'INVALID_TRANSITION');
  });

  it('reject needs a reason (400) and ends the plan', async () => {
    const { planId } = await submitted();
    expectProblem(await as(t, u.mgrR2).post(`${PLANS}/${planId}/reject`).send({}), 400, 'VALIDATION_FAILED');
    const res = await as(t, u.mgrR2).post(`${PLANS}/${planId}/reject`).send({ reason: 'no market for welding in his village' }).expect(200);
    expect(res.body).toMatchObject({ status: 'rejected', rejectedBy: u.mgrR2.user.id, rejectionReason: 'no market for welding in his village' });
    expectProblem(await as(t, u.mgrR3).post(`${PLANS}/${planId}/approve`), 409, 'INVALID_TRANSITION');
  });

  it('two managers approving at once: the plan row lock lets one win, the other gets 409', async () => {
    const { planId } = await submitted(undefined, u.mgrR1);
    const [a, b] = await Promise.all([as(t, u.mgrR2).post(`${PLANS}/${planId}/approve`), as(t, u.mgrR3).post(`${PLANS}/${planId}/approve`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await t.db.row('SELECT status, first_approved_by IS NOT NULL AS first, second_approved_by IS NULL AS no_second FROM reintegration_plans WHERE id = $1', [planId])).toEqual({ status: 'approved', first: true, no_second: true });
    expect((await auditActions(planId)).filter((x) => x === 'reintegration_plan.approved')).toHaveLength(1);
  });

  it('the database refuses an approval by the submitter too', async () => {
    const { planId } = await submitted(undefined, u.mgrR1);
    await expect(t.db.row(`UPDATE reintegration_plans SET first_approved_by = submitted_by, first_approved_at = now(), status = 'approved' WHERE id = $1`, [planId])).rejects.toThrow(/reintegration_plans_maker_checker_check/);
  });
});

describe('the budget ceiling: above it a second, different manager approves', () => {
  beforeAll(() => setCeiling(1_000_000));

  it('above the ceiling: first approval → awaiting_second_approval; neither the submitter nor the first approver may give the second; a third manager does', async () => {
    const { planId } = await submitted([item('market_gardening', 800_000), item('vocational_training', 400_000)], u.mgrR1);
    expect((await as(t, u.mgrR1).get(`${PLANS}/${planId}`).expect(200)).body).toMatchObject({ totalBudgetXof: 1_200_000, budgetCeilingXof: 1_000_000, approvalsRequired: 2 });
    const first = await as(t, u.mgrR2).post(`${PLANS}/${planId}/approve`).expect(200);
    expect(first.body).toMatchObject({ status: 'awaiting_second_approval', approvals: [{ by: u.mgrR2.user.id }] });
    expectProblem(await as(t, u.mgrR2).post(`${PLANS}/${planId}/approve`), 403, 'SELF_APPROVAL_FORBIDDEN');
    expectProblem(await as(t, u.mgrR1).post(`${PLANS}/${planId}/approve`), 403, 'SELF_APPROVAL_FORBIDDEN');
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/approve`), 403, 'FORBIDDEN');
    // Not started before the second approval.
    const plan = await as(t, u.cwR).get(`${PLANS}/${planId}`).expect(200);
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/items/${plan.body.items[0].id}/deliver`).send({ deliveredOn: '2026-11-22', evidenceNote: 'x' }), 409, 'INVALID_TRANSITION');
    expect(await planRow(planId)).toMatchObject({ status: 'awaiting_second_approval' });
    const second = await as(t, u.mgrR3).post(`${PLANS}/${planId}/approve`).expect(200);
    expect(second.body).toMatchObject({ status: 'approved', approvals: [{ by: u.mgrR2.user.id }, { by: u.mgrR3.user.id }] });
    expect(await auditActions(planId)).toEqual(expect.arrayContaining(['reintegration_plan.first_approved', 'reintegration_plan.approved']));
  });

  it('at the ceiling exactly one approval suffices', async () => {
    const { planId } = await submitted([item('petty_trade', 1_000_000)], u.mgrR1);
    expect((await as(t, u.mgrR2).post(`${PLANS}/${planId}/approve`).expect(200)).body).toMatchObject({ status: 'approved', approvalsRequired: 1 });
  });

  it('the second approver may reject instead', async () => {
    const { planId } = await submitted([item('cutting_and_sewing', 1_500_000)], u.mgrR1);
    await as(t, u.mgrR2).post(`${PLANS}/${planId}/approve`).expect(200);
    expectProblem(await as(t, u.mgrR2).post(`${PLANS}/${planId}/reject`).send({ reason: 'second thoughts' }), 403, 'SELF_APPROVAL_FORBIDDEN');
    expect((await as(t, u.mgrR3).post(`${PLANS}/${planId}/reject`).send({ reason: 'too costly' }).expect(200)).body.status).toBe('rejected');
  });

  it('a ceiling set later does not change a plan already submitted; no ceiling: never a second approver', async () => {
    const { planId } = await submitted([item('welding', 2_000_000)], u.mgrR1);
    await setCeiling(5_000_000);
    expect((await as(t, u.mgrR2).post(`${PLANS}/${planId}/approve`).expect(200)).body.status).toBe('awaiting_second_approval');
    await setCeiling(null);
    const big = await submitted([item('carpentry', 50_000_000)], u.mgrR1);
    expect((await as(t, u.mgrR2).post(`${PLANS}/${big.planId}/approve`).expect(200)).body).toMatchObject({ status: 'approved', budgetCeilingXof: null, approvalsRequired: 1 });
    await setCeiling(1_000_000);
  });

  it('settings: read by anyone signed in, set by the organization’s admin only (403 for others), validated', async () => {
    expect((await as(t, u.cwX).get(`/api/v1/organizations/${R.org.id}/reintegration-settings`).expect(200)).body).toEqual({ organizationId: R.org.id, budgetCeilingXof: 1_000_000 });
    for (const who of [u.adminX, u.mgrR1, u.cwR]) {
      expectProblem(await as(t, who).patch(`/api/v1/organizations/${R.org.id}/reintegration-settings`).send({ budgetCeilingXof: 1 }), 403, 'FORBIDDEN');
    }
    expectProblem(await as(t, u.adminR).patch(`/api/v1/organizations/${R.org.id}/reintegration-settings`).send({ budgetCeilingXof: -1 }), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, u.adminR).patch(`/api/v1/organizations/${R.org.id}/reintegration-settings`).send({}), 400, 'VALIDATION_FAILED');
    expect(await t.db.row('SELECT reintegration_budget_ceiling_xof AS c FROM organizations WHERE id = $1', [R.org.id])).toEqual({ c: '1000000' });
  });
});

// ---- delivery and completion ----------------------------------------------------------------------

describe('deliver, cancel, complete', () => {
  it('deliveries start the plan; completion once no item is planned; nothing after completion', async () => {
    const { planId } = await approved([item('livestock_fattening', 300_000), item('management_training', 50_000), item('peer_group', 0)]);
    const byType = Object.fromEntries(((await as(t, u.cwR).get(`${PLANS}/${planId}`).expect(200)).body.items as { id: string; type: string }[]).map((i) => [i.type, i]));
    const items = [byType.livestock_fattening, byType.management_training, byType.peer_group];
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/items/${items[0].id}/deliver`).send({ deliveredOn: '2026-11-24', evidenceNote: 'receipt' }), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/items/${items[0].id}/deliver`).send({ deliveredOn: '2026-11-22' }), 400, 'VALIDATION_FAILED');
    const d = await as(t, u.cwR).post(`${PLANS}/${planId}/items/${items[0].id}/deliver`).send({ deliveredOn: '2026-11-22', evidenceNote: '5 sheep handed over, receipt thumbprinted' }).expect(200);
    expect(d.body).toMatchObject({ status: 'delivered', deliveredOn: '2026-11-22', evidenceNote: '5 sheep handed over, receipt thumbprinted', deliveredBy: u.cwR.user.id });
    expect(d.body.plan).toMatchObject({ status: 'in_progress', startedAt: expect.any(String) });
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/items/${items[0].id}/deliver`).send({ deliveredOn: '2026-11-22', evidenceNote: 'again' }), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/complete`), 409, 'CONFLICT');
    await as(t, u.cwR).post(`${PLANS}/${planId}/items/${items[1].id}/deliver`).send({ deliveredOn: '2026-11-23', evidenceNote: 'attended 5 days' }).expect(200);
    const c = await as(t, u.cwR).post(`${PLANS}/${planId}/items/${items[2].id}/cancel`).send({ reason: 'no group in his commune' }).expect(200);
    expect(c.body.plan).toMatchObject({ status: 'in_progress', totalBudgetXof: 350_000 });
    const done = await as(t, u.cwR).post(`${PLANS}/${planId}/complete`).expect(200);
    expect(done.body).toMatchObject({ status: 'completed', completedBy: u.cwR.user.id });
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/complete`), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/items/${items[2].id}/deliver`).send({ deliveredOn: '2026-11-23', evidenceNote: 'x' }), 409, 'INVALID_TRANSITION');
  });

  it('an approved plan whose items were all cancelled may be completed; a draft or submitted one may not', async () => {
    const { planId } = await approved();
    const [only] = (await as(t, u.cwR).get(`${PLANS}/${planId}`).expect(200)).body.items;
    await as(t, u.cwR).post(`${PLANS}/${planId}/items/${only.id}/cancel`).send({ reason: 'moved to Bamako' }).expect(200);
    await as(t, u.mgrR1).post(`${PLANS}/${planId}/complete`).expect(200);
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${(await draft()).planId}/complete`), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${(await submitted()).planId}/complete`), 409, 'INVALID_TRANSITION');
  });

  it('items of another plan are 404; other organizations 404; analysts 403 (may never act)', async () => {
    const a = await approved();
    const b = await approved();
    const [bItem] = (await as(t, u.cwR).get(`${PLANS}/${b.planId}`).expect(200)).body.items;
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${a.planId}/items/${bItem.id}/deliver`).send({ deliveredOn: '2026-11-22', evidenceNote: 'x' }), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwX).post(`${PLANS}/${b.planId}/items/${bItem.id}/deliver`).send({ deliveredOn: '2026-11-22', evidenceNote: 'x' }), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwR1).post(`${PLANS}/${b.planId}/items/${bItem.id}/deliver`).send({ deliveredOn: '2026-11-22', evidenceNote: 'x' }), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.analystR).post(`${PLANS}/${b.planId}/items/${bItem.id}/deliver`).send({ deliveredOn: '2026-11-22', evidenceNote: 'x' }), 403, 'FORBIDDEN');
    expect(await t.db.row('SELECT status FROM reintegration_items WHERE id = $1', [bItem.id])).toEqual({ status: 'planned' });
  });
});

// ---- visits and scores ----------------------------------------------------------------------------

describe('monitoring visits: RSS answers scored with a versioned scheme', () => {
  it('a baseline on a draft: scores with the shipped scheme (official: false), missing answers listed, never zero', async () => {
    const { planId } = await draft();
    const res = await as(t, u.cwR)
      .post(`${PLANS}/${planId}/visits`)
      .send({ visitDate: '2026-11-20', visitType: 'baseline', visitedBy: 'Awa Coulibaly', answers: { economic_satisfaction: 'satisfied', currently_working: 'no', children_enrolled: 'not_applicable', able_to_stay: null } })
      .expect(201);
    expect(res.body.schemeId).toBe(demoSchemeId);
    expect(res.body.scores).toMatchObject({ schemeId: demoSchemeId, schemeName: 'rss-structure-demo', schemeVersion: 1, official: false });
    // economic: (0.75 + 0) / 2 = 0.375; social: only "not applicable" → null; psychosocial: nothing → null
    expect(res.body.scores.dimensions.economic).toMatchObject({ score: 0.375, answered: 2, complete: false });
    expect(res.body.scores.dimensions.economic.missing).toHaveLength(7);
    expect(res.body.scores.dimensions.social).toMatchObject({ score: null, answered: 0, notApplicable: ['children_enrolled'] });
    expect(res.body.scores.dimensions.psychosocial).toMatchObject({ score: null, answered: 0 });
    expect(res.body.scores.dimensions.psychosocial.missing).toContain('able_to_stay');
    expect(res.body.scores.composite).toMatchObject({ score: 0.375, complete: false });
    expect(res.body.answers).toEqual({ economic_satisfaction: 'satisfied', currently_working: 'no', children_enrolled: 'not_applicable' });
    expect(await t.db.row('SELECT economic_score, social_score, composite_score, scheme_id FROM reintegration_visits WHERE id = $1', [res.body.id])).toEqual({
      economic_score: '0.3750',
      social_score: null,
      composite_score: '0.3750',
      scheme_id: demoSchemeId,
    });
    expect(await auditActions(planId)).toContain('reintegration_visit.recorded');
  });

  it('unknown indicators, answers off the scale, future dates: 400 with errors, nothing stored', async () => {
    const { planId } = await draft();
    const send = (body: object) => as(t, u.cwR).post(`${PLANS}/${planId}/visits`).send({ visitDate: '2026-11-20', visitType: 'follow_up', visitedBy: 'Awa', answers: {}, ...body });
    expect(expectProblem(await send({ answers: { happiness: 'yes' } }), 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'answers.happiness', message: expect.stringMatching(/not an indicator/) }]);
    expect(expectProblem(await send({ answers: { currently_working: 'sometimes' } }), 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'answers.currently_working', message: expect.stringMatching(/must be one of yes, no/) }]);
    expectProblem(await send({ answers: { currently_working: 1 } }), 400, 'VALIDATION_FAILED');
    expectProblem(await send({ visitDate: '2026-11-24' }), 400, 'VALIDATION_FAILED');
    expectProblem(await send({ visitType: 'surprise' }), 400, 'VALIDATION_FAILED');
    expectProblem(await send({ schemeId: randomUUID() }), 400, 'VALIDATION_FAILED');
    expect(await t.db.row('SELECT count(*)::int AS n FROM reintegration_visits WHERE plan_id = $1', [planId])).toEqual({ n: 0 });
  });

  it('no visit on a rejected plan (409); other organizations 404; analysts 403', async () => {
    const { planId } = await submitted();
    const body = { visitDate: '2026-11-20', visitType: 'follow_up', visitedBy: 'Awa', answers: {} };
    expectProblem(await as(t, u.cwX).post(`${PLANS}/${planId}/visits`).send(body), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.analystR).post(`${PLANS}/${planId}/visits`).send(body), 403, 'FORBIDDEN');
    await as(t, u.mgrR2).post(`${PLANS}/${planId}/reject`).send({ reason: 'x' }).expect(200);
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/visits`).send(body), 409, 'INVALID_TRANSITION');
  });

  it('a newer scheme scores the next visits; old visits keep theirs; scores over time name each scheme', async () => {
    const { caseId, planId } = await approved();
    const answers = { economic_satisfaction: 'very_satisfied', access_to_housing: 'good', sense_of_belonging: 'agree' };
    const before = await as(t, u.cwR).post(`${PLANS}/${planId}/visits`).send({ visitDate: '2026-11-01', visitType: 'baseline', visitedBy: 'Awa', answers }).expect(201);
    const loaded = await as(t, u.adminR).post(SCHEMES).send(scheme({ name: `rss-weighted-${++seq}` })).expect(201);
    const after = await as(t, u.cwR).post(`${PLANS}/${planId}/visits`).send({ visitDate: '2026-11-21', visitType: 'follow_up', visitedBy: 'Awa', answers: { e1: 'high', s1: 'low', p1: 'yes' } }).expect(201);
    expect(after.body.schemeId).toBe(loaded.body.id);
    expect(after.body.scores).toMatchObject({ schemeId: loaded.body.id, official: false, composite: { score: 0.5 } });
    // The demo scheme can still be named explicitly.
    const explicit = await as(t, u.cwR).post(`${PLANS}/${planId}/visits`).send({ visitDate: '2026-11-22', visitType: 'follow_up', visitedBy: 'Awa', answers, schemeId: demoSchemeId }).expect(201);
    expect(explicit.body.scores.schemeId).toBe(demoSchemeId);
    const series = await as(t, u.cwR).get(`${CASES}/${caseId}/reintegration-scores`).expect(200);
    expect(series.body.items.map((v: { id: string; schemeId: string; visitDate: string }) => [v.id, v.schemeId, v.visitDate])).toEqual([
      [before.body.id, demoSchemeId, '2026-11-01'],
      [after.body.id, loaded.body.id, '2026-11-21'],
      [explicit.body.id, demoSchemeId, '2026-11-22'],
    ]);
    expect(series.body.items[0].scores).toEqual(before.body.scores);
    const listed = await as(t, u.cwR).get(`${PLANS}/${planId}/visits`).expect(200);
    expect(listed.body.items).toHaveLength(3);
    // Another organization's scheme is not usable here, and its staff see none of these.
    const theirs = await as(t, u.adminX).post(SCHEMES).send(scheme({ name: `x-scheme-${++seq}` })).expect(201);
    expectProblem(await as(t, u.cwR).post(`${PLANS}/${planId}/visits`).send({ visitDate: '2026-11-22', visitType: 'final', visitedBy: 'Awa', answers: {}, schemeId: theirs.body.id }), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, u.cwX).get(`${CASES}/${caseId}/reintegration-scores`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwX).get(`${PLANS}/${planId}/visits`), 404, 'NOT_FOUND');
  });
});

// ---- scoring schemes ------------------------------------------------------------------------------

/** A small valid scheme; `over` replaces top-level fields. */
function scheme(over: Record<string, unknown> = {}) {
  return {
    name: `test-scheme-${++seq}`,
    version: 1,
    source: 'Test weights, not IOM’s',
    official: false,
    scales: { q3: [{ code: 'low', label: 'Low' }, { code: 'mid', label: 'Mid' }, { code: 'high', label: 'High' }], yn: [{ code: 'yes', label: 'Yes' }, { code: 'no', label: 'No' }] },
    indicators: [
      { code: 'e1', dimension: 'economic', label: 'E1', scale: 'q3', scores: { low: 0, mid: 0.5, high: 1 }, weight: 1 },
      { code: 's1', dimension: 'social', label: 'S1', scale: 'q3', scores: { low: 0, mid: 0.5, high: 1 }, weight: 1 },
      { code: 'p1', dimension: 'psychosocial', label: 'P1', scale: 'yn', scores: { yes: 1, no: 0 }, weight: 2 },
    ],
    dimensionFormula: 'weighted_mean',
    composite: { formula: 'weighted_mean_of_dimensions', weights: { economic: 1, social: 2, psychosocial: 1 } },
    ...over,
  };
}

describe('scoring schemes: loaded whole and valid, versioned, never edited', () => {
  const count = async () => (await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM scoring_schemes'))!.n;

  it('an org admin loads one (201, audited); it is theirs: listed for their organization with the shipped one, 404 elsewhere', async () => {
    const res = await as(t, u.adminR).post(SCHEMES).send(scheme({ name: 'rss-loaded-here' })).expect(201);
    expect(res.body).toMatchObject({ name: 'rss-loaded-here', version: 1, official: false, organizationId: R.org.id, indicatorCount: 3, definition: { composite: { formula: 'weighted_mean_of_dimensions' } } });
    expect(await t.db.row(`SELECT action, details->>'name' AS name FROM audit_events WHERE entity_type = 'ScoringScheme' AND entity_id = $1`, [res.body.id])).toEqual({ action: 'scoring_scheme.loaded', name: 'rss-loaded-here' });
    const mine = (await as(t, u.cwR).get(SCHEMES).expect(200)).body.items.map((s: { id: string }) => s.id);
    expect(mine).toEqual(expect.arrayContaining([res.body.id, demoSchemeId]));
    const theirs = (await as(t, u.cwX).get(SCHEMES).expect(200)).body.items.map((s: { id: string }) => s.id);
    expect(theirs).toContain(demoSchemeId);
    expect(theirs).not.toContain(res.body.id);
    expectProblem(await as(t, u.cwX).get(`${SCHEMES}/${res.body.id}`), 404, 'NOT_FOUND');
    const demo = await as(t, u.analystR).get(`${SCHEMES}/${demoSchemeId}`).expect(200);
    expect(demo.body).toMatchObject({ name: 'rss-structure-demo', official: false, organizationId: null, indicatorCount: 27 });
    expect(demo.body.source).toMatch(/NOT IOM OFFICIAL WEIGHTS/);
  });

  it('weights that are not numbers, unknown answer codes: 400 with errors, nothing stored', async () => {
    const n = await count();
    const bad = scheme();
    (bad.indicators[0] as Record<string, unknown>).weight = 'heavy';
    bad.indicators[1].scores = { low: 0, mid: 0.5, high: 1, maybe: 0.2 } as typeof bad.indicators[1]['scores'];
    (bad.composite.weights as Record<string, unknown>).social = 'two';
    const res = expectProblem(await as(t, u.adminR).post(SCHEMES).send(bad), 400, 'VALIDATION_FAILED');
    expect(res.errors).toEqual(
      expect.arrayContaining([
        { field: 'indicators[0].weight', message: 'must be a number ≥ 0' },
        { field: 'indicators[1].scores.maybe', message: 'unknown answer code: not an answer of scale q3' },
        { field: 'composite.weights.social', message: 'must be a number ≥ 0' },
      ]),
    );
    expectProblem(await as(t, u.adminR).post(SCHEMES).send(scheme({ version: 1.5 })), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, u.adminR).post(SCHEMES).send(scheme({ indicators: [] })), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, u.adminR).post(SCHEMES).send({ ...scheme(), extra: 1 }), 400, 'VALIDATION_FAILED');
    expect(await count()).toBe(n);
  });

  it('a (name, version) already loaded — or shipped — is a 400 with errors; a new version loads', async () => {
    const body = scheme({ name: 'rss-versioned' });
    await as(t, u.adminR).post(SCHEMES).send(body).expect(201);
    const n = await count();
    expect(expectProblem(await as(t, u.adminR).post(SCHEMES).send(body), 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'version', message: expect.stringMatching(/already loaded/) }]);
    expectProblem(await as(t, u.adminR).post(SCHEMES).send(scheme({ name: 'rss-structure-demo' })), 400, 'VALIDATION_FAILED');
    expect(await count()).toBe(n);
    await as(t, u.adminR).post(SCHEMES).send({ ...body, version: 2 }).expect(201);
    // Another organization may use the same name for its own table.
    await as(t, u.adminX).post(SCHEMES).send(body).expect(201);
  });

  it('only org admins load (403), of organizations with the capability (403 CAPABILITY_REQUIRED)', async () => {
    const n = await count();
    for (const who of [u.cwR, u.mgrR1, u.analystR, u.auditorR]) expectProblem(await as(t, who).post(SCHEMES).send(scheme()), 403, 'FORBIDDEN');
    expectProblem(await as(t, u.adminN).post(SCHEMES).send(scheme()), 403, 'CAPABILITY_REQUIRED');
    expect(await count()).toBe(n);
  });

  it('the database refuses to edit or delete a scheme', async () => {
    await expect(t.db.row(`UPDATE scoring_schemes SET official = true WHERE id = $1`, [demoSchemeId])).rejects.toThrow(/never changed/);
    await expect(t.db.row(`DELETE FROM scoring_schemes WHERE id = $1`, [demoSchemeId])).rejects.toThrow(/never changed/);
  });
});

// ---- reads, lists, timeline -----------------------------------------------------------------------

describe('reads: who sees a plan, lists, the plan timeline', () => {
  it('GET by id and by case: audited reads; hidden from other organizations, other sites’ caseworkers, analysts and auditors', async () => {
    const { caseId, planId } = await draft();
    const got = await as(t, u.cwR).get(`${PLANS}/${planId}`).expect(200);
    expect(got.headers.etag).toBe(`"${got.body.version}"`);
    expect((await as(t, u.mgrR3).get(`${CASES}/${caseId}/reintegration-plan`).expect(200)).body.id).toBe(planId);
    expect(await t.db.row(`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'reintegration_plan.viewed'`, [planId])).toEqual({ n: 2 });
    for (const who of [u.cwX, u.mgrX, u.cwR1, u.analystR, u.auditorR, u.adminR]) {
      expectProblem(await as(t, who).get(`${PLANS}/${planId}`), 404, 'NOT_FOUND');
      expectProblem(await as(t, who).get(`${CASES}/${caseId}/reintegration-plan`), 404, 'NOT_FOUND');
    }
    // A case without a plan: 404 on its plan, an empty series of scores.
    const bare = await returnee();
    expectProblem(await as(t, u.cwR).get(`${CASES}/${bare}/reintegration-plan`), 404, 'NOT_FOUND');
    expect((await as(t, u.cwR).get(`${CASES}/${bare}/reintegration-scores`).expect(200)).body).toEqual({ items: [] });
    expectProblem(await as(t, u.cwX).get(`${CASES}/${bare}/reintegration-scores`), 404, 'NOT_FOUND');
  });

  it('GET /reintegration-plans by status and dates: only what the single read allows', async () => {
    const mine = await submitted();
    const elsewhere = await register(u.cwR1, R.sites[1].id);
    const other = (await as(t, u.cwR1).post(`${CASES}/${elsewhere}/reintegration-plan`).send({}).expect(201)).body.id;
    const list = async (who: TestUser, query: Record<string, string> = {}) => (await as(t, who).get(PLANS).query({ limit: '200', ...query }).expect(200)).body.items.map((p: { id: string }) => p.id);
    expect(await list(u.cwR)).toContain(mine.planId);
    expect(await list(u.cwR)).not.toContain(other);
    expect(await list(u.mgrR1)).toEqual(expect.arrayContaining([mine.planId, other]));
    expect(await list(u.cwX)).toEqual([]);
    expect(await list(u.mgrR1, { status: 'submitted' })).toContain(mine.planId);
    expect(await list(u.mgrR1, { status: 'submitted' })).not.toContain(other);
    expect(await list(u.mgrR1, { from: '2026-11-23', to: '2026-11-23' })).toContain(mine.planId);
    expect(await list(u.mgrR1, { from: '2026-11-24' })).toEqual([]);
    expectProblem(await as(t, u.analystR).get(PLANS), 403, 'FORBIDDEN');
    expectProblem(await as(t, u.mgrR1).get(PLANS).query({ status: 'pending' }), 400, 'VALIDATION_FAILED');
    const row = (await as(t, u.mgrR1).get(PLANS).query({ caseId: mine.caseId }).expect(200)).body.items[0];
    expect(row).toMatchObject({ id: mine.planId, caseNumber: expect.stringMatching(/-\d{6}$/), status: 'submitted' });
    expect(row.summary).toBeUndefined();
  });

  it('the plan timeline: every change in order, reads left out; the case timeline shows them too', async () => {
    const { caseId, planId } = await approved();
    await as(t, u.cwR).get(`${PLANS}/${planId}`).expect(200);
    const tl = await as(t, u.cwR).get(`${PLANS}/${planId}/timeline`).expect(200);
    expect(tl.body.items.map((e: { type: string }) => e.type)).toEqual(['reintegration_plan.created', 'reintegration_plan.item_added', 'reintegration_plan.submitted', 'reintegration_plan.approved']);
    expect(tl.body.items[2]).toMatchObject({ actorUserId: u.mgrR1.user.id, details: { caseId } });
    const caseTl = (await as(t, u.cwR).get(`${CASES}/${caseId}/timeline`).expect(200)).body.items.map((e: { type: string }) => e.type);
    expect(caseTl).toEqual(expect.arrayContaining(['reintegration_plan.submitted', 'reintegration_plan.approved']));
    expectProblem(await as(t, u.cwX).get(`${PLANS}/${planId}/timeline`), 404, 'NOT_FOUND');
  });
});
