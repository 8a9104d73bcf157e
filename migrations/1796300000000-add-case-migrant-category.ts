import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10: a case may be registered as a returnee (a Malian back home), which opens
 * reintegration without a return of ours. Null for the cases registered before: not recorded.
 */
export class AddCaseMigrantCategory1796300000000 implements MigrationInterface {
    name = 'AddCaseMigrantCategory1796300000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "cases" ADD "migrant_category" text`);
        await queryRunner.query(`
            ALTER TABLE "cases" ADD CONSTRAINT "cases_migrant_category_check"
            CHECK (migrant_category IS NULL OR migrant_category IN ('in_transit', 'returnee', 'other'))
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "cases" DROP CONSTRAINT "cases_migrant_category_check"`);
        await queryRunner.query(`ALTER TABLE "cases" DROP COLUMN "migrant_category"`);
    }
}
