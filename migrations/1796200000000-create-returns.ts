import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Voluntary returns and movements (issue 9, DESIGN §6). The database keeps at most one return in
 * progress (draft, submitted, approved) per case, never lets the submitter decide on their own
 * return, and keeps each state's dates and reasons consistent with it.
 */
export class CreateReturns1796200000000 implements MigrationInterface {
    name = 'CreateReturns1796200000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "movements" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "reference" text NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "status" text NOT NULL,
                "departure_date" date NOT NULL,
                "carrier" text NOT NULL,
                "vehicle" text,
                "escort_staff" text array NOT NULL DEFAULT '{}',
                "departed_at" TIMESTAMP WITH TIME ZONE,
                "departed_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "movements_departed_check" CHECK ((status = 'departed') = (departed_at IS NOT NULL)),
                CONSTRAINT "movements_status_check" CHECK (status IN ('planned', 'departed')),
                CONSTRAINT "movements_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "movements_reference_key" ON "movements" ("reference")
        `);
        // The organization's convoys by departure date (the list, newest first).
        await queryRunner.query(`
            CREATE INDEX "movements_owner_departure_idx" ON "movements" ("owning_organization_id", "departure_date", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "returns" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "status" text NOT NULL,
                "destination_country" character(3) NOT NULL,
                "destination_locality" text NOT NULL,
                "mode" text NOT NULL,
                "escort_required" boolean NOT NULL DEFAULT false,
                "escort" jsonb,
                "pocket_money_xof" integer,
                "travel_document" jsonb,
                "legs" jsonb NOT NULL DEFAULT '[]',
                "submitted_by" uuid,
                "submitted_at" TIMESTAMP WITH TIME ZONE,
                "decided_by" uuid,
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "reject_reason" text,
                "cancel_reason" text,
                "cancelled_by" uuid,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "departed_at" TIMESTAMP WITH TIME ZONE,
                "departed_by" uuid,
                "arrived_at" TIMESTAMP WITH TIME ZONE,
                "arrival_confirmed_by" text,
                "movement_id" uuid,
                "version" integer NOT NULL DEFAULT 1,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "returns_arrived_check" CHECK ((status = 'arrived') = (arrived_at IS NOT NULL AND arrival_confirmed_by IS NOT NULL)),
                CONSTRAINT "returns_departed_check" CHECK ((status IN ('departed', 'arrived')) = (departed_at IS NOT NULL)),
                CONSTRAINT "returns_cancelled_check" CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
                CONSTRAINT "returns_rejected_check" CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
                CONSTRAINT "returns_maker_checker_check" CHECK (decided_by IS NULL OR submitted_by IS NULL OR decided_by <> submitted_by),
                CONSTRAINT "returns_pocket_money_check" CHECK (pocket_money_xof IS NULL OR pocket_money_xof >= 0),
                CONSTRAINT "returns_destination_country_check" CHECK (destination_country ~ '^[A-Z]{3}$'),
                CONSTRAINT "returns_mode_check" CHECK (mode IN ('road', 'air')),
                CONSTRAINT "returns_status_check" CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'departed', 'arrived', 'cancelled')),
                CONSTRAINT "returns_pkey" PRIMARY KEY ("id")
            )
        `);
        // The pipeline: the organization's returns, newest first (scanned backwards).
        await queryRunner.query(`
            CREATE INDEX "returns_owner_created_idx" ON "returns" ("owning_organization_id", "created_at", "id")
        `);
        // A case's returns (its list, the close check, the reintegration check).
        await queryRunner.query(`
            CREATE INDEX "returns_case_created_idx" ON "returns" ("case_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "returns_movement_idx" ON "returns" ("movement_id")
        `);
        // One return in progress per case (409 RETURN_IN_PROGRESS through CONSTRAINT_CODES, after the service's own check).
        await queryRunner.query(`
            CREATE UNIQUE INDEX "returns_one_in_progress_per_case" ON "returns" ("case_id") WHERE status IN ('draft', 'submitted', 'approved')
        `);
        await queryRunner.query(`
            ALTER TABLE "movements"
            ADD CONSTRAINT "movements_owning_organization_id_fkey" FOREIGN KEY ("owning_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "returns"
            ADD CONSTRAINT "returns_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "returns"
            ADD CONSTRAINT "returns_owning_organization_id_fkey" FOREIGN KEY ("owning_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "returns"
            ADD CONSTRAINT "returns_movement_id_fkey" FOREIGN KEY ("movement_id") REFERENCES "movements"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "returns" DROP CONSTRAINT "returns_movement_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "returns" DROP CONSTRAINT "returns_owning_organization_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "returns" DROP CONSTRAINT "returns_case_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "movements" DROP CONSTRAINT "movements_owning_organization_id_fkey"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."returns_one_in_progress_per_case"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."returns_movement_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."returns_case_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."returns_owner_created_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "returns"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."movements_owner_departure_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."movements_reference_key"
        `);
        await queryRunner.query(`
            DROP TABLE "movements"
        `);
    }
}
