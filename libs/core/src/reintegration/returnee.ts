import type { EntityManager } from 'typeorm';

/**
 * Issue 10 (a): the case has an `arrived` return whose destination is `country`. Written against
 * the contract of the Returns feature (issue 9: table `returns` with `case_id`, `status`,
 * `destination_country`), which is built on another branch; until its table exists this finds
 * no return at all.
 */
export async function hasArrivedReturnToContract(em: EntityManager, caseId: string, country: string): Promise<boolean> {
  const [table] = await em.query(`SELECT to_regclass('public.returns') IS NOT NULL AS present`);
  if (!table?.present) return false;
  const rows = await em.query(`SELECT 1 FROM returns WHERE case_id = $1 AND status = 'arrived' AND destination_country = $2 LIMIT 1`, [caseId, country]);
  return rows.length > 0;
}
