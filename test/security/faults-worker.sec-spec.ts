import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { AlertsService, REFERRALS_OVERDUE_JOB } from '@passerelle/core';
import { startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';
import { type Child, spawnApp } from './support/processes.js';

/*
 * Fault tolerance (issue 13): the worker SIGKILLed in the middle of a job. The job runs again
 * once a worker is back — within a minute, not after pg-boss's 15-minute expiry — and its effect
 * happens exactly once: `referrals.overdue` raises one alert per overdue referral and recipient,
 * whether the killed run's statement committed or not.
 * To be sure the kill lands mid-job, the test holds a lock on `alerts` so that the job's INSERT
 * waits; the worker is killed while its job is `active`.
 */

let t: TestApp;
let home: TestOrg;
let partner: TestOrg;
let manager: TestUser;
let worker: Child | null = null;
let boss: PgBoss;
let locker: pg.Client;

beforeAll(async () => {
  t = await startTestApp();
  home = await makeOrg(t);
  partner = await makeOrg(t);
  manager = await makeUser(t, home, ['manager']);
  await makeUser(t, partner, ['caseworker']);
  await makeUser(t, partner, ['manager']);
  boss = new PgBoss({ connectionString: t.config.databaseUrl!, schema: 'pgboss', supervise: false, schedule: false, migrate: false, max: 2 });
  boss.on('error', () => undefined);
  await boss.start();
  locker = new pg.Client({ connectionString: t.config.databaseUrl! });
  await locker.connect();
}, 60_000);
afterAll(async () => {
  await worker?.kill();
  await locker?.end().catch(() => undefined);
  await boss?.stop({ graceful: false, close: true }).catch(() => undefined);
  await t?.close();
});

const startWorker = () => spawnApp('worker', t.config, {}, /worker started/);
const jobState = async (id: string) => (await t.db.row<{ state: string; retry_count: number }>('SELECT state, retry_count FROM pgboss.job WHERE id = $1', [id]))!;

async function overdueReferrals(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await as(t, manager)
      .post('/api/v1/cases')
      .send({
        siteId: home.sites[0].id,
        identity: { givenName: 'Ousmane', familyName: `Traoré ${i}`, sex: 'male', birthYear: 1998, nationality: 'MLI' },
        consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
      })
      .expect(201);
    await as(t, manager).post(`/api/v1/cases/${c.body.id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed' }).expect(201);
    const r = await as(t, manager).post(`/api/v1/cases/${c.body.id}/referrals`).send({ toOrganizationId: partner.org.id, serviceType: 'health', urgency: 'emergency', reason: 'needs a doctor' }).expect(201);
    ids.push(r.body.id);
  }
  await t.db.rows("UPDATE referrals SET respond_by = now() - interval '1 hour' WHERE id = ANY($1::uuid[])", [ids]);
  return ids;
}

it('a job whose worker was SIGKILLed runs again on the restarted worker within 60 s, and its effect happens exactly once', async () => {
  const referrals = await overdueReferrals(3);
  worker = await startWorker();

  // Hold the job's INSERT, send the job, wait until the worker has it active, kill the worker.
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE alerts IN SHARE ROW EXCLUSIVE MODE');
  const id = (await boss.send(REFERRALS_OVERDUE_JOB, {}))!;
  for (let i = 0; i < 200 && (await jobState(id)).state !== 'active'; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await jobState(id)).state).toBe('active');
  await new Promise((r) => setTimeout(r, 500));
  await worker.kill();
  worker = null;
  await locker.query('ROLLBACK');

  const killedAt = Date.now();
  worker = await startWorker();
  let state = await jobState(id);
  while (state.state !== 'completed' && Date.now() - killedAt < 60_000) {
    await new Promise((r) => setTimeout(r, 500));
    state = await jobState(id);
  }
  console.info(`worker killed mid-job: job ${state.state} after ${Date.now() - killedAt} ms (retry ${state.retry_count})`);
  expect(state.state).toBe('completed');

  // Exactly once: each referral alerts its sender and the partner's two staff, once each.
  const alerts = await t.db.rows<{ entity_id: string; n: number }>(
    "SELECT entity_id, count(*)::int AS n FROM alerts WHERE type = 'referral_overdue' AND entity_id = ANY($1) GROUP BY entity_id",
    [referrals],
  );
  expect(alerts.map((a) => a.n).sort()).toEqual([3, 3, 3]);
  expect(await t.app.get(AlertsService).raiseOverdueReferrals()).toBe(0);
}, 120_000);
