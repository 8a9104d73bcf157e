// Issue 6, acceptance 2 (DESIGN §4): overdue referrals raise an alert to the sending caseworker
// and to the receiving organization's caseworkers and managers — exactly one per recipient, even
// when the job runs twice, twice at once, or through pg-boss across a worker restart. The clock
// is the only test double.
import type { Actor } from '@passerelle/common';
import { AlertsService, CasesService, ConsentsService, REFERRALS_OVERDUE_JOB, ReferralsService, systemActor, UsersService } from '@passerelle/core';
import { JobRunner } from '@passerelle/core/jobs';
import { FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { actorOf, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';
import { completedJobs, waitFor } from '../support/jobs.js';

const HOUR = 3_600_000;
const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
let t: TestApp;
let A: TestOrg;
let B: TestOrg;
let cwA: TestUser;
let cwA2: TestUser; // a colleague of the sender: not alerted
let cwB: TestUser;
let mgrB: TestUser;
let analystB: TestUser; // receives no case data: not alerted
let leftB: TestUser; // deactivated: not alerted
let sender: Actor;
let receiver: Actor;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { sites: [{}] });
  B = await makeOrg(t, { capabilities: ['health'], sites: [{}] });
  cwA = await makeUser(t, A, ['caseworker']);
  cwA2 = await makeUser(t, A, ['caseworker']);
  cwB = await makeUser(t, B, ['caseworker']);
  mgrB = await makeUser(t, B, ['manager']);
  analystB = await makeUser(t, B, ['analyst']);
  leftB = await makeUser(t, B, ['caseworker']);
  await t.app.get(UsersService).update(systemActor(), leftB.user.id, { active: false });
  sender = actorOf(A, cwA, ['caseworker']);
  receiver = actorOf(B, cwB, ['caseworker']);
});
afterAll(() => t?.close());

/** A pending referral from A to B created now (by the clock), with the given urgency. */
async function pendingReferral(urgency: 'emergency' | 'high' | 'normal' = 'emergency') {
  const c = await t.app.get(CasesService).register(sender, {
    siteId: A.sites[0].id,
    identity: { givenName: 'Ousmane', familyName: 'Sangaré', sex: 'male' },
    consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
  });
  await t.app.get(ConsentsService).record(sender, c.case.id, { purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [B.org.id] });
  return (await t.app.get(ReferralsService).create(sender, c.case.id, { toOrganizationId: B.org.id, serviceType: 'health', urgency, reason: 'fever' })).referral;
}

const recipientsOf = async (referralId: string) =>
  (await t.db.rows<{ recipient_user_id: string }>('SELECT recipient_user_id FROM alerts WHERE entity_id = $1 ORDER BY 1', [referralId])).map((r) => r.recipient_user_id);
const expected = () => [cwA.user.id, cwB.user.id, mgrB.user.id].sort();

describe('AlertsService.raiseOverdueReferrals with a controlled clock', () => {
  it('nothing before respondBy; at respondBy exactly one alert per recipient; a second run raises none', async () => {
    const r = await pendingReferral('emergency');
    const alerts = t.app.get(AlertsService);
    clock.advance(4 * HOUR - 1000);
    await alerts.raiseOverdueReferrals();
    expect(await recipientsOf(r.id)).toEqual([]);
    clock.advance(1000);
    await alerts.raiseOverdueReferrals();
    expect(await recipientsOf(r.id)).toEqual(expected());
    expect(await alerts.raiseOverdueReferrals()).toBe(0);
    expect(await recipientsOf(r.id)).toEqual(expected());
    // Not the sender's colleague, not the receiving analyst, not a deactivated user.
    for (const u of [cwA2, analystB, leftB]) expect(await recipientsOf(r.id)).not.toContain(u.user.id);
  });

  it('two runs at once (two workers, or a schedule firing twice) still raise each alert once', async () => {
    const r = await pendingReferral('high');
    clock.advance(25 * HOUR);
    const alerts = t.app.get(AlertsService);
    const counts = await Promise.all([alerts.raiseOverdueReferrals(), alerts.raiseOverdueReferrals(), alerts.raiseOverdueReferrals()]);
    expect(await recipientsOf(r.id)).toEqual(expected());
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
  });

  it('an answered or cancelled referral raises nothing, however late', async () => {
    const accepted = await pendingReferral('emergency');
    const cancelled = await pendingReferral('emergency');
    await t.app.get(ReferralsService).accept(receiver, accepted.id);
    await t.app.get(ReferralsService).cancel(sender, cancelled.id, 'left Gao');
    clock.advance(100 * HOUR);
    await t.app.get(AlertsService).raiseOverdueReferrals();
    expect(await recipientsOf(accepted.id)).toEqual([]);
    expect(await recipientsOf(cancelled.id)).toEqual([]);
  });
});

describe('the referrals.overdue job through pg-boss', () => {
  it('is scheduled every 5 minutes, runs on demand, and after a worker restart raises no duplicate', async () => {
    const r = await pendingReferral('normal');
    clock.advance(73 * HOUR);
    const runner = t.app.get(JobRunner);
    const completed = () => completedJobs(t.db, REFERRALS_OVERDUE_JOB);
    await runner.start();
    try {
      const schedules = await t.db.rows<{ name: string; cron: string }>('SELECT name, cron FROM pgboss.schedule WHERE name = $1', [REFERRALS_OVERDUE_JOB]);
      expect(schedules).toEqual([{ name: REFERRALS_OVERDUE_JOB, cron: '*/5 * * * *' }]);
      await runner.send(REFERRALS_OVERDUE_JOB);
      await waitFor(async () => (await recipientsOf(r.id)).length === 3);
      await waitFor(async () => (await completed()) >= 1);
      // The worker stops and starts again (a deploy, a crash): the schedule is still there, and
      // the job runs again without raising anything twice.
      await runner.stop();
      await runner.start();
      expect(await t.db.rows('SELECT name FROM pgboss.schedule WHERE name = $1', [REFERRALS_OVERDUE_JOB])).toHaveLength(1);
      const before = await completed();
      await runner.send(REFERRALS_OVERDUE_JOB);
      await waitFor(async () => (await completed()) > before);
      expect(await recipientsOf(r.id)).toEqual(expected());
    } finally {
      await runner.stop();
    }
  });
});
