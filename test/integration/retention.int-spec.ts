// Issue 11 part B: the `cases.retention` job on a controlled clock. Closed cases are anonymized
// RETENTION_DAYS after closure (configurable), in batches, exactly once — run twice, three at
// once, or through pg-boss; a run that dies mid-way leaves whole batches done and the rest
// untouched, and the next run finishes. It refuses to run while a table holding a case_id is
// claimed by no feature. The database refuses to destroy a live case's audit key.
import type { Actor } from '@passerelle/common';
import { AuditWriter, CasesService, DataProtectionService, RETENTION_JOB, SubjectDataRegistry } from '@passerelle/core';
import { JobRunner } from '@passerelle/core/jobs';
import { FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { actorOf, makeOrg, makeUser, type TestOrg } from '../support/factories.js';
import { completedJobs, waitFor } from '../support/jobs.js';

const DAY = 86_400_000;
const RETENTION_DAYS = 30;
const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
let t: TestApp;
let A: TestOrg;
let cw: Actor;
let mgr: Actor;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { RETENTION_DAYS: String(RETENTION_DAYS), RATE_LIMIT_PER_MINUTE: '100000', LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t);
  cw = actorOf(A, await makeUser(t, A, ['caseworker']));
  mgr = actorOf(A, await makeUser(t, A, ['manager']));
});
afterAll(() => t?.close());

const service = () => t.app.get(DataProtectionService);
const cases = () => t.app.get(CasesService);

/** A case registered now with a name, a phone and a note, closed now (by the clock). */
async function closedCase(name = 'Awa'): Promise<string> {
  const c = await cases().register(cw, {
    siteId: A.sites[0].id,
    identity: { givenName: name, familyName: 'Maïga', sex: 'female', birthYear: 1990, nationality: 'MLI' },
    contact: { phone: '+22370000000' },
    consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
  });
  await cases().addNote(cw, c.case.id, 'seen at the transit centre');
  await cases().close(mgr, c.case.id, 'continued_journey');
  return c.case.id;
}
const state = (ids: string[]) =>
  t.db.rows<{ id: string; given_name: string; anonymized: boolean; notes: number; key: boolean; events: number }>(
    `SELECT c.id, c.given_name, c.anonymized_at IS NOT NULL AS anonymized,
            (SELECT count(*)::int FROM case_notes n WHERE n.case_id = c.id) AS notes,
            EXISTS (SELECT 1 FROM subject_keys k WHERE k.case_id = c.id) AS key,
            (SELECT count(*)::int FROM audit_events e WHERE e.entity_id = c.id::text AND e.action = 'case.anonymized') AS events
     FROM cases c WHERE c.id = ANY($1::uuid[]) ORDER BY c.id`,
    [ids],
  );
const anonymizedCount = async (ids: string[]) => (await state(ids)).filter((s) => s.anonymized).length;

describe('RETENTION_DAYS after closure, not a moment before; open cases never', () => {
  it('a case closed 30 days ago minus a second is kept; at 30 days it is anonymized, once; an open case is never', async () => {
    const start = clock.now();
    const closed = await closedCase();
    const open = (await cases().register(cw, { siteId: A.sites[0].id, identity: { givenName: 'Open', familyName: 'Case', sex: 'male' }, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } })).case.id;
    clock.set(new Date(start.getTime() + RETENTION_DAYS * DAY - 1000));
    await service().runRetention();
    expect(await state([closed])).toEqual([{ id: closed, given_name: 'Awa', anonymized: false, notes: 1, key: true, events: 0 }]);
    clock.set(new Date(start.getTime() + RETENTION_DAYS * DAY + 1000));
    await service().runRetention();
    expect(await state([closed])).toEqual([{ id: closed, given_name: '', anonymized: true, notes: 0, key: false, events: 1 }]);
    // Run again: nothing more happens.
    expect(await service().runRetention()).toBe(0);
    expect(await state([closed])).toEqual([{ id: closed, given_name: '', anonymized: true, notes: 0, key: false, events: 1 }]);
    clock.advance(10_000 * DAY);
    await service().runRetention();
    expect(await t.db.row('SELECT given_name, anonymized_at FROM cases WHERE id = $1', [open])).toEqual({ given_name: 'Open', anonymized_at: null });
  });
});

