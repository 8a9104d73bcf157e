import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CommonModule, databaseOptions, poolOf } from '@passerelle/common';
import { ENTITIES, typeOrmOptions } from '@passerelle/core';
import { HEARTBEAT_JOB, HeartbeatJob, JobRunner, JobsModule } from '@passerelle/core/jobs';
import { MIGRATIONS } from '../../migrations/index.js';
import { testConfig } from '../support/app.js';
import { createTestDatabase, TestDb } from '../support/db.js';

describe('migrations', () => {
  it('apply on an empty database, revert completely, and apply again', async () => {
    const url = await createTestDatabase();
    const ds = new DataSource(databaseOptions({ url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2 }));
    await ds.initialize();
    try {
      const tables = async () => (await ds.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1")).map((r: { tablename: string }) => r.tablename);
      const migrated = await tables();
      expect(migrated.length).toBeGreaterThan(0);
      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
      expect(await tables()).toEqual([]);
      await ds.runMigrations();
      expect(await tables()).toEqual(migrated);
      const extensions = (await ds.query('SELECT extname FROM pg_extension')).map((r: { extname: string }) => r.extname);
      expect(extensions).toEqual(expect.arrayContaining(['pg_trgm', 'unaccent', 'pgcrypto']));
    } finally {
      await ds.destroy();
    }
  });

  it('every GIN index has no pending list (fastupdate off): a search never reads the keys of all recent inserts unsorted', async () => {
    const url = await createTestDatabase();
    const ds = new DataSource(databaseOptions({ url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2 }));
    await ds.initialize();
    try {
      const gin: { name: string; options: string[] | null }[] = await ds.query(
        `SELECT c.relname AS name, c.reloptions AS options FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE a.amname = 'gin' AND n.nspname = 'public' ORDER BY 1`,
      );
      expect(gin.map((g) => g.name)).toEqual(expect.arrayContaining(['cases_name_keys_idx', 'cases_search_name_trgm_idx']));
      for (const g of gin) expect({ index: g.name, options: g.options }).toEqual({ index: g.name, options: expect.arrayContaining(['fastupdate=off']) });
    } finally {
      await ds.destroy();
    }
  });

  it('the (organization, registration) index covers the coded columns the flows report groups by and the list filters on', async () => {
    const url = await createTestDatabase();
    const ds = new DataSource(databaseOptions({ url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2 }));
    await ds.initialize();
    try {
      const [{ def }] = await ds.query(`SELECT pg_get_indexdef('cases_owner_registered_idx'::regclass) AS def`);
      expect(def).toContain('(owning_organization_id, registered_at, id) INCLUDE (sex, nationality, birth_year, site_id, assigned_to, status, vulnerability_flags)');
    } finally {
      await ds.destroy();
    }
  });

  it('entities and schema do not drift (what migration:generate --check checks)', async () => {
    const url = await createTestDatabase();
    const ds = new DataSource(databaseOptions({ url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2 }));
    await ds.initialize();
    try {
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});

describe('worker: pg-boss job runner', () => {
  it('runs the heartbeat job through pg-boss and records the beat', async () => {
    const url = await createTestDatabase();
    const config = testConfig(url);
    const mod = await Test.createTestingModule({
      imports: [
        CommonModule.forRoot(config),
        TypeOrmModule.forRoot(typeOrmOptions({ url, poolSize: 2, migrations: MIGRATIONS, applicationName: 'test-worker' })),
        JobsModule,
      ],
    }).compile();
    const app = await mod.init();
    const db = new TestDb(url);
    try {
      const runner = app.get(JobRunner);
      await runner.start();
      await runner.send(HEARTBEAT_JOB);
      const workerId = app.get(HeartbeatJob).workerId;
      let beat: { beats: string } | undefined;
      for (let i = 0; i < 100 && !beat; i++) {
        beat = await db.row<{ beats: string }>('SELECT beats FROM worker_heartbeats WHERE worker_id = $1', [workerId]);
        if (!beat) await new Promise((r) => setTimeout(r, 100));
      }
      expect(beat).toBeDefined();
      expect(Number(beat!.beats)).toBeGreaterThanOrEqual(1);
      const schedules = await db.rows<{ name: string; cron: string }>('SELECT name, cron FROM pgboss.schedule');
      expect(schedules).toEqual(expect.arrayContaining([{ name: HEARTBEAT_JOB, cron: '* * * * *' }]));
    } finally {
      await app.close();
      await db.close();
    }
  });
});

describe('database connections', () => {
  const waitFor = async (ok: () => boolean) => {
    for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('a connection lost between two statements of a transaction fails that transaction, not the process, and the pool recovers', async () => {
    const url = await createTestDatabase();
    const ds = new DataSource(databaseOptions({ url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2 }));
    await ds.initialize();
    const db = new TestDb(url);
    try {
      const outcome = ds.transaction(async (em) => {
        const [{ pid }] = await em.query('SELECT pg_backend_pid() AS pid');
        const client = (em.queryRunner as unknown as { databaseConnection: import('pg').Client }).databaseConnection;
        let ended = false;
        client.once('end', () => (ended = true));
        // 57P01 arrives while no statement of this client is in flight: the client emits `error`.
        await db.rows('SELECT pg_terminate_backend($1)', [pid]);
        await waitFor(() => ended);
        expect(ended).toBe(true);
        await em.query('SELECT 1');
      });
      await expect(outcome).rejects.toThrow();
      expect(await ds.query('SELECT 41 + 1 AS n')).toEqual([{ n: 42 }]);
    } finally {
      await ds.destroy();
      await db.close();
    }
  });

  it('a checked-out client terminated while unused is discarded on release', async () => {
    const url = await createTestDatabase();
    const ds = new DataSource(databaseOptions({ url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 1 }));
    await ds.initialize();
    const db = new TestDb(url);
    try {
      const pool = poolOf(ds);
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      let ended = false;
      client.once('end', () => (ended = true));
      await db.rows('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await waitFor(() => ended);
      expect(ended).toBe(true);
      client.release();
      // The pool's only slot gets a fresh connection, not the dead one.
      const [{ pid }] = await ds.query('SELECT pg_backend_pid() AS pid');
      expect(pid).not.toBe(rows[0].pid);
    } finally {
      await ds.destroy();
      await db.close();
    }
  });
});
