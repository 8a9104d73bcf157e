import type { TestDb } from './db.js';

/** Polls `what` every 100 ms until it holds, for up to 15 s: pg-boss runs jobs asynchronously. */
export async function waitFor(what: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await what()) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('timed out');
}

/** How many runs of the job `name` pg-boss has completed. */
export const completedJobs = (db: TestDb, name: string): Promise<number> =>
  db.row<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [name]).then((x) => x!.n);
