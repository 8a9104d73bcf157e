import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { DataSource } from 'typeorm';
import { databaseOptions, migrate } from '@passerelle/common';
import { ENTITIES } from '@passerelle/core';
import { MIGRATIONS } from '../../migrations/index.js';

const TEMPLATE = 'passerelle_template';
const LOCK = 7_341_001;

export function adminUrl(): string {
  const url = process.env.TEST_DATABASE_ADMIN_URL;
  if (!url) throw new Error('TEST_DATABASE_ADMIN_URL is not set: run the tests through jest (globalSetup starts PostgreSQL)');
  return url;
}

export function databaseUrl(name: string, base = adminUrl()): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Migrates `url` and installs the pg-boss schema. */
export async function prepareDatabase(url: string): Promise<void> {
  const ds = new DataSource(databaseOptions({ url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2 }));
  await ds.initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 1 });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.stop({ graceful: false, close: true });
}

/**
 * A fresh database for one test file, cloned from a migrated template (built once per run
 * under an advisory lock, ~100 ms a clone). Files never share data, so they run in parallel.
 */
export async function createTestDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [LOCK]);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE ${TEMPLATE}_building`);
      await prepareDatabase(databaseUrl(`${TEMPLATE}_building`));
      await admin.query(`ALTER DATABASE ${TEMPLATE}_building RENAME TO ${TEMPLATE}`);
    }
    const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
    return databaseUrl(name);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => undefined);
    await admin.end();
  }
}

/** A small pool for assertions straight against the test database. */
export class TestDb {
  readonly pool: pg.Pool;
  constructor(readonly url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 3 });
    this.pool.on('error', () => undefined);
  }
  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
  async row<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}
