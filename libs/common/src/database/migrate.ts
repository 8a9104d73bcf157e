import type { DataSource } from 'typeorm';

// Any fixed number: several API/worker replicas starting together migrate one at a time.
const MIGRATION_LOCK = 5_262_017;

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function migrate(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
