import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shelter stays and their extension requests (issue 7, DESIGN §5). Capacity is kept by the
 * check-in transaction (site row locked, active stays counted); the database itself keeps one
 * active stay per case, one pending extension request per stay, and never lets the requester
 * decide on their own request.
 */
export class CreateStays1795700000000 implements MigrationInterface {
    name = 'CreateStays1795700000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "stays" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "site_id" uuid NOT NULL,
                "referral_id" uuid,
                "status" text NOT NULL,
                "checked_in_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "expected_check_out_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "checked_out_at" TIMESTAMP WITH TIME ZONE,
                "checked_out_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "stays_dates_check" CHECK (
                    expected_check_out_at > checked_in_at AND (checked_out_at IS NULL OR checked_out_at >= checked_in_at)
                ),
                CONSTRAINT "stays_checked_out_check" CHECK ((status = 'checked_out') = (checked_out_at IS NOT NULL)),
                CONSTRAINT "stays_status_check" CHECK (status IN ('active', 'checked_out')),
                CONSTRAINT "stays_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "stays_case_idx" ON "stays" ("case_id")
        `);
        // Lists: the organization's stays, or one shelter's, newest check-in first (scanned backwards).
        await queryRunner.query(`
            CREATE INDEX "stays_site_checked_in_idx" ON "stays" ("site_id", "checked_in_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "stays_owner_checked_in_idx" ON "stays" ("owning_organization_id", "checked_in_at", "id")
        `);
        // One active stay per case, anywhere (409 ACTIVE_STAY_EXISTS through CONSTRAINT_CODES).
        await queryRunner.query(`
            CREATE UNIQUE INDEX "stays_one_active_per_case" ON "stays" ("case_id") WHERE status = 'active'
        `);
        // The beds counted at check-in, the occupancy and the alert scans: active stays only, a small index.
        await queryRunner.query(`
            CREATE INDEX "stays_active_site_idx" ON "stays" ("site_id", "expected_check_out_at") WHERE status = 'active'
        `);
        await queryRunner.query(`
            CREATE TABLE "stay_extensions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "stay_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "days" integer NOT NULL,
                "reason" text NOT NULL,
                "status" text NOT NULL,
                "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "requested_by" uuid NOT NULL,
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "decided_by" uuid,
                "decision_reason" text,
                CONSTRAINT "stay_extensions_maker_checker_check" CHECK (decided_by IS NULL OR decided_by <> requested_by),
                CONSTRAINT "stay_extensions_decided_check" CHECK ((status = 'pending') = (decided_at IS NULL)),
                CONSTRAINT "stay_extensions_days_check" CHECK (days BETWEEN 1 AND 30),
                CONSTRAINT "stay_extensions_status_check" CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
                CONSTRAINT "stay_extensions_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "stay_extensions_stay_idx" ON "stay_extensions" ("stay_id", "requested_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "stay_extensions_one_pending_per_stay" ON "stay_extensions" ("stay_id") WHERE status = 'pending'
        `);
        await queryRunner.query(`
            ALTER TABLE "stays"
            ADD CONSTRAINT "stays_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "stays"
            ADD CONSTRAINT "stays_owning_organization_id_fkey" FOREIGN KEY ("owning_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "stays"
            ADD CONSTRAINT "stays_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "stays"
            ADD CONSTRAINT "stays_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "stay_extensions"
            ADD CONSTRAINT "stay_extensions_stay_id_fkey" FOREIGN KEY ("stay_id") REFERENCES "stays"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "stay_extensions" DROP CONSTRAINT "stay_extensions_stay_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "stays" DROP CONSTRAINT "stays_referral_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "stays" DROP CONSTRAINT "stays_site_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "stays" DROP CONSTRAINT "stays_owning_organization_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "stays" DROP CONSTRAINT "stays_case_id_fkey"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."stay_extensions_one_pending_per_stay"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."stay_extensions_stay_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "stay_extensions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."stays_active_site_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."stays_one_active_per_case"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."stays_owner_checked_in_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."stays_site_checked_in_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."stays_case_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "stays"
        `);
    }
}
