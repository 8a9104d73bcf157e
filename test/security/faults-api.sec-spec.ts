import { AuditSealer } from '@passerelle/core';
import { startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';
import { type Child, freePort, spawnApp } from './support/processes.js';

/*
 * Fault tolerance (issue 13): the API process SIGKILLed while case registrations are in flight.
 * Afterwards every case exists whole — its row, its registration consent, its `case.created`
 * audit event — or not at all; every acknowledged (201) registration is there; case numbers stay
 * unique; the restarted API serves; the audit chain, once sealed, verifies.
 * The API runs as a child process from the sources (test/security/support/processes.ts), on a
 * database of its own; an in-process app on the same database makes users and checks the rows.
 */

let t: TestApp;
let org: TestOrg;
let cw: TestUser;
let auditor: TestUser;
let api: Child | null = null;

beforeAll(async () => {
  t = await startTestApp();
  org = await makeOrg(t);
  cw = await makeUser(t, org, ['caseworker']);
  auditor = await makeUser(t, org, ['auditor']);
}, 60_000);
afterAll(async () => {
  await api?.kill();
  await t?.close();
});

const startApi = async (port: number) => spawnApp('api', t.config, { PORT: String(port), HOST: '127.0.0.1' }, /Passerelle API ready/);

it('SIGKILL during concurrent POST /cases: each case whole with its audit event, or absent; the restarted API serves and the chain verifies', async () => {
  const port = await freePort();
  api = await startApi(port);
  const base = `http://127.0.0.1:${port}/api/v1`;
  const register = (i: number) =>
    fetch(`${base}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cw.token}` },
      body: JSON.stringify({
        siteId: org.sites[0].id,
        identity: { givenName: 'Fatoumata', familyName: `Diallo ${i}`, sex: 'female', birthYear: 1995, nationality: 'GIN' },
        consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
        sensitive: { narrative: `protection narrative ${i}` },
      }),
    }).then(
      async (r) => ({ status: r.status, id: r.status === 201 ? ((await r.json()) as { id: string }).id : null, cause: null }),
      (e: { cause?: { code?: string } }) => ({ status: 0, id: null, cause: e.cause?.code ?? 'unknown' }),
    );

  // Six streams register one case after another; the API is killed after the 15th acknowledgement
  // and the streams go on sending until the process is gone, so that requests are in flight when
  // the signal lands (stopping them at the 15th acknowledgement let the five others finish first).
  const acknowledged: string[] = [];
  const statuses: number[] = [];
  const cut: string[] = [];
  let n = 0;
  let killing: Promise<void> | null = null;
  let dead = false;
  const stream = async () => {
    while (!dead) {
      const r = await register(++n);
      statuses.push(r.status);
      if (r.id) acknowledged.push(r.id);
      if (r.cause) cut.push(r.cause);
      if (acknowledged.length >= 15 && !killing) killing = api!.kill().then(() => void (dead = true));
    }
  };
  await Promise.all(Array.from({ length: 6 }, stream));
  await killing;
  const inFlight = await Promise.all(Array.from({ length: 6 }, (_, i) => register(1000 + i)));
  expect(inFlight.every((r) => r.status === 0)).toBe(true);
  expect(statuses.filter((s) => s !== 201 && s !== 0)).toEqual([]);
  // At least one registration was cut mid-request (a reset socket), not merely refused afterwards.
  expect(cut.filter((c) => c !== 'ECONNREFUSED').length).toBeGreaterThan(0);

  // Whole or absent.
  const [counts] = await t.db.rows<{ cases: number; created: number; orphans: number; incomplete: number; consentless: number }>(
    `SELECT (SELECT count(*)::int FROM cases WHERE owning_organization_id = $1) AS cases,
            (SELECT count(*)::int FROM audit_events WHERE action = 'case.created' AND organization_id = $1) AS created,
            (SELECT count(*)::int FROM audit_events e WHERE e.action = 'case.created' AND e.organization_id = $1
               AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id::text = e.entity_id)) AS orphans,
            (SELECT count(*)::int FROM cases c WHERE c.owning_organization_id = $1
               AND (SELECT count(*) FROM audit_events e WHERE e.entity_id = c.id::text AND e.action = 'case.created') <> 1) AS incomplete,
            (SELECT count(*)::int FROM cases c WHERE c.owning_organization_id = $1
               AND NOT EXISTS (SELECT 1 FROM consents k WHERE k.case_id = c.id AND k.purpose = 'registration')) AS consentless`,
    [org.org.id],
  );
  expect(counts).toMatchObject({ orphans: 0, incomplete: 0, consentless: 0 });
  expect(counts.created).toBe(counts.cases);
  expect(counts.cases).toBeGreaterThanOrEqual(acknowledged.length);
  const present = await t.db.rows<{ id: string }>('SELECT id FROM cases WHERE id = ANY($1::uuid[])', [acknowledged]);
  expect(present.length).toBe(acknowledged.length);
  const dupes = await t.db.rows('SELECT case_number FROM cases GROUP BY case_number HAVING count(*) > 1');
  expect(dupes).toEqual([]);

  // The restarted API serves, and registers the next case with the next number.
  api = await startApi(port);
  const after = await register(2000);
  expect(after.status).toBe(201);
  console.info(`API killed mid-registration: ${acknowledged.length} acknowledged, ${counts.cases} cases whole, ${cut.length + inFlight.length} cut off (${cut.join(', ')})`);

  // The chain, sealed after the crash, verifies.
  await t.app.get(AuditSealer).sealAll();
  const verify = await as(t, auditor).get('/api/v1/audit-events/verify').expect(200);
  expect(verify.body).toMatchObject({ ok: true, unsealed: 0 });
  expect(verify.body.checked).toBeGreaterThan(counts.cases);
}, 120_000);
