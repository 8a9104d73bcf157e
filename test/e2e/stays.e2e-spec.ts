// Issue 7 (Shelter stays), DESIGN §5, API.md "Shelter stays": check-in by the shelter
// organization's staff for the cases they may act on (their own, or one referred to them for
// shelter and accepted — a pending referral shows the case and is not yet a yes), one active stay
// per case, capacity, check-out freeing a bed, the close hook, extensions with maker-checker,
// occupancy figures, lists, and bedCapacity never dropping below the occupants. The capacity
// race of acceptance 1 is in stays-capacity.e2e-spec.ts.
import { randomUUID } from 'node:crypto';
import { type Role, SitesService, systemActor } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const CASES = '/api/v1/cases';
const STAYS = '/api/v1/stays';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Only ever moved forward in this file: a check-out never precedes its check-in.
const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
let t: TestApp;
let A: TestOrg; // owns cases, refers them for shelter; no shelter of its own
let M: TestOrg; // the Maison du Migrant: shelter 0 (10 beds, 10 days by default), shelter 1 (2 beds, 7 days), a health post
let D: TestOrg; // another organization running a shelter, with no referral
const u = {} as Record<'cwA' | 'mgrA' | 'cwM' | 'cwM2' | 'mgrM' | 'mgrM2' | 'analystM' | 'auditorM' | 'adminM' | 'cwD' | 'mgrD', TestUser>;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { capabilities: ['information', 'profiling', 'health', 'return'], sites: [{}] });
  M = await makeOrg(t, {
    capabilities: ['shelter', 'health', 'legal'],
    sites: [
      { kind: 'shelter', services: ['shelter'], bedCapacity: 10 },
      { kind: 'shelter', services: ['shelter'], bedCapacity: 2, maxStayDays: 7 },
      { kind: 'health_facility', services: ['health'] },
    ],
  });
  D = await makeOrg(t, { capabilities: ['shelter'], sites: [{ kind: 'shelter', services: ['shelter'], bedCapacity: 5 }] });
  const user = (o: TestOrg, roles: Role[], siteIds?: string[]) => makeUser(t, o, roles, { siteIds });
  u.cwA = await user(A, ['caseworker']);
  u.mgrA = await user(A, ['manager']);
  u.cwM = await user(M, ['caseworker']);
  u.cwM2 = await user(M, ['caseworker']);
  u.mgrM = await user(M, ['manager']);
  u.mgrM2 = await user(M, ['manager']);
  u.analystM = await user(M, ['analyst']);
  u.auditorM = await user(M, ['auditor']);
  u.adminM = await user(M, ['org_admin']);
  u.cwD = await user(D, ['caseworker']);
  u.mgrD = await user(D, ['manager']);
});
afterAll(() => t?.close());

// ---- helpers ------------------------------------------------------------------------------------

