import type { MigrationInterface, QueryRunner } from 'typeorm';

const COVERED = 'sex, nationality, birth_year, site_id, assigned_to, status, vulnerability_flags';

/**
 * The (organization, registration time) index carries the coded columns that the flows report
 * groups by and the case list's scope and filters test (issue 12). The flows report of one
 * organization's last 12 months (≈100,000 of 1,000,000 cases) read its rows from ~11,000 heap
 * pages (a bitmap heap scan: 360 of its 480 ms); with the columns in the index it reads the index
 * alone (index-only scan; heap pages only for rows not yet all-visible). The case list's keys
 * of one scope branch (site or assignee, status, nationality, …) likewise. Rebuilt under the
 * same name; reasons for migration and intended destination stay in `journey` (jsonb, read from
 * the heap when a report groups by them).
 */
export class CoveringRegistrationsIndex1796610000000 implements MigrationInterface {
    name = 'CoveringRegistrationsIndex1796610000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET LOCAL statement_timeout = 0`);
        await queryRunner.query(`CREATE INDEX "cases_owner_registered_covering_idx" ON "cases" ("owning_organization_id", "registered_at", "id") INCLUDE (${COVERED})`);
        await queryRunner.query(`DROP INDEX "cases_owner_registered_idx"`);
        await queryRunner.query(`ALTER INDEX "cases_owner_registered_covering_idx" RENAME TO "cases_owner_registered_idx"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET LOCAL statement_timeout = 0`);
        await queryRunner.query(`CREATE INDEX "cases_owner_registered_plain_idx" ON "cases" ("owning_organization_id", "registered_at", "id")`);
        await queryRunner.query(`DROP INDEX "cases_owner_registered_idx"`);
        await queryRunner.query(`ALTER INDEX "cases_owner_registered_plain_idx" RENAME TO "cases_owner_registered_idx"`);
    }
}
