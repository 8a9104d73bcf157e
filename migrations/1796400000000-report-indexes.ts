import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, GET /reports/summary: a manager's home screen counts their organization's open cases
 * and pending referrals (each way, and those past respondBy) on every visit. Partial indexes keep
 * those counts to the live rows of one organization (index-only scans) instead of every case or
 * referral it ever had. The period reports use the existing (organization, date) indexes:
 * cases_owner_registered_idx, referrals_from/to_created_idx, stays_owner_checked_in_idx.
 */
export class ReportIndexes1796400000000 implements MigrationInterface {
    name = 'ReportIndexes1796400000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "cases_open_owner_idx" ON "cases" ("owning_organization_id") WHERE status = 'open'`);
        await queryRunner.query(`CREATE INDEX "referrals_pending_from_idx" ON "referrals" ("from_organization_id", "respond_by") WHERE status = 'pending'`);
        await queryRunner.query(`CREATE INDEX "referrals_pending_to_idx" ON "referrals" ("to_organization_id", "respond_by") WHERE status = 'pending'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "referrals_pending_to_idx"`);
        await queryRunner.query(`DROP INDEX "referrals_pending_from_idx"`);
        await queryRunner.query(`DROP INDEX "cases_open_owner_idx"`);
    }
}