let seq = 0;
/** A case registered by `by` at `siteId` (a site of their organization). */
async function register(by: TestUser, siteId: string): Promise<string> {
  const res = await as(t, by)
    .post(CASES)
    .send({
      siteId,
      identity: { givenName: 'Ibrahim', familyName: `Diallo ${++seq}`, sex: 'male', birthYear: 1996, nationality: 'GIN' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
  expect(res.status).toBe(201);
  return res.body.id;
}
/** A case of the Maison du Migrant itself. */
const ownCase = () => register(u.cwM, M.sites[0].id);

/** A case of A with a referral consent covering M, referred to M for `serviceType`, in `status`. */
async function referredCase(status: 'pending' | 'accepted' | 'completed' | 'declined', serviceType = 'shelter') {
  const caseId = await register(u.cwA, A.sites[0].id);
  const consent = await as(t, u.cwA).post(`${CASES}/${caseId}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [M.org.id] }).expect(201);
  const referral = await as(t, u.cwA).post(`${CASES}/${caseId}/referrals`).send({ toOrganizationId: M.org.id, serviceType, urgency: 'high', reason: 'needs a bed tonight' }).expect(201);
  const id = referral.body.id as string;
  if (status !== 'pending' && status !== 'declined') await as(t, u.cwM).post(`/api/v1/referrals/${id}/accept`).send({}).expect(200);
  if (status === 'completed') await as(t, u.cwM).post(`/api/v1/referrals/${id}/complete`).send({ outcome: 'housed elsewhere' }).expect(200);
  if (status === 'declined') await as(t, u.cwM).post(`/api/v1/referrals/${id}/decline`).send({ reason: 'no bed' }).expect(200);
  return { caseId, referralId: id, consentId: consent.body.id as string };
}

const checkIn = (who: TestUser, caseId: string, siteId: string = M.sites[0].id) => as(t, who).post(STAYS).send({ caseId, siteId });
async function stayOf(caseId: string, siteId: string = M.sites[0].id, who: TestUser = u.cwM) {
  const res = await checkIn(who, caseId, siteId);
  if (res.status !== 201) throw new Error(`check-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string; checkedInAt: string; expectedCheckOutAt: string; referralId: string | null; extensions: unknown[] };
}
const checkOut = (who: TestUser, id: string) => as(t, who).post(`${STAYS}/${id}/check-out`).send({});
const requestExtension = (who: TestUser, id: string, body: object = { days: 5, reason: 'awaiting return convoy' }) => as(t, who).post(`${STAYS}/${id}/extensions`).send(body);
const decide = (who: TestUser, id: string, extId: string, action: 'approve' | 'reject', body: object = {}) => as(t, who).post(`${STAYS}/${id}/extensions/${extId}/${action}`).send(body);

/** A shelter of M made for one test, so its beds are the test's own. */
async function shelter(bedCapacity: number, maxStayDays?: number) {
  return t.app.get(SitesService).create(systemActor(), M.org.id, { name: `Annex ${++seq}`, kind: 'shelter', bedCapacity, maxStayDays, services: ['shelter'], location: { region: 'Gao', cercle: 'Gao' } });
}

const count = async (sql: string, params: unknown[] = []) => (await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))!.n;
const activeStays = (caseId: string) => count(`stays WHERE case_id = $1 AND status = 'active'`, [caseId]);
const auditActions = async (stayId: string) => (await t.db.rows<{ action: string }>('SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY seq', [stayId])).map((r) => r.action);
const timelineTypes = async (who: TestUser, caseId: string) =>
  ((await as(t, who).get(`${CASES}/${caseId}/timeline?limit=200`).expect(200)).body.items as { type: string }[]).map((i) => i.type);

// ---- check-in -----------------------------------------------------------------------------------

describe('POST /stays (check-in)', () => {
  it('an own case at an own shelter → 201 active, expectedCheckOutAt = check-in + 10 days (the default), audited, on the case timeline', async () => {
    const caseId = await ownCase();
    const res = await checkIn(u.cwM, caseId);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'active',
      caseId,
      siteId: M.sites[0].id,
      organizationId: M.org.id,
      referralId: null,
      checkedInAt: clock.now().toISOString(),
      expectedCheckOutAt: new Date(clock.now().getTime() + 10 * DAY).toISOString(),
      checkedOutAt: null,
      overdue: false,
      createdBy: u.cwM.user.id,
      extensions: [],
    });
    expect(res.body.caseNumber).toMatch(new RegExp(`^${M.org.code}-\\d{4}-\\d{6}$`));
    const row = await t.db.row('SELECT status, owning_organization_id, case_id, created_by FROM stays WHERE id = $1', [res.body.id]);
    expect(row).toEqual({ status: 'active', owning_organization_id: M.org.id, case_id: caseId, created_by: u.cwM.user.id });
    const event = await t.db.row<{ details: { caseId: string }; organization_id: string }>(`SELECT details, organization_id FROM audit_events WHERE entity_id = $1 AND action = 'stay.checked_in'`, [res.body.id]);
    expect(event).toMatchObject({ details: { caseId }, organization_id: M.org.id });
    expect(await timelineTypes(u.cwM, caseId)).toContain('stay.checked_in');
  });

  it('a manager too; a shelter with maxStayDays 7 → expectedCheckOutAt = check-in + 7 days', async () => {
    const res = await checkIn(u.mgrM, await ownCase(), M.sites[1].id);
    expect(res.status).toBe(201);
    expect(res.body.expectedCheckOutAt).toBe(new Date(clock.now().getTime() + 7 * DAY).toISOString());
    await checkOut(u.mgrM, res.body.id).expect(200);
  });

  it('another organization’s case under an accepted shelter referral → 201 with the referral; the owner’s timeline shows it', async () => {
    const { caseId, referralId } = await referredCase('accepted');
    const stay = await stayOf(caseId);
    expect(stay.referralId).toBe(referralId);
    expect(await t.db.row('SELECT owning_organization_id, referral_id FROM stays WHERE id = $1', [stay.id])).toEqual({ owning_organization_id: M.org.id, referral_id: referralId });
    expect(await timelineTypes(u.cwA, caseId)).toContain('stay.checked_in');
    // The case's owner sees the migrant's case, not the shelter's stay record.
    expectProblem(await as(t, u.cwA).get(`${STAYS}/${stay.id}`), 404, 'NOT_FOUND');
  });

  it('a shelter referral only pending → 403 (the shared view shows the case, the referral is not a yes yet); consent withdrawn → 404', async () => {
    const { caseId, consentId } = await referredCase('pending');
    await as(t, u.cwM).get(`${CASES}/${caseId}`).expect(200);
    for (const who of [u.cwM, u.mgrM]) expectProblem(await checkIn(who, caseId), 403, 'FORBIDDEN');
    await as(t, u.cwA).post(`${CASES}/${caseId}/consents/${consentId}/withdraw`).send({ reason: 'changed their mind' }).expect(200);
    expectProblem(await checkIn(u.cwM, caseId), 404, 'NOT_FOUND');
    expect(await count('stays WHERE case_id = $1', [caseId])).toBe(0);
  });

  it('an accepted referral for another service → 403; an ended one (completed, declined) → 404; an organization with no referral → 404', async () => {
    const health = await referredCase('accepted', 'health');
    expectProblem(await checkIn(u.cwM, health.caseId), 403, 'FORBIDDEN');
    for (const status of ['completed', 'declined'] as const) {
      const ended = await referredCase(status);
      expectProblem(await checkIn(u.cwM, ended.caseId), 404, 'NOT_FOUND');
    }
    const accepted = await referredCase('accepted');
    expectProblem(await checkIn(u.cwD, accepted.caseId, D.sites[0].id), 404, 'NOT_FOUND');
    expectProblem(await checkIn(u.cwD, await ownCase(), D.sites[0].id), 404, 'NOT_FOUND');
    expect(await count('stays WHERE case_id = ANY($1)', [[health.caseId, accepted.caseId]])).toBe(0);
  });

  it('roles: the shelter org’s analysts, auditors and admins → 403; an organization without the shelter capability → 403; nothing written', async () => {
    const caseId = await ownCase();
    for (const who of [u.analystM, u.auditorM, u.adminM]) expectProblem(await checkIn(who, caseId), 403, 'FORBIDDEN');
    // A's own case, A's caseworker: A runs no shelter, whatever the site.
    const aCase = await register(u.cwA, A.sites[0].id);
    expectProblem(await checkIn(u.cwA, aCase, M.sites[0].id), 403, 'FORBIDDEN');
    expectProblem(await checkIn(u.mgrA, aCase, A.sites[0].id), 403, 'FORBIDDEN');
    expect(await count('stays WHERE case_id = ANY($1)', [[caseId, aCase]])).toBe(0);
  });

  it('the site: not a shelter, inactive or unknown → 400 on siteId; another organization’s shelter → 403', async () => {
    const caseId = await ownCase();
    const fields = async (siteId: string) => (expectProblem(await checkIn(u.cwM, caseId, siteId), 400, 'VALIDATION_FAILED').errors as { field: string }[]).map((e) => e.field);
    expect(await fields(M.sites[2].id)).toEqual(['siteId']);
    expect(await fields(randomUUID())).toEqual(['siteId']);
    const closed = await shelter(3);
    await as(t, u.adminM).patch(`/api/v1/sites/${closed.id}`).send({ active: false }).expect(200);
    expect(await fields(closed.id)).toEqual(['siteId']);
    expectProblem(await checkIn(u.cwM, caseId, D.sites[0].id), 403, 'FORBIDDEN');
    expect(await count('stays WHERE case_id = $1', [caseId])).toBe(0);
  });

  it('bad input → 400: malformed ids, missing or unknown fields', async () => {
    const caseId = await ownCase();
    for (const body of [{ caseId: 'x', siteId: M.sites[0].id }, { caseId }, { caseId, siteId: M.sites[0].id, status: 'checked_out' }, { caseId, siteId: M.sites[0].id, expectedCheckOutAt: '2027-01-01T00:00:00Z' }]) {
      expectProblem(await as(t, u.cwM).post(STAYS).send(body), 400, 'VALIDATION_FAILED');
    }
    expect(await count('stays WHERE case_id = $1', [caseId])).toBe(0);
  });

  it('one active stay per case, anywhere → 409 ACTIVE_STAY_EXISTS (same shelter, another shelter, another organization’s); after check-out, a new stay', async () => {
    const { caseId } = await referredCase('accepted');
    // D too gets an accepted shelter referral for the same migrant.
    await as(t, u.cwA).post(`${CASES}/${caseId}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [D.org.id] }).expect(201);
    const toD = await as(t, u.cwA).post(`${CASES}/${caseId}/referrals`).send({ toOrganizationId: D.org.id, serviceType: 'shelter', urgency: 'high', reason: 'second option' }).expect(201);
    await as(t, u.cwD).post(`/api/v1/referrals/${toD.body.id}/accept`).send({}).expect(200);
    const first = await stayOf(caseId);
    expectProblem(await checkIn(u.cwM, caseId), 409, 'ACTIVE_STAY_EXISTS');
    expectProblem(await checkIn(u.mgrM, caseId, M.sites[1].id), 409, 'ACTIVE_STAY_EXISTS');
    expectProblem(await checkIn(u.cwD, caseId, D.sites[0].id), 409, 'ACTIVE_STAY_EXISTS');
    expect(await activeStays(caseId)).toBe(1);
    await checkOut(u.cwM, first.id).expect(200);
    const second = await stayOf(caseId, D.sites[0].id, u.cwD);
    expect(second.id).not.toBe(first.id);
    expect(await count('stays WHERE case_id = $1', [caseId])).toBe(2);
    await checkOut(u.cwD, second.id).expect(200);
  });

  it('the same migrant checked in at two shelters at once: one 201, one 409 ACTIVE_STAY_EXISTS (10 rounds)', async () => {
    const [s1, s2] = [await shelter(20), await shelter(20)];
    for (let round = 0; round < 10; round++) {
      const caseId = await ownCase();
      const answers = await Promise.all([checkIn(u.cwM, caseId, s1.id), checkIn(u.cwM2, caseId, s2.id)]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
      expectProblem(answers.find((r) => r.status === 409)!, 409, 'ACTIVE_STAY_EXISTS');
      expect(await activeStays(caseId)).toBe(1);
    }
  });

  it('a closed case → 409 CONFLICT', async () => {
    const caseId = await ownCase();
    await as(t, u.mgrM).post(`${CASES}/${caseId}/close`).send({ reason: 'continued_journey' }).expect(200);
    expectProblem(await checkIn(u.cwM, caseId), 409, 'CONFLICT');
  });

  it('a full shelter → 409 SHELTER_FULL (problem+json naming the shelter); a check-out frees the bed', async () => {
    const small = await shelter(2);
    const stays = [await stayOf(await ownCase(), small.id), await stayOf(await ownCase(), small.id)];
    const waiting = await ownCase();
    const full = expectProblem(await checkIn(u.cwM, waiting, small.id), 409, 'SHELTER_FULL');
    expect(full).toMatchObject({ type: 'https://passerelle.example/problems/shelter-full', title: 'Shelter full', detail: `${small.name} has no free bed` });
    expect(await count(`stays WHERE site_id = $1 AND status = 'active'`, [small.id])).toBe(2);
    await checkOut(u.cwM, stays[0].id).expect(200);
    await stayOf(waiting, small.id);
    expect(await count(`stays WHERE site_id = $1 AND status = 'active'`, [small.id])).toBe(2);
  });

  it('Idempotency-Key: a retried check-in answers the first stay, with no second check-in', async () => {
    const caseId = await ownCase();
    const key = `stay-${randomUUID()}`;
    const first = await checkIn(u.cwM, caseId).set('idempotency-key', key);
    const retry = await checkIn(u.cwM, caseId).set('idempotency-key', key);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body.id).toBe(first.body.id);
    expect(await count('stays WHERE case_id = $1', [caseId])).toBe(1);
  });
});

// ---- check-out and the close hook ------------------------------------------------------------------

describe('POST /stays/{id}/check-out', () => {
  it('200 checked_out with who and when; again → 409 INVALID_TRANSITION; audited on the case timeline', async () => {
    const caseId = await ownCase();
    const stay = await stayOf(caseId);
    clock.advance(3 * DAY);
    const res = await checkOut(u.cwM2, stay.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: stay.id, status: 'checked_out', checkedOutAt: clock.now().toISOString(), checkedOutBy: u.cwM2.user.id, overdue: false });
    expectProblem(await checkOut(u.cwM, stay.id), 409, 'INVALID_TRANSITION');
    expect(await auditActions(stay.id)).toEqual(['stay.checked_in', 'stay.checked_out']);
    expect(await timelineTypes(u.cwM, caseId)).toEqual(expect.arrayContaining(['stay.checked_in', 'stay.checked_out']));
  });

  it('who: the shelter org’s caseworkers and managers; another organization → 404; roles without stays → 403; the stay unchanged', async () => {
    const { caseId } = await referredCase('accepted');
    const stay = await stayOf(caseId);
    for (const who of [u.cwD, u.mgrD]) expectProblem(await checkOut(who, stay.id), 404, 'NOT_FOUND');
    // The case's owner runs no shelter; the shelter org's other roles have no stays at all.
    for (const who of [u.cwA, u.mgrA, u.analystM, u.auditorM, u.adminM]) expectProblem(await checkOut(who, stay.id), 403, 'FORBIDDEN');
    expectProblem(await checkOut(u.cwM, randomUUID()), 404, 'NOT_FOUND');
    expect(await t.db.row('SELECT status FROM stays WHERE id = $1', [stay.id])).toEqual({ status: 'active' });
    await checkOut(u.mgrM, stay.id).expect(200);
  });

  it('DESIGN §3: a case with an active stay cannot be closed (409 CASE_NOT_CLOSABLE), by its own organization or the referring one; after check-out it can', async () => {
    const own = await ownCase();
    const ownStay = await stayOf(own);
    const closing = expectProblem(await as(t, u.mgrM).post(`${CASES}/${own}/close`).send({ reason: 'continued_journey' }), 409, 'CASE_NOT_CLOSABLE');
    expect(closing.blockers).toEqual([expect.stringContaining('active shelter stay')]);
    const { caseId, referralId } = await referredCase('accepted');
    const referredStay = await stayOf(caseId);
    expectProblem(await as(t, u.mgrA).post(`${CASES}/${caseId}/close`).send({ reason: 'continued_journey' }), 409, 'CASE_NOT_CLOSABLE');
    expect(await t.db.rows('SELECT status FROM cases WHERE id = ANY($1)', [[own, caseId]])).toEqual([{ status: 'open' }, { status: 'open' }]);
    await checkOut(u.cwM, ownStay.id).expect(200);
    await checkOut(u.cwM, referredStay.id).expect(200);
    await as(t, u.mgrM).post(`${CASES}/${own}/close`).send({ reason: 'continued_journey' }).expect(200);
    // The shelter referral is still accepted: the shelter completes it, then the case closes.
    const stillReferred = expectProblem(await as(t, u.mgrA).post(`${CASES}/${caseId}/close`).send({ reason: 'continued_journey' }), 409, 'CASE_NOT_CLOSABLE');
    expect(stillReferred.blockers).toEqual([expect.stringContaining('referral is still pending or accepted')]);
    await as(t, u.cwM).post(`/api/v1/referrals/${referralId}/complete`).send({ outcome: 'housed 10 days' }).expect(200);
    await as(t, u.mgrA).post(`${CASES}/${caseId}/close`).send({ reason: 'continued_journey' }).expect(200);
  });

  it('a check-in and a close of the same case at once: never a closed case with an active stay (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const caseId = await ownCase();
      const [stay, close] = await Promise.all([checkIn(u.cwM, caseId), as(t, u.mgrM).post(`${CASES}/${caseId}/close`).send({ reason: 'continued_journey' })]);
      const row = await t.db.row<{ status: string }>('SELECT status FROM cases WHERE id = $1', [caseId]);
      // One order or the other: a stay on an open case (close refused), or a closed case (check-in refused).
      if (stay.status === 201) {
        expectProblem(close, 409, 'CASE_NOT_CLOSABLE');
        expect(row!.status).toBe('open');
        await checkOut(u.cwM, stay.body.id).expect(200);
      } else {
        expectProblem(stay, 409, 'CONFLICT');
        expect(close.status).toBe(200);
        expect(row!.status).toBe('closed');
        expect(await activeStays(caseId)).toBe(0);
      }
    }
  });
});

// ---- extensions ---------------------------------------------------------------------------------------

describe('extensions (DESIGN §5: the shelter’s staff ask, a manager who did not ask decides)', () => {
  it('request → 201 pending; bad days or no reason → 400; a second pending request → 409; audited', async () => {
    const stay = await stayOf(await ownCase());
    for (const body of [{ days: 0, reason: 'x' }, { days: 31, reason: 'x' }, { days: 2.5, reason: 'x' }, { days: true, reason: 'x' }, { days: 5 }, { days: 5, reason: '' }, { days: 5, reason: 'x', status: 'approved' }]) {
      expectProblem(await requestExtension(u.cwM, stay.id, body), 400, 'VALIDATION_FAILED');
    }
    const res = await requestExtension(u.cwM, stay.id, { days: 30, reason: 'awaiting return convoy' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stayId: stay.id, days: 30, reason: 'awaiting return convoy', status: 'pending', requestedBy: u.cwM.user.id, decidedAt: null, decidedBy: null });
    expectProblem(await requestExtension(u.cwM2, stay.id), 409, 'CONFLICT');
    expect(await count('stay_extensions WHERE stay_id = $1', [stay.id])).toBe(1);
    expect(await auditActions(stay.id)).toEqual(['stay.checked_in', 'stay.extension_requested']);
  });

  it('who may request: the shelter org’s caseworkers and managers; another organization → 404; other roles → 403', async () => {
    const stay = await stayOf(await ownCase());
    for (const who of [u.cwD, u.mgrD]) expectProblem(await requestExtension(who, stay.id), 404, 'NOT_FOUND');
    for (const who of [u.analystM, u.auditorM, u.adminM, u.cwA]) expectProblem(await requestExtension(who, stay.id), 403, 'FORBIDDEN');
    expect(await count('stay_extensions WHERE stay_id = $1', [stay.id])).toBe(0);
    await requestExtension(u.mgrM, stay.id).expect(201);
  });

  it('maker-checker: a caseworker may not decide (403); the requesting manager may not (403 SELF_APPROVAL_FORBIDDEN); another manager approves → 200 and expectedCheckOutAt moves by the days', async () => {
    const stay = await stayOf(await ownCase());
    const ext = (await requestExtension(u.mgrM, stay.id, { days: 5, reason: 'awaiting return convoy' }).expect(201)).body;
    for (const action of ['approve', 'reject'] as const) {
      expectProblem(await decide(u.cwM2, stay.id, ext.id, action), 403, 'FORBIDDEN');
      expectProblem(await decide(u.mgrM, stay.id, ext.id, action), 403, 'SELF_APPROVAL_FORBIDDEN');
      for (const who of [u.mgrD, u.cwD]) expect((await decide(who, stay.id, ext.id, action)).status).toBe(who === u.mgrD ? 404 : 403);
    }
    expect(await t.db.row('SELECT status FROM stay_extensions WHERE id = $1', [ext.id])).toEqual({ status: 'pending' });
    expect(await t.db.row('SELECT expected_check_out_at FROM stays WHERE id = $1', [stay.id])).toEqual({ expected_check_out_at: new Date(stay.expectedCheckOutAt) });
    const res = await decide(u.mgrM2, stay.id, ext.id, 'approve');
    expect(res.status).toBe(200);
    const moved = new Date(new Date(stay.expectedCheckOutAt).getTime() + 5 * DAY).toISOString();
    expect(res.body).toMatchObject({ id: ext.id, status: 'approved', decidedBy: u.mgrM2.user.id, stay: { id: stay.id, expectedCheckOutAt: moved } });
    expect(res.body.stay.extensions).toEqual([expect.objectContaining({ id: ext.id, status: 'approved' })]);
    expect(await t.db.row('SELECT expected_check_out_at FROM stays WHERE id = $1', [stay.id])).toEqual({ expected_check_out_at: new Date(moved) });
    const event = await t.db.row<{ changes: Record<string, { old: string; new: string }>; actor_user_id: string }>(
      `SELECT changes, actor_user_id FROM audit_events WHERE entity_id = $1 AND action = 'stay.extension_approved'`,
      [stay.id],
    );
    expect(event).toEqual({ actor_user_id: u.mgrM2.user.id, changes: { expectedCheckOutAt: { old: stay.expectedCheckOutAt, new: moved } } });
    // Decided once: approving or rejecting again → 409, nothing moves twice.
    for (const action of ['approve', 'reject'] as const) expectProblem(await decide(u.mgrM2, stay.id, ext.id, action), 409, 'INVALID_TRANSITION');
    expect((await as(t, u.cwM).get(`${STAYS}/${stay.id}`).expect(200)).body.expectedCheckOutAt).toBe(moved);
  });

  it('the database refuses a decision by the requester too (the check behind SELF_APPROVAL_FORBIDDEN)', async () => {
    const stay = await stayOf(await ownCase());
    const ext = (await requestExtension(u.mgrM, stay.id).expect(201)).body;
    await expect(t.db.rows(`UPDATE stay_extensions SET status = 'approved', decided_at = now(), decided_by = requested_by WHERE id = $1`, [ext.id])).rejects.toThrow(/stay_extensions_maker_checker_check/);
  });

  it('reject: expectedCheckOutAt unchanged, the reason kept; a new request may follow and be approved', async () => {
    const stay = await stayOf(await ownCase());
    const ext = (await requestExtension(u.cwM, stay.id, { days: 10, reason: 'waiting for a laissez-passer' }).expect(201)).body;
    const res = await decide(u.mgrM, stay.id, ext.id, 'reject', { reason: 'a family arrives tomorrow' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', decisionReason: 'a family arrives tomorrow', stay: { expectedCheckOutAt: stay.expectedCheckOutAt } });
    expectProblem(await decide(u.mgrM, stay.id, ext.id, 'reject', { reason: '' }), 400, 'VALIDATION_FAILED');
    clock.advance(HOUR);
    const again = (await requestExtension(u.cwM, stay.id, { days: 2, reason: 'the convoy leaves in two days' }).expect(201)).body;
    await decide(u.mgrM, stay.id, again.id, 'approve').expect(200);
    // The reason of a rejection is optional: no body at all is a rejection without one.
    clock.advance(HOUR);
    const third = (await requestExtension(u.cwM, stay.id, { days: 1, reason: 'one more night' }).expect(201)).body;
    const bare = await as(t, u.mgrM).post(`${STAYS}/${stay.id}/extensions/${third.id}/reject`);
    expect([bare.status, bare.body.status, bare.body.decisionReason]).toEqual([200, 'rejected', null]);
    const list = (await as(t, u.cwM2).get(`${STAYS}/${stay.id}/extensions`).expect(200)).body;
    expect(list.items.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([
      [ext.id, 'rejected'],
      [again.id, 'approved'],
      [third.id, 'rejected'],
    ]);
    expect(await auditActions(stay.id)).toEqual([
      'stay.checked_in',
      'stay.extension_requested',
      'stay.extension_rejected',
      'stay.extension_requested',
      'stay.extension_approved',
      'stay.extension_requested',
      'stay.extension_rejected',
    ]);
  });

  it('a request of another stay, or unknown, in the path → 404; a checked-out stay takes no request → 409; check-out cancels a pending one', async () => {
    const [one, two] = [await stayOf(await ownCase()), await stayOf(await ownCase())];
    const ext = (await requestExtension(u.cwM, one.id).expect(201)).body;
    expectProblem(await decide(u.mgrM, two.id, ext.id, 'approve'), 404, 'NOT_FOUND');
    expectProblem(await decide(u.mgrM, one.id, randomUUID(), 'approve'), 404, 'NOT_FOUND');
    const out = await checkOut(u.cwM, one.id);
    expect(out.body.extensions).toEqual([expect.objectContaining({ id: ext.id, status: 'cancelled', decidedBy: null })]);
    expectProblem(await decide(u.mgrM, one.id, ext.id, 'approve'), 409, 'INVALID_TRANSITION');
    expectProblem(await requestExtension(u.cwM, one.id), 409, 'INVALID_TRANSITION');
    expect(await t.db.row('SELECT expected_check_out_at FROM stays WHERE id = $1', [one.id])).toEqual({ expected_check_out_at: new Date(one.expectedCheckOutAt) });
    await checkOut(u.cwM, two.id).expect(200);
  });

  it('an approval racing a check-out: never an approved extension on a stay checked out before it (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const stay = await stayOf(await ownCase());
      const ext = (await requestExtension(u.cwM, stay.id).expect(201)).body;
      const [approve, out] = await Promise.all([decide(u.mgrM, stay.id, ext.id, 'approve'), checkOut(u.cwM2, stay.id)]);
      expect(out.status).toBe(200);
      const x = await t.db.row<{ status: string }>('SELECT status FROM stay_extensions WHERE id = $1', [ext.id]);
      if (approve.status === 200) expect(x!.status).toBe('approved');
      else {
        expectProblem(approve, 409, 'INVALID_TRANSITION');
        expect(x!.status).toBe('cancelled');
      }
    }
  });
});

// ---- reads ---------------------------------------------------------------------------------------------

describe('GET /stays, GET /stays/{id}, GET /sites/{id}/occupancy', () => {
  it('occupancy: capacity, occupied, free, stays ending within 24 h and overdue ones, moving with the clock', async () => {
    const site = await shelter(4, 3);
    const first = await stayOf(await ownCase(), site.id);
    clock.advance(1 * DAY);
    const second = await stayOf(await ownCase(), site.id);
    const third = await stayOf(await ownCase(), site.id);
    await checkOut(u.cwM, third.id).expect(200);
    const occupancy = async () => (await as(t, u.cwM).get(`/api/v1/sites/${site.id}/occupancy`).expect(200)).body;
    const ids = (items: { id: string }[]) => items.map((i) => i.id);

    let o = await occupancy();
    expect(o).toMatchObject({ siteId: site.id, at: clock.now().toISOString(), capacity: 4, occupied: 2, free: 2, endingWithin24h: [], overdue: [] });
    // first ends at day 3, second at day 4 (counted from first's check-in).
    clock.advance(1 * DAY + HOUR);
    o = await occupancy();
    expect(ids(o.endingWithin24h)).toEqual([first.id]);
    expect(o.endingWithin24h[0]).toEqual({ id: first.id, caseId: expect.any(String), caseNumber: expect.stringMatching(/^T-/), checkedInAt: first.checkedInAt, expectedCheckOutAt: first.expectedCheckOutAt });
    expect(o.overdue).toEqual([]);
    clock.advance(1 * DAY);
    o = await occupancy();
    expect([ids(o.endingWithin24h), ids(o.overdue)]).toEqual([[second.id], [first.id]]);
    expect((await as(t, u.cwM).get(`${STAYS}/${first.id}`).expect(200)).body.overdue).toBe(true);
    // An approved extension takes the stay out of "overdue".
    const ext = (await requestExtension(u.cwM, first.id, { days: 5, reason: 'awaiting return convoy' }).expect(201)).body;
    await decide(u.mgrM, first.id, ext.id, 'approve').expect(200);
    clock.advance(2 * DAY);
    o = await occupancy();
    expect([o.occupied, o.free, ids(o.endingWithin24h), ids(o.overdue)]).toEqual([2, 2, [], [second.id]]);
    await checkOut(u.cwM, second.id).expect(200);
    o = await occupancy();
    expect([o.occupied, o.free, o.overdue]).toEqual([1, 3, []]);
    await checkOut(u.cwM, first.id).expect(200);
  });

  it('occupancy: the shelter org’s caseworkers and managers only (another organization → 403); a site without beds, or unknown → 404', async () => {
    const site = M.sites[0].id;
    await as(t, u.mgrM).get(`/api/v1/sites/${site}/occupancy`).expect(200);
    for (const who of [u.cwD, u.mgrD, u.cwA, u.analystM, u.auditorM, u.adminM]) expectProblem(await as(t, who).get(`/api/v1/sites/${site}/occupancy`), 403, 'FORBIDDEN');
    expectProblem(await as(t, u.cwM).get(`/api/v1/sites/${M.sites[2].id}/occupancy`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwM).get(`/api/v1/sites/${randomUUID()}/occupancy`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwM).get('/api/v1/sites/not-a-uuid/occupancy'), 400, 'VALIDATION_FAILED');
  });

  it('GET /stays by shelter, status and case, cursor-paginated, only the organization’s own; GET /stays/{id} 404 elsewhere', async () => {
    const site = await shelter(10);
    const caseIds = [await ownCase(), await ownCase(), await ownCase()];
    const stays: Awaited<ReturnType<typeof stayOf>>[] = [];
    for (const caseId of caseIds) {
      stays.push(await stayOf(caseId, site.id));
      clock.advance(60_000);
    }
    await checkOut(u.cwM, stays[0].id).expect(200);
    const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);
    const all = (await as(t, u.cwM).get(`${STAYS}?siteId=${site.id}`).expect(200)).body;
    expect(ids(all)).toEqual([stays[2].id, stays[1].id, stays[0].id]);
    expect(ids((await as(t, u.mgrM).get(`${STAYS}?siteId=${site.id}&status=active`).expect(200)).body)).toEqual([stays[2].id, stays[1].id]);
    expect(ids((await as(t, u.mgrM).get(`${STAYS}?siteId=${site.id}&status=checked_out`).expect(200)).body)).toEqual([stays[0].id]);
    expect(ids((await as(t, u.mgrM).get(`${STAYS}?caseId=${caseIds[1]}`).expect(200)).body)).toEqual([stays[1].id]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await as(t, u.cwM).get(`${STAYS}?siteId=${site.id}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200)).body;
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids(all));
    // D runs a shelter too: its list holds none of M's stays, and M's stays are 404 to it.
    expect(ids((await as(t, u.cwD).get(`${STAYS}?limit=200`).expect(200)).body).filter((id) => stays.some((s) => s.id === id))).toEqual([]);
    expect((await as(t, u.cwD).get(`${STAYS}?siteId=${site.id}`).expect(200)).body.items).toEqual([]);
    expectProblem(await as(t, u.cwD).get(`${STAYS}/${stays[1].id}`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwD).get(`${STAYS}/${stays[1].id}/extensions`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.analystM).get(STAYS), 403, 'FORBIDDEN');
    expectProblem(await as(t, u.analystM).get(`${STAYS}/${stays[1].id}`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwM).get(`${STAYS}?status=gone`), 400, 'VALIDATION_FAILED');
    for (const s of stays.slice(1)) await checkOut(u.cwM, s.id).expect(200);
  });
});

