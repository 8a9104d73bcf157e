import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '@passerelle/common';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { prepareDatabase } from '../support/db.js';
import { FixtureModule, WIDGETS_DDL } from '../support/fixture.module.js';

/*
 * Issue 3: when PostgreSQL goes away, requests answer 503 DATABASE_UNAVAILABLE within 2 s,
 * /health/ready says 503, /health/live stays 200, nothing crashes, and the API recovers by
 * itself within 30 s of the database coming back. This file runs its own cluster so that
 * stopping it does not disturb the other test files.
 */
let dir: string;
let pg: EmbeddedDatabase;
let t: TestApp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passerelle-outage-'));
  chmodSync(dir, 0o755);
  pg = await startEmbeddedPostgres({ dir, database: 'passerelle', ephemeral: true });
  await prepareDatabase(pg.url);
  t = await startTestApp({ databaseUrl: pg.url, imports: [FixtureModule] });
  await t.db.rows(WIDGETS_DDL);
}, 120_000);

afterAll(async () => {
  await t?.close().catch(() => undefined);
  await pg?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function timed<T>(fn: () => Promise<T>): Promise<{ res: T; ms: number }> {
  const start = Date.now();
  const res = await fn();
  return { res, ms: Date.now() - start };
}

it('answers 503 within 2 s while the database is down and recovers on its own', async () => {
  await t.http.get('/api/v1/test-widgets').expect(200);
  await t.http.get('/health/ready').expect(200);

  await pg.stop();

  for (let i = 0; i < 3; i++) {
    const list = await timed(() => t.http.get('/api/v1/test-widgets'));
    expectProblem(list.res, 503, 'DATABASE_UNAVAILABLE');
    expect(list.res.headers['retry-after']).toBeDefined();
    expect(list.ms).toBeLessThan(2000);
  }
  const write = await timed(() => t.http.post('/api/v1/test-widgets').send({ name: 'during outage' }));
  expectProblem(write.res, 503, 'DATABASE_UNAVAILABLE');
  expect(write.ms).toBeLessThan(2000);

  const ready = await timed(() => t.http.get('/health/ready'));
  expectProblem(ready.res, 503, 'DATABASE_UNAVAILABLE');
  expect(ready.ms).toBeLessThan(2000);
  await t.http.get('/health/live').expect(200);

  await pg.start();
  const back = Date.now();
  let status = 0;
  while (Date.now() - back < 30_000) {
    status = (await t.http.get('/api/v1/test-widgets')).status;
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(status).toBe(200);
  expect(Date.now() - back).toBeLessThan(30_000);
  await t.http.get('/health/ready').expect(200);
  // Nothing written during the outage.
  expect(await t.db.rows("SELECT 1 FROM test_widgets WHERE name = 'during outage'")).toHaveLength(0);
}, 90_000);
