import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { Actor } from '@passerelle/common';
import { AuditPrivacy, AuditSealer, AuditService, AuditWriter, OrganizationsService, type Role, SubjectKeys, userActor } from '@passerelle/core';
import { FixedClock, expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg } from '../support/factories.js';

/**
 * Issue 4, acceptance 4 and DESIGN §7: every change and its audit event commit or roll back
 * together; the database itself refuses to change or remove audit rows; the per-organization
 * hash chain, sealed after the fact, detects rows altered or removed behind the API's back.
 */

let t: TestApp;
let writer: AuditWriter;
let sealer: AuditSealer;
let audit: AuditService;
let ds: DataSource;

beforeAll(async () => {
  // 20 transactions held open at once (concurrent writers) need more than the default 10 connections.
  t = await startTestApp({ env: { DB_POOL_SIZE: '30', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
  writer = t.app.get(AuditWriter);
  sealer = t.app.get(AuditSealer);
  audit = t.app.get(AuditService);
  ds = t.app.get(DataSource);
});
afterAll(() => t?.close());

/** A user actor as the JWT strategy builds it, without a user row (for direct service calls). */
function actorOf(o: TestOrg, roles: Role[], extra: { userId?: string; requestId?: string; ip?: string } = {}): Actor {
  return userActor({
    userId: extra.userId ?? randomUUID(),
    organizationId: o.org.id,
    organizationCode: o.org.code,
    roles,
    siteIds: o.sites.map((s) => s.id),
    capabilities: o.org.capabilities,
    requestId: extra.requestId,
    ip: extra.ip,
  });
}

/** A plain pg connection as the cluster's superuser (the test database URL), for SQL behind the API's back. */
async function superuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: t.config.databaseUrl! });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs `sql` with every trigger off in that session only (what an attacker with superuser could do). */
const tamper = (sql: string, params: unknown[] = []) =>
  superuser(async (c) => {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query(sql, params);
    await c.query('COMMIT');
  });

/** Error thrown by `fn` (a rejected promise), or null. */
async function failure(fn: () => Promise<unknown>): Promise<(Error & { code?: string }) | null> {
  try {
    await fn();
    return null;
  } catch (e) {
    return e as Error & { code?: string };
  }
}

const eventsOf = (orgId: string) =>
  t.db.rows<{ id: string; action: string; entity_id: string | null }>('SELECT id, action, entity_id FROM audit_events WHERE organization_id = $1 ORDER BY seq', [orgId]);
const unsealedCount = async (orgId: string) =>
  (await t.db.row<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_events e WHERE e.organization_id = $1 AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)',
    [orgId],
  ))!.n;
const sealsOf = (orgId: string) =>
  t.db.rows<{ event_id: string; position: string; prev_hash: string; hash: string }>('SELECT event_id, position, prev_hash, hash FROM audit_seals WHERE chain = $1 ORDER BY position', [orgId]);

/**
 * Seals until every committed event of `orgId` is chained. The sealer only takes events of
 * transactions older than the oldest still running on the cluster, so a write transaction open
 * in another test file's database may delay it for a moment: retry, as the minutely job would.
 */