// ---- the site's beds -----------------------------------------------------------------------------------

describe('PATCH /sites/{id}: never fewer beds than migrants staying (issue 7)', () => {
  it('bedCapacity below the occupants → 409, unchanged; down to exactly the occupants → 200; deactivating or turning it into an office while occupied → 409', async () => {
    const site = await shelter(5);
    const stays = [await stayOf(await ownCase(), site.id), await stayOf(await ownCase(), site.id)];
    const patch = (body: object) => as(t, u.adminM).patch(`/api/v1/sites/${site.id}`).send(body);
    const refused = expectProblem(await patch({ bedCapacity: 1 }), 409, 'CONFLICT');
    expect(refused).toMatchObject({ occupied: 2 });
    for (const body of [{ bedCapacity: 0 }, { active: false }, { kind: 'office' }]) expectProblem(await patch(body), 409, 'CONFLICT');
    expect(await t.db.row('SELECT bed_capacity, active, kind FROM sites WHERE id = $1', [site.id])).toEqual({ bed_capacity: 5, active: true, kind: 'shelter' });
    expect((await patch({ bedCapacity: 2 })).body.bedCapacity).toBe(2);
    expectProblem(await checkIn(u.cwM, await ownCase(), site.id), 409, 'SHELTER_FULL');
    for (const s of stays) await checkOut(u.cwM, s.id).expect(200);
    expect((await patch({ bedCapacity: 0 })).status).toBe(200);
    expect((await patch({ active: false })).status).toBe(200);
  });

  it('a capacity cut racing check-ins: the shelter never holds more stays than its beds (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const site = await shelter(6);
      await stayOf(await ownCase(), site.id);
      const cases = await Promise.all(Array.from({ length: 5 }, () => ownCase()));
      const [cut, ...checkIns] = await Promise.all([as(t, u.adminM).patch(`/api/v1/sites/${site.id}`).send({ bedCapacity: 3 }), ...cases.map((c) => checkIn(u.cwM, c, site.id))]);
      const { bed_capacity: beds } = (await t.db.row<{ bed_capacity: number }>('SELECT bed_capacity FROM sites WHERE id = $1', [site.id]))!;
      const active = await count(`stays WHERE site_id = $1 AND status = 'active'`, [site.id]);
      expect(active).toBeLessThanOrEqual(beds);
      expect(active).toBe(1 + checkIns.filter((r) => r.status === 201).length);
      expect(beds).toBe(cut.status === 200 ? 3 : 6);
      for (const r of checkIns.filter((x) => x.status !== 201)) expect(r.body.code).toBe('SHELTER_FULL');
    }
  });
});