describe('batches, concurrency, crashes', () => {
  it('three runs at once with batches of 2 share 7 cases: each is anonymized exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await closedCase(`Batch${String.fromCharCode(97 + i)}`));
    clock.advance((RETENTION_DAYS + 1) * DAY);
    const done = await Promise.all([service().runRetention(undefined, 2), service().runRetention(undefined, 2), service().runRetention(undefined, 2)]);
    expect(done.reduce((a, b) => a + b, 0)).toBe(7);
    expect((await state(ids)).map((s) => [s.anonymized, s.events, s.key, s.notes])).toEqual(ids.map(() => [true, 1, false, 0]));
  });

  it('a run that dies in its second batch keeps the first batch done and leaves the rest whole; the next run finishes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await closedCase(`Crash${String.fromCharCode(97 + i)}`));
    clock.advance((RETENTION_DAYS + 1) * DAY);
    let batches = 0;
    const unregister = t.app.get(SubjectDataRegistry).register({
      name: 'test-crash',
      tables: [],
      async anonymize(em) {
        // Inside the batch's transaction, after the batch's rows are locked and before the case rows are blanked.
        await em.query('SELECT 1');
        if (++batches === 2) throw new Error('worker died');
      },
    });
    try {
      await expect(service().runRetention(undefined, 2)).rejects.toThrow('worker died');
    } finally {
      unregister();
    }
    const after = await state(ids);
    expect(after.filter((s) => s.anonymized)).toHaveLength(2);
    // Nothing half done: a case is either entirely anonymized (key destroyed, notes gone, one event) or untouched.
    for (const s of after) expect([s.given_name === '', s.notes, s.key, s.events]).toEqual(s.anonymized ? [true, 0, false, 1] : [false, 1, true, 0]);
    expect(await service().runRetention(undefined, 2)).toBe(3);
    expect((await state(ids)).map((s) => [s.anonymized, s.events])).toEqual(ids.map(() => [true, 1]));
  });

  it('through pg-boss: the job named cases.retention runs the same work', async () => {
    const id = await closedCase('Boss');
    clock.advance((RETENTION_DAYS + 1) * DAY);
    const runner = t.app.get(JobRunner);
    await runner.start();
    try {
      const before = await completedJobs(t.db, RETENTION_JOB);
      await runner.send(RETENTION_JOB);
      await waitFor(async () => (await completedJobs(t.db, RETENTION_JOB)) > before);
    } finally {
      await runner.stop();
    }
    expect(await anonymizedCount([id])).toBe(1);
    const schedules = await t.db.rows<{ name: string; cron: string }>('SELECT name, cron FROM pgboss.schedule WHERE name = $1', [RETENTION_JOB]);
    expect(schedules).toEqual([{ name: RETENTION_JOB, cron: '30 2 * * *' }]);
  });
});

describe('safety nets', () => {
  it('refuses to run while a table with a case_id is claimed by no handler (a feature that forgot to register), anonymizing nothing', async () => {
    const id = await closedCase('Unclaimed');
    clock.advance((RETENTION_DAYS + 1) * DAY);
    await t.db.rows('CREATE TABLE test_unregistered_feature (id serial PRIMARY KEY, case_id uuid, note text)');
    try {
      await expect(service().runRetention()).rejects.toThrow(/no subject data handler claims test_unregistered_feature/);
      expect(await anonymizedCount([id])).toBe(0);
    } finally {
      await t.db.rows('DROP TABLE test_unregistered_feature');
    }
    await service().runRetention();
    expect(await anonymizedCount([id])).toBe(1);
  });

  it('the database refuses to delete the audit key of a case that is not anonymized, and to truncate the keys', async () => {
    const c = await cases().register(cw, { siteId: A.sites[0].id, identity: { givenName: 'Kept', familyName: 'Key', sex: 'male' }, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } });
    expect(await t.db.row('SELECT count(*)::int AS n FROM subject_keys WHERE case_id = $1', [c.case.id])).toEqual({ n: 1 });
    await expect(t.db.rows('DELETE FROM subject_keys WHERE case_id = $1', [c.case.id])).rejects.toThrow(/deleted only when the case is anonymized/);
    await expect(t.db.rows('TRUNCATE subject_keys')).rejects.toThrow(/TRUNCATE refused/);
    expect(await t.db.row('SELECT count(*)::int AS n FROM subject_keys WHERE case_id = $1', [c.case.id])).toEqual({ n: 1 });
    // …and an anonymized case may not take personal data back (CHECK cases_anonymized_check).
    const closed = await closedCase('Check');
    clock.advance((RETENTION_DAYS + 1) * DAY);
    await service().runRetention();
    await expect(t.db.rows(`UPDATE cases SET given_name = 'Back' WHERE id = $1`, [closed])).rejects.toThrow(/cases_anonymized_check/);
  });

  it('concurrent first events of one case agree on one data key, and both read back', async () => {
    const c = await cases().register(cw, { siteId: A.sites[0].id, identity: { givenName: 'Twin', familyName: 'Writers', sex: 'male' }, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } });
    const writer = t.app.get(AuditWriter);
    const other = { type: 'Referral', id: null, organizationId: A.org.id };
    await Promise.all([1, 2, 3].map((i) => writer.record(null, cw, 'test.personal', other, { details: { caseId: c.case.id, reason: `free text ${i}` } })));
    expect(await t.db.row('SELECT count(*)::int AS n FROM subject_keys WHERE case_id = $1', [c.case.id])).toEqual({ n: 1 });
    const rows = await t.db.rows<{ details: { reason: unknown } }>(`SELECT details FROM audit_events WHERE action = 'test.personal' AND details ->> 'caseId' = $1`, [c.case.id]);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(JSON.stringify(r.details.reason)).not.toContain('free text');
    const timeline = await cases().timeline(mgr, c.case.id, {});
    expect(timeline.items.filter((e) => e.type === 'test.personal').map((e) => e.details!.reason).sort()).toEqual(['free text 1', 'free text 2', 'free text 3']);
  });
});
