import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CommonModule, databaseOptions } from '@passerelle/common';
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
