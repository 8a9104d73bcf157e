import type { MigrationInterface, QueryRunner } from 'typeorm';

const GIN_INDEXES = ['cases_name_keys_idx', 'cases_search_name_trgm_idx', 'cases_vulnerability_flags_idx', 'name_vocabulary_trgm_idx'];

/**
 * GIN indexes without the pending list (issue 12, found profiling the name search at 1,000,000
 * cases). With `fastupdate` on (PostgreSQL's default) a GIN index queues the keys of new rows in
 * an unordered pending list that every search reads whole, until a vacuum or 4 MB of it merges
 * them. Cases are only inserted and updated, so autovacuum comes every ~200,000 registrations:
 * in between, each name-key probe of the search read 47 pages of pending list instead of 4
 * (1.5–1.8 ms instead of 0.09 ms; four probes a query), and the registration that crossed 4 MB
 * paid the whole merge. Off, each insert places its keys in the index at once: a registration
 * pays a few more page writes, every search stops paying for all recent registrations.
 * The lists already pending are merged now.
 */
export class GinWithoutPendingList1796600000000 implements MigrationInterface {
    name = 'GinWithoutPendingList1796600000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET LOCAL statement_timeout = 0`);
        for (const index of GIN_INDEXES) {
            await queryRunner.query(`ALTER INDEX "${index}" SET (fastupdate = off)`);
            await queryRunner.query(`SELECT gin_clean_pending_list('"${index}"'::regclass)`);
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        for (const index of GIN_INDEXES) await queryRunner.query(`ALTER INDEX "${index}" RESET (fastupdate)`);
    }
}