async function sealAllOf(orgId: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sealer.sealAll();
    if ((await unsealedCount(orgId)) === 0) return;
    if (Date.now() > deadline) throw new Error(`events of ${orgId} still unsealed after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An organization with a few events of its own (created, a site, updates), each in its own transaction. */
async function orgWithEvents(updates = 3): Promise<TestOrg> {
  const o = await makeOrg(t);
  for (let i = 0; i < updates; i++) {
    await t.app.get(OrganizationsService).update(actorOf(o, ['platform_admin']), o.org.id, { name: `Renamed ${i} ${o.org.code}` });
  }
  return o;
}

describe('a change and its audit event commit or roll back together (DESIGN §7)', () => {
  it('a successful create writes exactly one organization.created event with old/new values and the actor', async () => {
    const platform = await makeOrg(t, { capabilities: [] });
    const actor = actorOf(platform, ['platform_admin'], { requestId: 'req-audit-create-1', ip: '10.1.2.3' });
    const org = await t.app.get(OrganizationsService).create(actor, { code: `AUD-${Date.now().toString(36).toUpperCase()}`, name: 'Centre Direy Ben', kind: 'ngo', capabilities: ['reception', 'information', 'reception'] });

    const rows = await t.db.rows('SELECT * FROM audit_events WHERE entity_type = $1 AND entity_id = $2', ['Organization', org.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'organization.created',
      organization_id: org.id,
      actor_user_id: actor.userId,
      actor_organization_id: platform.org.id,
      request_id: 'req-audit-create-1',
      ip: '10.1.2.3',
      changes: {
        code: { old: null, new: org.code },
        name: { old: null, new: 'Centre Direy Ben' },
        kind: { old: null, new: 'ngo' },
        capabilities: { old: null, new: ['reception', 'information'] },
        active: { old: null, new: true },
      },
    });
  });

  it('an update records only the changed fields, old and new', async () => {
    const o = await makeOrg(t, { capabilities: ['health'] });
    const actor = actorOf(o, ['platform_admin']);
    await t.app.get(OrganizationsService).update(actor, o.org.id, { capabilities: ['health', 'legal'] });
    const [event] = await t.db.rows('SELECT action, changes, actor_user_id FROM audit_events WHERE entity_id = $1 AND action = $2', [o.org.id, 'organization.updated']);
    expect(event).toEqual({ action: 'organization.updated', actor_user_id: actor.userId, changes: { capabilities: { old: ['health'], new: ['health', 'legal'] } } });
  });

  it('the change fails after its audit event was written (at commit) → neither the change nor the event remains', async () => {
    const o = await makeOrg(t);
    // A deferred check that fails at COMMIT, i.e. after OrganizationsService.update wrote its event.
    await superuser(async (c) => {
      await c.query(`CREATE FUNCTION test_refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.name = 'Doomed at commit' THEN RAISE EXCEPTION 'doomed at commit'; END IF; RETURN NULL; END $$`);
      await c.query(`CREATE CONSTRAINT TRIGGER test_refuse_doomed AFTER UPDATE ON organizations DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION test_refuse_doomed()`);
    });
    try {
      const before = await eventsOf(o.org.id);
      const err = await failure(() => t.app.get(OrganizationsService).update(actorOf(o, ['platform_admin']), o.org.id, { name: 'Doomed at commit' }));
      expect(err?.message).toMatch(/doomed at commit/);
      expect(await t.db.row('SELECT name FROM organizations WHERE id = $1', [o.org.id])).toEqual({ name: o.org.name });
      expect(await eventsOf(o.org.id)).toEqual(before);
      expect(before.map((e) => e.action)).not.toContain('organization.updated');
    } finally {
      await superuser(async (c) => {
        await c.query('DROP TRIGGER test_refuse_doomed ON organizations');
        await c.query('DROP FUNCTION test_refuse_doomed()');
      });
    }
  });

  it('a transaction that records an event and then throws leaves no event row', async () => {
    const o = await makeOrg(t);
    const before = await eventsOf(o.org.id);
    const err = await failure(() =>
      ds.transaction(async (em) => {
        await em.query('UPDATE organizations SET name = $2 WHERE id = $1', [o.org.id, 'Never renamed']);
        await writer.record(em, actorOf(o, ['org_admin']), 'organization.updated', { type: 'Organization', id: o.org.id, organizationId: o.org.id }, { changes: { name: { old: o.org.name, new: 'Never renamed' } } });
        // The event is there inside the transaction…
        expect(await em.query('SELECT 1 FROM audit_events WHERE entity_id = $1 AND action = $2', [o.org.id, 'organization.updated'])).toHaveLength(1);
        throw new Error('boom after the audit write');
      }),
    );
    expect(err?.message).toBe('boom after the audit write');
    // …and gone with it.
    expect(await eventsOf(o.org.id)).toEqual(before);
    expect(await t.db.row('SELECT name FROM organizations WHERE id = $1', [o.org.id])).toEqual({ name: o.org.name });
  });

  it('an event that cannot be written undoes the change it describes', async () => {
    const o = await makeOrg(t);
    const before = await eventsOf(o.org.id);
    const err = await failure(() =>
      ds.transaction(async (em) => {
        await em.query('UPDATE organizations SET name = $2 WHERE id = $1', [o.org.id, 'Never renamed']);
        // entity_type is NOT NULL: the audit insert fails.
        await writer.record(em, actorOf(o, ['org_admin']), 'organization.updated', { type: null as unknown as string, id: o.org.id, organizationId: o.org.id });
      }),
    );
    expect(err).not.toBeNull();
    expect(await t.db.row('SELECT name FROM organizations WHERE id = $1', [o.org.id])).toEqual({ name: o.org.name });
    expect(await eventsOf(o.org.id)).toEqual(before);
  });
});

describe('the audit trail is append-only at the database, even for the superuser (DESIGN §7)', () => {
  let o: TestOrg;
  beforeAll(async () => {
    o = await orgWithEvents(1);
    await sealAllOf(o.org.id);
  });

  it('runs as a superuser (the refusal is not a missing privilege)', async () => {
    expect(await superuser(async (c) => (await c.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows[0])).toEqual({ rolsuper: true });
  });

  it.each([
    ['UPDATE', 'audit_events', `UPDATE audit_events SET action = 'tampered' WHERE organization_id = $1`],
    ['DELETE', 'audit_events', 'DELETE FROM audit_events WHERE organization_id = $1'],
    ['TRUNCATE', 'audit_events', 'TRUNCATE audit_events'],
    ['UPDATE', 'audit_seals', `UPDATE audit_seals SET hash = repeat('0', 64) WHERE chain = $1::text`],
    ['DELETE', 'audit_seals', 'DELETE FROM audit_seals WHERE chain = $1::text'],
    ['TRUNCATE', 'audit_seals', 'TRUNCATE audit_seals'],
  ])('%s on %s fails with the trigger’s error and changes nothing', async (op, table, sql) => {
    const snapshot = async () => ({
      events: await t.db.rows('SELECT * FROM audit_events WHERE organization_id = $1 ORDER BY seq', [o.org.id]),
      seals: await sealsOf(o.org.id),
    });
    const before = await snapshot();
    expect(before.events.length).toBeGreaterThan(0);
    expect(before.seals).toHaveLength(before.events.length);
    const err = await failure(() => superuser((c) => c.query(sql, sql.includes('$1') ? [o.org.id] : [])));
    expect(err?.message).toBe(`audit trail is append-only: ${op} on ${table} refused`);
    expect(err?.code).toBe('42501'); // insufficient_privilege
    expect(await snapshot()).toEqual(before);
  });

  it('the application’s own connection is refused too', async () => {
    const err = await failure(() => ds.query('DELETE FROM audit_events WHERE organization_id = $1', [o.org.id]));
    expect(err?.message).toMatch(/audit trail is append-only: DELETE on audit_events refused/);
  });
});

describe('GET /audit-events/verify: the hash chain detects tampering (issue 4)', () => {
  it('after sealing: ok, every event checked, none unsealed', async () => {
    const o = await orgWithEvents();
    const auditor = await makeUser(t, o, ['auditor']);
    await sealAllOf(o.org.id);
    const n = (await eventsOf(o.org.id)).length;
    expect(n).toBeGreaterThanOrEqual(6);
    const res = await as(t, auditor).get('/api/v1/audit-events/verify').expect(200);
    expect(res.body).toEqual({ ok: true, checked: n, unsealed: 0 });
    // The seals form one chain: positions 1..n, each linking the previous hash.
    const seals = await sealsOf(o.org.id);
    expect(seals.map((s) => Number(s.position))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    seals.forEach((s, i) => expect(s.prev_hash).toBe(i === 0 ? '0'.repeat(64) : seals[i - 1].hash));
  });

  it('a row altered with superuser SQL (trigger disabled) → ok:false, firstBrokenId = that event', async () => {
    const o = await orgWithEvents();
    const auditor = await makeUser(t, o, ['auditor']);
    await sealAllOf(o.org.id);
    const seals = await sealsOf(o.org.id);
    const victim = seals[2];
    await tamper(`UPDATE audit_events SET changes = '{"name":{"old":"a","new":"b"}}' WHERE id = $1`, [victim.event_id]);
    const res = await as(t, auditor).get('/api/v1/audit-events/verify').expect(200);
    expect(res.body).toEqual({ ok: false, checked: 2, unsealed: 0, firstBrokenId: victim.event_id });
  });

  it.each([
    ['the actor', `UPDATE audit_events SET actor_user_id = gen_random_uuid() WHERE id = $1`],
    ['the time', `UPDATE audit_events SET at = at - interval '1 day' WHERE id = $1`],
    ['the action', `UPDATE audit_events SET action = 'organization.viewed' WHERE id = $1`],
    ['the ip', `UPDATE audit_events SET ip = '127.0.0.1' WHERE id = $1`],
  ])('changing %s of an event is detected', async (_what, sql) => {
    const o = await orgWithEvents(1);
    await sealAllOf(o.org.id);
    const victim = (await sealsOf(o.org.id))[1];
    await tamper(sql, [victim.event_id]);
    expect(await audit.verify(actorOf(o, ['auditor']))).toMatchObject({ ok: false, checked: 1, firstBrokenId: victim.event_id });
  });

  it('an event row deleted behind our back is detected at its seal', async () => {
    const o = await orgWithEvents();
    await sealAllOf(o.org.id);
    const victim = (await sealsOf(o.org.id))[3];
    await tamper('DELETE FROM audit_events WHERE id = $1', [victim.event_id]);
    expect(await audit.verify(actorOf(o, ['auditor']))).toEqual({ ok: false, checked: 3, unsealed: 0, firstBrokenId: victim.event_id });
  });

  it('a seal row deleted behind our back is detected (the chain has a gap)', async () => {
    const o = await orgWithEvents();
    await sealAllOf(o.org.id);
    const seals = await sealsOf(o.org.id);
    await tamper('DELETE FROM audit_seals WHERE event_id = $1', [seals[2].event_id]);
    const result = await audit.verify(actorOf(o, ['auditor']));
    // The seal after the gap no longer links to its predecessor; the unsealed event is reported too.
    expect(result).toEqual({ ok: false, checked: 2, unsealed: 1, firstBrokenId: seals[3].event_id });
  });

  it('a seal recomputed in place for an altered event still breaks the next link', async () => {
    const o = await orgWithEvents();
    await sealAllOf(o.org.id);
    const seals = await sealsOf(o.org.id);
    await tamper(`UPDATE audit_events SET action = 'x' WHERE id = $1`, [seals[1].event_id]);
    await tamper(`UPDATE audit_seals SET hash = repeat('a', 64) WHERE event_id = $1`, [seals[1].event_id]);
    expect(await audit.verify(actorOf(o, ['auditor']))).toMatchObject({ ok: false, firstBrokenId: seals[1].event_id });
  });

  it('events written after the last seal are reported as unsealed, not as broken', async () => {
    const o = await orgWithEvents(1);
    const auditor = await makeUser(t, o, ['auditor']);
    await sealAllOf(o.org.id);
    const n = (await eventsOf(o.org.id)).length;
    await t.app.get(OrganizationsService).update(actorOf(o, ['platform_admin']), o.org.id, { name: 'After the seal' });
    await writer.record(null, actorOf(o, ['org_admin']), 'test.after_seal', { type: 'Test', id: null, organizationId: o.org.id });
    expect((await as(t, auditor).get('/api/v1/audit-events/verify').expect(200)).body).toEqual({ ok: true, checked: n, unsealed: 2 });
    await sealAllOf(o.org.id);
    expect((await as(t, auditor).get('/api/v1/audit-events/verify').expect(200)).body).toEqual({ ok: true, checked: n + 2, unsealed: 0 });
  });

  it('each organization has its own chain: tampering with one leaves the other intact', async () => {
    const a = await orgWithEvents(1);
    const b = await orgWithEvents(1);
    await sealAllOf(a.org.id);
    await sealAllOf(b.org.id);
    const victim = (await sealsOf(a.org.id))[0];
    await tamper(`UPDATE audit_events SET action = 'x' WHERE id = $1`, [victim.event_id]);
    expect(await audit.verify(actorOf(a, ['auditor']))).toMatchObject({ ok: false, checked: 0, firstBrokenId: victim.event_id });
    expect(await audit.verify(actorOf(b, ['auditor']))).toEqual({ ok: true, checked: (await eventsOf(b.org.id)).length, unsealed: 0 });
  });
});

describe('sealing never waits on writers nor skips them (issue 4)', () => {
  it('an event of a still-running transaction is not sealed; once committed it is, and the chain stays contiguous', async () => {
    const o = await orgWithEvents(1);
    await sealAllOf(o.org.id);
    const sealedBefore = (await sealsOf(o.org.id)).length;

    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await writer.record(qr.manager, actorOf(o, ['caseworker']), 'test.pending', { type: 'Test', id: 'pending', organizationId: o.org.id });
      const [{ id: pendingId }] = await qr.query(`SELECT id FROM audit_events WHERE organization_id = $1 AND action = 'test.pending'`, [o.org.id]);
      // A later event, committed while the first transaction is still open.
      await writer.record(null, actorOf(o, ['caseworker']), 'test.committed_meanwhile', { type: 'Test', id: 'meanwhile', organizationId: o.org.id });

      await sealer.sealAll();
      expect(await t.db.row('SELECT 1 AS sealed FROM audit_seals WHERE event_id = $1', [pendingId])).toBeUndefined();
      expect(await qr.query('SELECT 1 FROM audit_seals WHERE event_id = $1', [pendingId])).toEqual([]);
      // Whatever was sealed meanwhile is still a valid chain.
      expect(await audit.verify(actorOf(o, ['auditor']))).toMatchObject({ ok: true });

      await qr.commitTransaction();
      await sealAllOf(o.org.id);
      const seals = await sealsOf(o.org.id);
      expect(seals.map((s) => s.event_id)).toContain(pendingId);
      expect(seals).toHaveLength(sealedBefore + 2);
      expect(seals.map((s) => Number(s.position))).toEqual(Array.from({ length: seals.length }, (_, i) => i + 1));
      expect(await audit.verify(actorOf(o, ['auditor']))).toEqual({ ok: true, checked: seals.length, unsealed: 0 });
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      await qr.release();
    }
  });

  it('an event of a rolled-back transaction is never sealed nor counted', async () => {
    const o = await orgWithEvents(1);
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    await writer.record(qr.manager, actorOf(o, ['caseworker']), 'test.rolled_back', { type: 'Test', id: null, organizationId: o.org.id });
    await qr.rollbackTransaction();
    await qr.release();
    await sealAllOf(o.org.id);
    expect((await eventsOf(o.org.id)).map((e) => e.action)).not.toContain('test.rolled_back');
    expect(await audit.verify(actorOf(o, ['auditor']))).toEqual({ ok: true, checked: (await eventsOf(o.org.id)).length, unsealed: 0 });
  });

  it('20 writers on one organization hold their transactions open at the same time (no lock), and sealing yields one intact chain', async () => {
    const o = await makeOrg(t);
    const N = 20;
    let recorded = 0;
    let release!: () => void;
    const allRecorded = new Promise<void>((r) => (release = r));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${recorded}/${N} writers got through: writers serialize`)), 15_000)));
    const writers = Array.from({ length: N }, (_, i) =>
      ds.transaction(async (em) => {
        await writer.record(em, actorOf(o, ['caseworker']), 'test.concurrent', { type: 'Test', id: String(i), organizationId: o.org.id }, { details: { i } });
        if (++recorded === N) release();
        // Every transaction stays open until all 20 have written their event: a per-organization
        // lock in the writer would block the 2nd writer here and never let the barrier open.
        await Promise.race([allRecorded, timeout]);
      }),
    );
    await Promise.all(writers).finally(() => clearTimeout(timer));
    const events = (await eventsOf(o.org.id)).filter((e) => e.action === 'test.concurrent');
    expect(events.map((e) => Number(e.entity_id)).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));

    // Two sealers at once still give one chain (the second waits its turn or finds nothing).
    await Promise.all([sealer.sealAll(), sealer.sealAll()]);
    await sealAllOf(o.org.id);
    const seals = await sealsOf(o.org.id);
    const total = (await eventsOf(o.org.id)).length;
    expect(seals).toHaveLength(total);
    expect(new Set(seals.map((s) => s.event_id)).size).toBe(total);
    expect(seals.map((s) => Number(s.position))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    seals.forEach((s, i) => expect(s.prev_hash).toBe(i === 0 ? '0'.repeat(64) : seals[i - 1].hash));
    expect(await audit.verify(actorOf(o, ['auditor']))).toEqual({ ok: true, checked: total, unsealed: 0 });
  });
});

