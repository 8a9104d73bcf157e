import type { EntityManager } from 'typeorm';

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
