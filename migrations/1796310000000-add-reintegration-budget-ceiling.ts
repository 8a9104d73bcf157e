import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 10: per organization, the plan budget (XOF) above which a second manager must approve; null: no ceiling. */
export class AddReintegrationBudgetCeiling1796310000000 implements MigrationInterface {
    name = 'AddReintegrationBudgetCeiling1796310000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "organizations" ADD "reintegration_budget_ceiling_xof" bigint`);
        await queryRunner.query(`
            ALTER TABLE "organizations" ADD CONSTRAINT "organizations_reintegration_budget_ceiling_check"
            CHECK (reintegration_budget_ceiling_xof IS NULL OR reintegration_budget_ceiling_xof >= 0)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "organizations" DROP CONSTRAINT "organizations_reintegration_budget_ceiling_check"`);
        await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "reintegration_budget_ceiling_xof"`);
    }
}