describe('events written outside a transaction go through the group writer (issue 12)', () => {
  it('60 concurrent reads: each caller returns only once its event is stored, and they share a few statements', async () => {
    const o = await makeOrg(t);
    const actor = actorOf(o, ['caseworker']);
    const ids = Array.from({ length: 60 }, () => randomUUID());
    await Promise.all(
      ids.map(async (id) => {
        await writer.record(null, actor, 'case.viewed', { type: 'Case', id, organizationId: o.org.id });
        // Durable before the caller goes on: visible to another connection at once.
        expect(await t.db.row('SELECT action FROM audit_events WHERE entity_id = $1', [id])).toEqual({ action: 'case.viewed' });
      }),
    );
    const rows = await t.db.rows<{ entity_id: string; txid: string; actor_user_id: string }>(
      'SELECT entity_id, txid, actor_user_id FROM audit_events WHERE entity_id = ANY($1::text[]) ORDER BY seq',
      [ids],
    );
    expect(rows.map((r) => r.entity_id).sort()).toEqual([...ids].sort());
    expect(rows.every((r) => r.actor_user_id === actor.userId)).toBe(true);
    // Grouped: the 60 events were written by fewer statements (transactions) than events.
    expect(new Set(rows.map((r) => r.txid)).size).toBeLessThan(60);
  });

  it('an event that cannot be written fails its own caller only; the rest of its group is stored', async () => {
    const o = await makeOrg(t);
    const actor = actorOf(o, ['caseworker']);
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const outcomes = await Promise.allSettled(
      // entity_type is NOT NULL: the 8th event cannot be written.
      ids.map((id, i) => writer.record(null, actor, 'case.viewed', { type: i === 7 ? (null as unknown as string) : 'Case', id, organizationId: o.org.id })),
    );
    expect(outcomes.map((x) => x.status)).toEqual(ids.map((_, i) => (i === 7 ? 'rejected' : 'fulfilled')));
    const stored = await t.db.rows<{ entity_id: string }>('SELECT entity_id FROM audit_events WHERE entity_id = ANY($1::text[])', [ids]);
    expect(stored.map((r) => r.entity_id).sort()).toEqual(ids.filter((_, i) => i !== 7).sort());
  });

  it('a sealed read event (details naming a case) is stored sealed, and the chain verifies', async () => {
    const o = await makeOrg(t);
    const caseId = randomUUID();
    await writer.record(null, actorOf(o, ['caseworker']), 'letter.viewed', { type: 'Letter', id: randomUUID(), organizationId: o.org.id }, { details: { caseId, holder: 'Awa Traoré' } });
    const row = await t.db.row<{ details: { caseId: string; holder: { $sealed: unknown } } }>("SELECT details FROM audit_events WHERE details->>'caseId' = $1", [caseId]);
    expect(row?.details.caseId).toBe(caseId);
    expect(row?.details.holder).toHaveProperty('$sealed');
    await sealAllOf(o.org.id);
    expect(await audit.verify(actorOf(o, ['auditor']))).toMatchObject({ ok: true, unsealed: 0 });
  });
});

