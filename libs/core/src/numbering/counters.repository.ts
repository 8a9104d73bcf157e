import type { DataSource, EntityManager } from 'typeorm';
import { poolOf } from '@passerelle/common';

// The SQL of counters. Two functions, not an injectable class: the features that number things
// (cases, letters, movements) call them inside their own transaction, or on a connection of its own.

/**
 * The next number of a gapless per-scope, per-year series (case numbers, letter serials). The
 * upsert takes a row lock held until the caller's transaction ends: concurrent registrations
 * in one organization and year queue on it, and a rollback gives the number back.
 */
export async function nextNumber(em: EntityManager, scope: string, year: number): Promise<number> {
  const [row] = await em.query(
    `INSERT INTO counters (scope, year, value) VALUES ($1, $2, 1)
     ON CONFLICT (scope, year) DO UPDATE SET value = counters.value + 1
     RETURNING value`,
    [scope, year],
  );
  return Number(row.value);
}

/**
 * The next number of a per-scope, per-year series, taken in a transaction of its own that
 * commits without waiting for its WAL flush, so the counter row is locked for the statement
 * only, not until the caller's commit: concurrent registrations of an organization no longer
 * queue on it (issue 12: 45 ms of lock wait a registration, 144/s). Not gapless: a caller whose
 * transaction fails after taking its number leaves a gap, so take it after every validation.
 * Never a duplicate: the caller's synchronous commit flushes the WAL up to its own commit record,
 * the counter's included, so a durable record implies a durable counter; a crash before it loses
 * at most numbers no record holds. One round trip (BEGIN; SET LOCAL; upsert; COMMIT).
 */
export async function allocateNumber(ds: DataSource, scope: string, year: number): Promise<number> {
  const client = await poolOf(ds).connect();
  let results: { rows: { value: number | string }[] }[];
  try {
    // A multi-statement text answers one result per statement.
    results = (await client.query(
      `BEGIN; SET LOCAL synchronous_commit = off;
       INSERT INTO counters (scope, year, value) VALUES (${client.escapeLiteral(scope)}, ${Math.trunc(year)}, 1)
       ON CONFLICT (scope, year) DO UPDATE SET value = counters.value + 1 RETURNING value;
       COMMIT`,
    )) as unknown as { rows: { value: number | string }[] }[];
  } catch (err) {
    // Dropped, not returned to the pool: a failed multi-statement leaves its transaction open.
    client.release(err as Error);
    throw err;
  }
  client.release();
  return Number(results[2].rows[0].value);
}
