// Issue 7, acceptance 3 (DESIGN §5): stays ending within 24 h ("tomorrow") and overdue stays
// alert the shelter organization's managers and the caseworkers working at that shelter —
// exactly once per recipient and end date, whether the job runs twice, three times at once, or
// through pg-boss; an approved extension re-arms both alerts for the new date. The clock is the
// only test double, and it only moves forward.
import type { Actor } from '@passerelle/common';
import { CasesService, STAYS_ALERTS_JOB, StaysAlertsJob, StaysService, systemActor, UsersService } from '@passerelle/core';
import { JobRunner } from '@passerelle/core/jobs';
import { FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { actorOf, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';
import { completedJobs, waitFor } from '../support/jobs.js';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
let t: TestApp;
let M: TestOrg; // shelters 0 and 1 (10 days), an office
let D: TestOrg; // another shelter organization
let cw0: TestUser; // works at shelter 0
let cw1: TestUser; // works at shelter 1 only: not alerted for shelter 0
let mgr: TestUser;
let analyst: TestUser;
let gone: TestUser; // a deactivated caseworker of shelter 0
let mgrD: TestUser;
let staff: Actor;
let checker: Actor;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  const shelter = { kind: 'shelter' as const, services: ['shelter' as const], bedCapacity: 10 };
  M = await makeOrg(t, { capabilities: ['shelter'], sites: [shelter, shelter, {}] });
  D = await makeOrg(t, { capabilities: ['shelter'], sites: [shelter] });
  cw0 = await makeUser(t, M, ['caseworker'], { siteIds: [M.sites[0].id, M.sites[2].id] });
  cw1 = await makeUser(t, M, ['caseworker'], { siteIds: [M.sites[1].id] });
  mgr = await makeUser(t, M, ['manager'], { siteIds: [] });
  analyst = await makeUser(t, M, ['analyst']);
  gone = await makeUser(t, M, ['caseworker'], { siteIds: [M.sites[0].id] });
  await t.app.get(UsersService).update(systemActor(), gone.user.id, { active: false });
  mgrD = await makeUser(t, D, ['manager']);
  staff = actorOf(M, cw0, ['caseworker']);
  const mgr2 = await makeUser(t, M, ['manager'], { siteIds: [] });
  checker = actorOf(M, mgr2, ['manager']);
});
afterAll(() => t?.close());

/** An active stay at shelter 0, checked in now (by the clock): expected check-out in 10 days. */
async function stayNow() {
  const c = await t.app.get(CasesService).register(staff, {
    siteId: M.sites[0].id,
    identity: { givenName: 'Awa', familyName: 'Maïga', sex: 'female' },
    consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
  });
  return (await t.app.get(StaysService).checkIn(staff, { caseId: c.case.id, siteId: M.sites[0].id })).stay;
}

const alertsOf = (stayId: string, type: string) =>
  t.db.rows<{ recipient_user_id: string; message: string }>('SELECT recipient_user_id, message FROM alerts WHERE entity_id = $1 AND type = $2 ORDER BY recipient_user_id', [stayId, type]);
const recipientsOf = async (stayId: string, type: string) => (await alertsOf(stayId, type)).map((a) => a.recipient_user_id);
/** The managers (two) and the caseworker of shelter 0. */
const expected = () => [cw0.user.id, mgr.user.id, checker.userId!].sort();
const job = () => t.app.get(StaysAlertsJob);