describe('permission denials are audited (issue 4)', () => {
  it('a caseworker calling POST /organizations gets 403 and an access.denied event lands in their org’s trail', async () => {
    const o = await makeOrg(t);
    const cw = await makeUser(t, o, ['caseworker']);
    const res = await as(t, cw).post('/api/v1/organizations').set('x-request-id', 'req-denied-1').send({ code: 'NOPE', name: 'Nope', kind: 'ngo', capabilities: [] });
    expectProblem(res, 403, 'FORBIDDEN');
    expect(await t.db.row('SELECT 1 FROM organizations WHERE code = $1', ['NOPE'])).toBeUndefined();
    // The filter writes the event without holding the response back: poll briefly.
    const event = await poll(() => t.db.row<Record<string, unknown>>(`SELECT * FROM audit_events WHERE organization_id = $1 AND action = 'access.denied'`, [o.org.id]));
    expect(event).toMatchObject({
      actor_user_id: cw.user.id,
      actor_organization_id: o.org.id,
      entity_type: 'Route',
      request_id: 'req-denied-1',
      details: { method: 'POST', route: '/api/v1/organizations', code: 'FORBIDDEN' },
    });
    expect(event!.ip).toEqual(expect.any(String));
  });
});

describe('GET /audit-events (auditor, own organization)', () => {
  let mine: TestOrg;
  let other: TestOrg;
  let auditorToken: { token: string };

  beforeAll(async () => {
    mine = await orgWithEvents(2);
    other = await orgWithEvents(2);
    auditorToken = await makeUser(t, mine, ['auditor']);
  });

  const listAll = async (query: string, limit = 2) => {
    const items: { id: string; seq: number; organizationId: string; action: string; entityType: string; entityId: string | null; at: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q = new URLSearchParams(query);
      q.set('limit', String(limit));
      if (cursor) q.set('cursor', cursor);
      const res = await as(t, auditorToken).get(`/api/v1/audit-events?${q}`).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (++pages > 100) throw new Error('pagination does not end');
    } while (cursor);
    return items;
  };

  it('returns only the own organization’s events, newest first, every one of them across pages', async () => {
    const items = await listAll('');
    const expected = (await eventsOf(mine.org.id)).map((e) => e.id).reverse();
    expect(items.map((e) => e.id)).toEqual(expected);
    expect(items.every((e) => e.organizationId === mine.org.id)).toBe(true);
    const otherIds = new Set((await eventsOf(other.org.id)).map((e) => e.id));
    expect(items.some((e) => otherIds.has(e.id))).toBe(false);
    const seqs = items.map((e) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
  });

  it('carries the event’s fields', async () => {
    const res = await as(t, auditorToken).get(`/api/v1/audit-events?action=organization.updated&limit=1`).expect(200);
    expect(res.body.items[0]).toMatchObject({
      id: expect.any(String),
      seq: expect.any(Number),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      organizationId: mine.org.id,
      action: 'organization.updated',
      entityType: 'organization',
      entityId: mine.org.id,
      changes: { name: { old: expect.any(String), new: expect.any(String) } },
    });
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  it('filters by entityType, entityId and action, within the own organization only', async () => {
    const site = mine.sites[0];
    expect((await listAll(`entityType=site`)).map((e) => e.entityId)).toEqual([site.id]);
    expect((await listAll(`entityId=${site.id}`)).map((e) => e.action)).toEqual(['site.created']);
    expect((await listAll(`entityType=organization&entityId=${mine.org.id}`)).map((e) => e.action)).toEqual(['organization.updated', 'organization.updated', 'organization.created']);
    expect((await listAll(`action=organization.updated`)).map((e) => e.entityId)).toEqual([mine.org.id, mine.org.id]);
    // Another organization's entity: nothing, even when asked for by id.
    expect(await listAll(`entityId=${other.org.id}`)).toEqual([]);
    expect(await listAll(`action=no.such.action`)).toEqual([]);
  });

  it('filters by date range [from, to)', async () => {
    const o = await makeOrg(t);
    const auditor = await makeUser(t, o, ['auditor']);
    const clock = new FixedClock(new Date('2026-03-01T10:00:00Z'));
    const dated = new AuditWriter(clock, ds, t.app.get(SubjectKeys), t.app.get(AuditPrivacy));
    const at = ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z'];
    for (const [i, when] of at.entries()) {
      clock.set(when);
      await dated.record(null, actorOf(o, ['caseworker']), 'test.dated', { type: 'Test', id: `d${i}`, organizationId: o.org.id });
    }
    const ids = async (q: string) =>
      (await as(t, auditor).get(`/api/v1/audit-events?action=test.dated&${q}`).expect(200)).body.items.map((e: { entityId: string }) => e.entityId);
    expect(await ids('')).toEqual(['d2', 'd1', 'd0']);
    expect(await ids(`from=${encodeURIComponent('2026-03-02T00:00:00Z')}`)).toEqual(['d2', 'd1']);
    expect(await ids(`to=${encodeURIComponent('2026-03-02T10:00:00Z')}`)).toEqual(['d0']);
    expect(await ids(`from=${encodeURIComponent('2026-03-01T12:00:00Z')}&to=${encodeURIComponent('2026-03-03T00:00:00Z')}`)).toEqual(['d1']);
  });

  it('a tampered or foreign cursor is 400 INVALID_CURSOR', async () => {
    const res = await as(t, auditorToken).get('/api/v1/audit-events?limit=1').expect(200);
    const cursor: string = res.body.nextCursor;
    expectProblem(await as(t, auditorToken).get(`/api/v1/audit-events?cursor=${encodeURIComponent(cursor.slice(0, -2) + 'xx')}`), 400, 'INVALID_CURSOR');
  });

  it.each<[Role[]]>([[['platform_admin']], [['org_admin']], [['caseworker']], [['manager']], [['analyst']], [['org_admin', 'manager']]])(
    '%j may neither list nor verify the trail (403)',
    async (roles) => {
      const u = await makeUser(t, mine, roles);
      expectProblem(await as(t, u).get('/api/v1/audit-events'), 403, 'FORBIDDEN');
      expectProblem(await as(t, u).get('/api/v1/audit-events/verify'), 403, 'FORBIDDEN');
    },
  );

  it('anonymous → 401', async () => {
    expectProblem(await t.http.get('/api/v1/audit-events'), 401, 'UNAUTHENTICATED');
    expectProblem(await t.http.get('/api/v1/audit-events/verify'), 401, 'UNAUTHENTICATED');
  });
});
