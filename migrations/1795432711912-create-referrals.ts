import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Referrals, service records, alerts, and the live shares a referral gives (issue 6). */
export class CreateReferrals1795432711912 implements MigrationInterface {
    name = 'CreateReferrals1795432711912'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "alerts" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "recipient_user_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "type" text NOT NULL,
                "entity_type" text NOT NULL,
                "entity_id" uuid NOT NULL,
                "message" text NOT NULL,
                "status" text NOT NULL,
                "dedupe_key" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "acknowledged_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "alerts_acknowledged_check" CHECK (
                    (status = 'acknowledged') = (acknowledged_at IS NOT NULL)
                ),
                CONSTRAINT "alerts_status_check" CHECK (status IN ('open', 'acknowledged')),
                CONSTRAINT "PK_60f895662df096bfcdfab7f4b96" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "alerts_recipient_idx" ON "alerts" (
                "recipient_user_id",
                "status",
                "created_at",
                "id"
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "alerts_dedupe_key_key" ON "alerts" ("dedupe_key")
        `);
        await queryRunner.query(`
            CREATE TABLE "referrals" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "from_organization_id" uuid NOT NULL,
                "to_organization_id" uuid NOT NULL,
                "to_site_id" uuid,
                "service_type" text NOT NULL,
                "urgency" text NOT NULL,
                "reason" text NOT NULL,
                "shared_sections" text array NOT NULL,
                "status" text NOT NULL,
                "respond_by" TIMESTAMP WITH TIME ZONE NOT NULL,
                "responded_at" TIMESTAMP WITH TIME ZONE,
                "responded_by" uuid,
                "decline_reason" text,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "completed_by" uuid,
                "outcome" text,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "cancelled_by" uuid,
                "cancel_reason" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "referrals_cancelled_check" CHECK (
                    (status = 'cancelled') = (cancel_reason IS NOT NULL)
                ),
                CONSTRAINT "referrals_declined_check" CHECK (
                    (status = 'declined') = (decline_reason IS NOT NULL)
                ),
                CONSTRAINT "referrals_identity_shared_check" CHECK ('identity' = ANY(shared_sections)),
                CONSTRAINT "referrals_other_org_check" CHECK (to_organization_id <> from_organization_id),
                CONSTRAINT "referrals_urgency_check" CHECK (urgency IN ('emergency', 'high', 'normal')),
                CONSTRAINT "referrals_status_check" CHECK (
                    status IN (
                        'pending',
                        'accepted',
                        'declined',
                        'completed',
                        'cancelled'
                    )
                ),
                CONSTRAINT "PK_ea9980e34f738b6252817326c08" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "referrals_case_idx" ON "referrals" ("case_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "referrals_from_created_idx" ON "referrals" ("from_organization_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "referrals_to_created_idx" ON "referrals" ("to_organization_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "service_records" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "providing_organization_id" uuid NOT NULL,
                "referral_id" uuid,
                "service_type" text NOT NULL,
                "date" date NOT NULL,
                "description" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                CONSTRAINT "PK_eb60ec90c5548e73a5211c48ab9" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "service_records_referral_idx" ON "service_records" ("referral_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "service_records_provider_idx" ON "service_records" ("providing_organization_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "service_records_case_idx" ON "service_records" ("case_id", "created_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "alerts"
            ADD CONSTRAINT "alerts_recipient_user_id_fkey" FOREIGN KEY ("recipient_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "referrals"
            ADD CONSTRAINT "referrals_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "referrals"
            ADD CONSTRAINT "referrals_from_organization_id_fkey" FOREIGN KEY ("from_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "referrals"
            ADD CONSTRAINT "referrals_to_organization_id_fkey" FOREIGN KEY ("to_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "referrals"
            ADD CONSTRAINT "referrals_to_site_id_fkey" FOREIGN KEY ("to_site_id") REFERENCES "sites"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "service_records"
            ADD CONSTRAINT "service_records_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "service_records"
            ADD CONSTRAINT "service_records_providing_organization_id_fkey" FOREIGN KEY ("providing_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "service_records"
            ADD CONSTRAINT "service_records_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        // The receiver's shared view (DESIGN §2), one definition for the CASL field map and the
        // loaded cases: a pending or accepted referral whose case has an active referral consent
        // covering the receiving organization (no organization listed: it covers all).
        await queryRunner.query(`
            CREATE VIEW "case_shares" AS
            SELECT r.id AS referral_id, r.case_id, r.to_organization_id AS organization_id, r.shared_sections AS sections
            FROM referrals r
            WHERE r.status IN ('pending', 'accepted')
              AND COALESCE((
                SELECT true FROM consents k
                WHERE k.case_id = r.case_id AND k.purpose = 'referral' AND k.withdrawn_at IS NULL
                  AND (cardinality(k.organization_ids) = 0 OR r.to_organization_id = ANY (k.organization_ids))
                LIMIT 1), false)
        `);
        // A correlated probe per live referral (a scalar subquery, never turned into a hash join
        // over every consent), served by this index of the active referral consents.
        await queryRunner.query(`
            CREATE INDEX "consents_referral_active_idx" ON "consents" ("case_id") WHERE purpose = 'referral' AND withdrawn_at IS NULL
        `);
        // The shares of one receiving organization (the case list's scope) and the overdue job's scan.
        await queryRunner.query(`
            CREATE INDEX "referrals_live_to_idx" ON "referrals" ("to_organization_id", "case_id") WHERE status IN ('pending', 'accepted')
        `);
        await queryRunner.query(`
            CREATE INDEX "referrals_pending_respond_by_idx" ON "referrals" ("respond_by") WHERE status = 'pending'
        `);
        // A case's timeline also holds the events of its referrals and services (details.caseId).
        await queryRunner.query(`
            CREATE INDEX "audit_events_case_id_idx" ON "audit_events" ((details ->> 'caseId')) WHERE details ? 'caseId'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."audit_events_case_id_idx"`);
        await queryRunner.query(`DROP INDEX "public"."referrals_pending_respond_by_idx"`);
        await queryRunner.query(`DROP INDEX "public"."referrals_live_to_idx"`);
        await queryRunner.query(`DROP INDEX "public"."consents_referral_active_idx"`);
        await queryRunner.query(`DROP VIEW "case_shares"`);
        await queryRunner.query(`
            ALTER TABLE "service_records" DROP CONSTRAINT "service_records_referral_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "service_records" DROP CONSTRAINT "service_records_providing_organization_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "service_records" DROP CONSTRAINT "service_records_case_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "referrals" DROP CONSTRAINT "referrals_to_site_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "referrals" DROP CONSTRAINT "referrals_to_organization_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "referrals" DROP CONSTRAINT "referrals_from_organization_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "referrals" DROP CONSTRAINT "referrals_case_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "alerts" DROP CONSTRAINT "alerts_recipient_user_id_fkey"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."service_records_case_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."service_records_provider_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."service_records_referral_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "service_records"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."referrals_to_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."referrals_from_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."referrals_case_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "referrals"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."alerts_dedupe_key_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."alerts_recipient_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "alerts"
        `);
    }

}