describe('StaysAlertsJob with a controlled clock', () => {
  it('nothing until 24 h before the expected check-out; then one stay_ending alert per recipient; a second run raises none', async () => {
    const stay = await stayNow();
    clock.advance(9 * DAY - SECOND);
    expect(await job().run()).toEqual({ stay_ending: 0, stay_overdue: 0 });
    clock.advance(SECOND);
    await job().run();
    expect(await recipientsOf(stay.id, 'stay_ending')).toEqual(expected());
    expect(await job().run()).toEqual({ stay_ending: 0, stay_overdue: 0 });
    expect(await recipientsOf(stay.id, 'stay_ending')).toEqual(expected());
    expect(await recipientsOf(stay.id, 'stay_overdue')).toEqual([]);
    // Not the caseworker of another shelter, not an analyst, not a deactivated user, not another organization.
    for (const u of [cw1, analyst, gone, mgrD]) expect(await recipientsOf(stay.id, 'stay_ending')).not.toContain(u.user.id);
    // The message names the case number, the shelter and the date, never the migrant.
    const [alert] = await alertsOf(stay.id, 'stay_ending');
    expect(alert.message).toBe(`Stay ${stay.id} of case ${stay.caseNumber} at ${M.sites[0].name} ends on 2026-12-03 ${clock.now().toISOString().slice(11, 16)} UTC: check the migrant out or request an extension`);
    expect(alert.message).not.toMatch(/Awa|Maïga/);
  });

  it('past the expected check-out: one stay_overdue alert per recipient, even from three runs at once', async () => {
    const stay = await stayNow();
    clock.advance(10 * DAY);
    expect(await recipientsOf(stay.id, 'stay_overdue')).toEqual([]);
    clock.advance(SECOND);
    const runs = await Promise.all([job().run(), job().run(), job().run()]);
    expect(await recipientsOf(stay.id, 'stay_overdue')).toEqual(expected());
    expect(runs.reduce((n, r) => n + r.stay_overdue, 0)).toBeGreaterThanOrEqual(3);
    // Overdue, it is no longer "ending": the job never raised that alert for it.
    expect(await recipientsOf(stay.id, 'stay_ending')).toEqual([]);
    await job().run();
    expect(await recipientsOf(stay.id, 'stay_overdue')).toEqual(expected());
  });

  it('an approved extension re-arms both alerts for the new date; a checked-out stay raises nothing more', async () => {
    const stay = await stayNow();
    clock.advance(9 * DAY + HOUR);
    await job().run();
    expect(await recipientsOf(stay.id, 'stay_ending')).toHaveLength(3);
    const stays = t.app.get(StaysService);
    const ext = await stays.requestExtension(staff, stay.id, { days: 3, reason: 'awaiting return convoy' });
    await stays.approveExtension(checker, stay.id, ext.id);
    await job().run();
    expect(await recipientsOf(stay.id, 'stay_ending')).toHaveLength(3);
    // One day before the new end (13 days after check-in): a second ending alert each, then overdue ones.
    clock.advance(3 * DAY);
    await job().run();
    expect(await recipientsOf(stay.id, 'stay_ending')).toHaveLength(6);
    clock.advance(DAY);
    await job().run();
    expect(await recipientsOf(stay.id, 'stay_overdue')).toEqual(expected());
    const other = await stayNow();
    await stays.checkOut(staff, other.id);
    clock.advance(20 * DAY);
    await job().run();
    expect(await recipientsOf(other.id, 'stay_ending')).toEqual([]);
    expect(await recipientsOf(other.id, 'stay_overdue')).toEqual([]);
  });
});

describe('the stays.alerts job through pg-boss', () => {
  it('is scheduled every 15 minutes, runs on demand, and a second run raises no duplicate', async () => {
    const stay = await stayNow();
    clock.advance(11 * DAY);
    const runner = t.app.get(JobRunner);
    const completed = () => completedJobs(t.db, STAYS_ALERTS_JOB);
    await runner.start();
    try {
      expect(await t.db.rows('SELECT name, cron FROM pgboss.schedule WHERE name = $1', [STAYS_ALERTS_JOB])).toEqual([{ name: STAYS_ALERTS_JOB, cron: '*/15 * * * *' }]);
      await runner.send(STAYS_ALERTS_JOB);
      await waitFor(async () => (await recipientsOf(stay.id, 'stay_overdue')).length === 3);
      await waitFor(async () => (await completed()) >= 1);
      const before = await completed();
      await runner.send(STAYS_ALERTS_JOB);
      await waitFor(async () => (await completed()) > before);
      expect(await recipientsOf(stay.id, 'stay_overdue')).toEqual(expected());
    } finally {
      await runner.stop();
    }
  });
});
