import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * The SQL of anonymization (issue 11, DESIGN §7) on the case record and the core tables: the
 * retention batch, the case record blanked, its notes and free text gone, stored idempotent
 * responses naming it, and the name vocabulary pruned. Takes `em` first and never opens a
 * transaction; what a feature holds is its own SubjectDataHandler's.
 */
@Injectable()
export class AnonymizationRepository {
  /** Closed before `cutoff`, not yet anonymized, locked; rows another run holds are skipped (it does them). */
  async lockRetentionBatch(em: EntityManager, cutoff: Date, batch: number): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT id FROM cases WHERE status = 'closed' AND anonymized_at IS NULL AND closed_at < $1
           ORDER BY closed_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [cutoff, batch],
    );
    return rows.map((r) => r.id);
  }

  /** The case's state as stored now (its row locked by the caller). */
  async caseState(em: EntityManager, caseId: string): Promise<{ status: string; anonymized_at: Date | null }> {
    const [c] = await em.query('SELECT status, anonymized_at FROM cases WHERE id = $1', [caseId]);
    return c;
  }

  /** The words of the names of the cases not yet anonymized. */
  async nameWords(em: EntityManager, caseIds: string[]): Promise<string[]> {
    return (
      await em.query(`SELECT DISTINCT w FROM cases CROSS JOIN LATERAL unnest(string_to_array(search_name, ' ')) w WHERE id = ANY($1::uuid[]) AND anonymized_at IS NULL AND w <> ''`, [caseIds])
    ).map((r: { w: string }) => r.w);
  }

  /**
   * The case records, blanked: names, contact, documents, free text, sensitive section, date of
   * birth gone; birth year, sex, nationality, site, dates, codes kept. Cases already anonymized
   * are skipped; returns those done.
   */
  async anonymizeCases(em: EntityManager, caseIds: string[], now: Date, byUserId: string | null): Promise<{ id: string; owning_organization_id: string }[]> {
    // An UPDATE … RETURNING answers [rows, count].
    const [done]: [{ id: string; owning_organization_id: string }[], number] = await em.query(
      `UPDATE cases SET
         given_name = '', family_name = '', other_names = '{}', date_of_birth = NULL, languages = '{}',
         contact = '{}', documents = '[]', household_id = NULL, sensitive_ciphertext = NULL, sensitive_key_id = NULL,
         journey = jsonb_strip_nulls(jsonb_build_object(
           'countryOfOrigin', journey -> 'countryOfOrigin', 'intendedDestination', journey -> 'intendedDestination',
           'reasonsForMigration', journey -> 'reasonsForMigration', 'travellingWith', journey -> 'travellingWith',
           'educationLevel', journey -> 'educationLevel')),
         household = jsonb_strip_nulls(jsonb_build_object('size', household -> 'size')),
         anonymized_at = $2, updated_at = $2, updated_by = $3, version = version + 1
       WHERE id = ANY($1::uuid[]) AND anonymized_at IS NULL
       RETURNING id, owning_organization_id`,
      [caseIds, now, byUserId],
    );
    return done;
  }

  /** What the case file's tabs and requests hold about the anonymized cases, and replies naming them. */
  async eraseCaseData(em: EntityManager, ids: string[]): Promise<void> {
    await em.query('DELETE FROM case_notes WHERE case_id = ANY($1::uuid[])', [ids]);
    await em.query('UPDATE consents SET notes = NULL, withdrawal_reason = NULL WHERE case_id = ANY($1::uuid[]) AND (notes IS NOT NULL OR withdrawal_reason IS NOT NULL)', [ids]);
    await em.query('UPDATE anonymization_requests SET decision_reason = NULL WHERE case_id = ANY($1::uuid[]) AND decision_reason IS NOT NULL', [ids]);
    // Stored idempotent responses (24 h) that name the case: a replay would hand its data back.
    await em.query(
      `DELETE FROM idempotency_keys k WHERE k.response_body IS NOT NULL
       AND EXISTS (SELECT 1 FROM unnest($1::text[]) id WHERE strpos(k.response_body::text, id) > 0)`,
      [ids],
    );
  }

  /** Every base table of the schema with a case_id column. */
  async caseIdTables(em: EntityManager): Promise<string[]> {
    const rows: { table_name: string }[] = await em.query(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = current_schema() AND c.column_name = 'case_id'`,
    );
    return rows.map((r) => r.table_name);
  }

  /**
   * Deletes the words (all, or those given) no case holds any more, and answers them with the
   * transactions open now (pid:xid), which may have found one of them present.
   */
  async pruneVocabulary(em: EntityManager, only: readonly string[] | null): Promise<{ deleted: string[]; horizon: string[] }> {
    await em.query(`SET LOCAL statement_timeout = '10min'`);
    // A DELETE … RETURNING answers [rows, count].
    const [rows]: [{ token: string }[], number] = await em.query(
      `DELETE FROM name_vocabulary v WHERE ($1::text[] IS NULL OR v.token = ANY($1::text[]))
         AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.name_keys @> ARRAY[v.token]) RETURNING v.token`,
      [only],
    );
    const [{ open }] = await em.query(
      `SELECT COALESCE(array_agg(pid || ':' || backend_xid), '{}') AS open FROM pg_stat_activity
         WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
    );
    return { deleted: rows.map((r) => r.token), horizon: open as string[] };
  }

  /** How many of the `horizon` transactions (pid:xid) are still open. */
  async countOpen(em: EntityManager, horizon: string[]): Promise<number> {
    const [{ n }] = await em.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND (pid || ':' || backend_xid) = ANY($1::text[])`,
      [horizon],
    );
    return n;
  }

  /** Puts back the words deleted that a case holds (one registered meanwhile). */
  async restoreVocabulary(em: EntityManager, words: string[]): Promise<void> {
    await em.query(
      `INSERT INTO name_vocabulary (token, dmetaphone, dmetaphone_alt)
       SELECT DISTINCT t, dmetaphone(t), dmetaphone_alt(t) FROM cases c CROSS JOIN LATERAL unnest(c.name_keys) t
       WHERE c.name_keys && $1::text[] AND t = ANY($1::text[])
       ON CONFLICT (token) DO NOTHING`,
      [words],
    );
  }
}
