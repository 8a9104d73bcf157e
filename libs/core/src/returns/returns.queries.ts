import type { EntityManager } from 'typeorm';

/**
 * Whether the case has an `arrived` return to `country` (ISO 3166-1 alpha-3): what the case's
 * closure with reason `returned` needs, and what lets a reintegration plan start for a returnee
 * home in Mali (`MLI`, DESIGN §6). No access check: the caller has already loaded the case.
 */
export async function hasArrivedReturnTo(em: EntityManager, caseId: string, country: string): Promise<boolean> {
  const rows = await em.query(`SELECT 1 FROM returns WHERE case_id = $1 AND status = 'arrived' AND destination_country = $2 LIMIT 1`, [caseId, country]);
  return rows.length > 0;
}

/** Whether the case has an `arrived` return, to any country. */
export async function hasArrivedReturn(em: EntityManager, caseId: string): Promise<boolean> {
  return (await em.query(`SELECT 1 FROM returns WHERE case_id = $1 AND status = 'arrived' LIMIT 1`, [caseId])).length > 0;
}

/** The case's return in progress (draft, submitted, approved), if any: its id and status. */
export async function returnInProgress(em: EntityManager, caseId: string): Promise<{ id: string; status: string } | null> {
  const [row] = await em.query(`SELECT id, status FROM returns WHERE case_id = $1 AND status IN ('draft', 'submitted', 'approved') LIMIT 1`, [caseId]);
  return row ?? null;
}
