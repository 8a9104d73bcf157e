import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organizations, sites, users, refresh tokens, login lockout, the audit trail and the Mali
 * administrative areas (OCHA COD-AB P-codes, shared/reference/mali-admin.csv) (issue 4).
 */
export class CreateIdentity1795425359659 implements MigrationInterface {
    name = 'CreateIdentity1795425359659'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" uuid NOT NULL,
                "seq" BIGSERIAL NOT NULL,
                "txid" bigint NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "organization_id" uuid,
                "actor_user_id" uuid,
                "actor_organization_id" uuid,
                "action" text NOT NULL,
                "entity_type" text NOT NULL,
                "entity_id" text,
                "changes" jsonb,
                "details" jsonb,
                "request_id" text,
                "ip" text,
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events" ("seq")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_events_entity_idx" ON "audit_events" ("entity_type", "entity_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_events_org_at_idx" ON "audit_events" ("organization_id", "at")
        `);
        await queryRunner.query(`
            CREATE TABLE "audit_seals" (
                "event_id" uuid NOT NULL,
                "chain" text NOT NULL,
                "position" bigint NOT NULL,
                "prev_hash" text NOT NULL,
                "hash" text NOT NULL,
                "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_9ba4ac55a1461c660ad1c49e265" PRIMARY KEY ("event_id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "audit_seals_chain_position_key" ON "audit_seals" ("chain", "position")
        `);
        await queryRunner.query(`
            CREATE TABLE "login_failures" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "email" text NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ip" text,
                CONSTRAINT "PK_8211e8ec810fd7f976b98ce97a0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "login_failures_email_at_idx" ON "login_failures" ("email", "at")
        `);
        await queryRunner.query(`
            CREATE TABLE "account_lockouts" (
                "email" text NOT NULL,
                "locked_until" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_1ed14445cbad519fac922d1b6b2" PRIMARY KEY ("email")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "organizations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" text NOT NULL,
                "name" text NOT NULL,
                "kind" text NOT NULL,
                "capabilities" text array NOT NULL DEFAULT '{}',
                "active" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "organizations_kind_check" CHECK (
                    kind IN (
                        'intergovernmental',
                        'ngo',
                        'health_facility',
                        'government',
                        'platform'
                    )
                ),
                CONSTRAINT "organizations_capabilities_check" CHECK (
                    capabilities <@ ARRAY ['information', 'reception', 'orientation', 'profiling', 'health', 'psychosocial', 'legal', 'shelter', 'food', 'documentation', 'transport', 'indulgence_letter', 'return', 'reintegration', 'protection']::text []
                ),
                CONSTRAINT "organizations_code_check" CHECK (code ~ '^[A-Z0-9-]{2,20}$'),
                CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "organizations_code_key" ON "organizations" ("code")
        `);
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organization_id" uuid NOT NULL,
                "email" text NOT NULL,
                "display_name" text NOT NULL,
                "password_hash" text NOT NULL,
                "roles" text array NOT NULL,
                "site_ids" uuid array NOT NULL DEFAULT '{}',
                "active" boolean NOT NULL DEFAULT true,
                "last_login_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "users_email_check" CHECK (email = lower(email)),
                CONSTRAINT "users_roles_check" CHECK (
                    cardinality(roles) > 0
                    AND roles <@ ARRAY ['platform_admin', 'org_admin', 'caseworker', 'manager', 'analyst', 'auditor']::text []
                ),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "users_organization_id_idx" ON "users" ("organization_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "family_id" uuid NOT NULL,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "rotated_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens" ("family_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "sites" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organization_id" uuid NOT NULL,
                "name" text NOT NULL,
                "kind" text NOT NULL,
                "region" text,
                "region_pcode" text,
                "cercle" text,
                "cercle_pcode" text,
                "commune" text,
                "commune_pcode" text,
                "bed_capacity" integer,
                "max_stay_days" integer,
                "services" text array NOT NULL DEFAULT '{}',
                "active" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "sites_max_stay_check" CHECK (
                    max_stay_days IS NULL
                    OR max_stay_days BETWEEN 1 AND 365
                ),
                CONSTRAINT "sites_capacity_check" CHECK (
                    bed_capacity IS NULL
                    OR bed_capacity BETWEEN 0 AND 10000
                ),
                CONSTRAINT "sites_kind_check" CHECK (
                    kind IN (
                        'transit_centre',
                        'shelter',
                        'office',
                        'health_facility',
                        'flow_monitoring_point'
                    )
                ),
                CONSTRAINT "PK_4f5eccb1dfde10c9170502595a7" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "sites_organization_id_idx" ON "sites" ("organization_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "users_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "refresh_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "sites"
            ADD CONSTRAINT "sites_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);

        // Case-insensitive unique email (the column is stored lower-cased, see users_email_check).
        await queryRunner.query(`CREATE UNIQUE INDEX "users_email_key" ON "users" (lower(email))`);
        // DESIGN §7: the audit trail is append-only, enforced by the database itself.
        await queryRunner.query(`
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
            END $$`);
        for (const table of ['audit_events', 'audit_seals']) {
            await queryRunner.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
            await queryRunner.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
        }
        // Reference data (not an entity): regions (admin 1) and cercles (admin 2) with P-codes.
        await queryRunner.query(`
            CREATE TABLE admin_areas (
                pcode text PRIMARY KEY,
                level smallint NOT NULL CHECK (level IN (1, 2, 3)),
                name text NOT NULL,
                parent_pcode text REFERENCES admin_areas (pcode),
                iso_3166_2 text
            )`);
        await queryRunner.query(`INSERT INTO admin_areas (level, pcode, name, parent_pcode, iso_3166_2) VALUES
        (1, 'ML01', 'Kayes', NULL, 'ML-1'),
        (1, 'ML02', 'Koulikoro', NULL, 'ML-2'),
        (1, 'ML03', 'Sikasso', NULL, 'ML-3'),
        (1, 'ML04', 'Ségou', NULL, 'ML-4'),
        (1, 'ML05', 'Mopti', NULL, 'ML-5'),
        (1, 'ML06', 'Tombouctou', NULL, 'ML-6'),
        (1, 'ML07', 'Gao', NULL, 'ML-7'),
        (1, 'ML08', 'Kidal', NULL, 'ML-8'),
        (1, 'ML09', 'Bamako', NULL, 'ML-BKO'),
        (1, 'ML10', 'Ménaka', NULL, 'ML-9'),
        (2, 'ML0701', 'Ansongo', 'ML07', NULL),
        (2, 'ML0702', 'Bourem', 'ML07', NULL),
        (2, 'ML0703', 'Gao', 'ML07', NULL),
        (2, 'ML1001', 'Ménaka', 'ML10', NULL),
        (2, 'ML0801', 'Abeibara', 'ML08', NULL),
        (2, 'ML0802', 'Kidal', 'ML08', NULL),
        (2, 'ML0803', 'Tessalit', 'ML08', NULL),
        (2, 'ML0804', 'Tin-Essako', 'ML08', NULL),
        (2, 'ML0601', 'Diré', 'ML06', NULL),
        (2, 'ML0602', 'Goundam', 'ML06', NULL),
        (2, 'ML0603', 'Gourma-Rharous', 'ML06', NULL),
        (2, 'ML0604', 'Niafunké', 'ML06', NULL),
        (2, 'ML0605', 'Tombouctou', 'ML06', NULL),
        (2, 'ML0501', 'Bandiagara', 'ML05', NULL),
        (2, 'ML0502', 'Bankass', 'ML05', NULL),
        (2, 'ML0503', 'Djenné', 'ML05', NULL),
        (2, 'ML0504', 'Douentza', 'ML05', NULL),
        (2, 'ML0505', 'Koro', 'ML05', NULL),
        (2, 'ML0506', 'Mopti', 'ML05', NULL),
        (2, 'ML0507', 'Ténenkou', 'ML05', NULL),
        (2, 'ML0508', 'Youwarou', 'ML05', NULL),
        (2, 'ML0401', 'Barouéli', 'ML04', NULL),
        (2, 'ML0402', 'Bla', 'ML04', NULL),
        (2, 'ML0403', 'Macina', 'ML04', NULL),
        (2, 'ML0404', 'Niono', 'ML04', NULL),
        (2, 'ML0405', 'San', 'ML04', NULL),
        (2, 'ML0406', 'Ségou', 'ML04', NULL),
        (2, 'ML0407', 'Tominian', 'ML04', NULL),
        (2, 'ML0101', 'Bafoulabé', 'ML01', NULL),
        (2, 'ML0102', 'Diéma', 'ML01', NULL),
        (2, 'ML0103', 'Kayes', 'ML01', NULL),
        (2, 'ML0104', 'Kéniéba', 'ML01', NULL),
        (2, 'ML0105', 'Kita', 'ML01', NULL),
        (2, 'ML0106', 'Nioro', 'ML01', NULL),
        (2, 'ML0107', 'Yélimané', 'ML01', NULL),
        (2, 'ML0201', 'Banamba', 'ML02', NULL),
        (2, 'ML0202', 'Dioïla', 'ML02', NULL),
        (2, 'ML0203', 'Kangaba', 'ML02', NULL),
        (2, 'ML0204', 'Kati', 'ML02', NULL),
        (2, 'ML0205', 'Kolokani', 'ML02', NULL),
        (2, 'ML0206', 'Koulikoro', 'ML02', NULL),
        (2, 'ML0301', 'Bougouni', 'ML03', NULL),
        (2, 'ML0302', 'Kadiolo', 'ML03', NULL),
        (2, 'ML0303', 'Kolondiéba', 'ML03', NULL),
        (2, 'ML0304', 'Koutiala', 'ML03', NULL),
        (2, 'ML0305', 'Sikasso', 'ML03', NULL),
        (2, 'ML0306', 'Yanfolila', 'ML03', NULL),
        (2, 'ML0307', 'Yorosso', 'ML03', NULL),
        (2, 'ML0901', 'Bamako', 'ML09', NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE admin_areas`);
        await queryRunner.query(`DROP TABLE audit_seals`);
        await queryRunner.query(`DROP TABLE audit_events`);
        await queryRunner.query(`DROP FUNCTION audit_append_only()`);
        await queryRunner.query(`DROP INDEX "users_email_key"`);
        await queryRunner.query(`
            ALTER TABLE "sites" DROP CONSTRAINT "sites_organization_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "refresh_tokens_user_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "users_organization_id_fkey"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."sites_organization_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "sites"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_token_hash_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_family_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."users_organization_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."organizations_code_key"
        `);
        await queryRunner.query(`
            DROP TABLE "organizations"
        `);
        await queryRunner.query(`
            DROP TABLE "account_lockouts"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."login_failures_email_at_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "login_failures"
        `);
    }

}
