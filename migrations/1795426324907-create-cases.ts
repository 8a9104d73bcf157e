import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Cases, consents, AVRR screenings, notes and gapless counters (issue 5). */
export class CreateCases1795426324907 implements MigrationInterface {
    name = 'CreateCases1795426324907'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "cases" (
                "id" uuid NOT NULL,
                "case_number" text NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "site_id" uuid NOT NULL,
                "status" text NOT NULL,
                "closure_reason" text,
                "closed_at" TIMESTAMP WITH TIME ZONE,
                "version" integer NOT NULL DEFAULT '1',
                "assigned_to" uuid,
                "household_id" uuid,
                "registered_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "given_name" text NOT NULL,
                "family_name" text NOT NULL,
                "other_names" text array NOT NULL DEFAULT '{}',
                "sex" text NOT NULL,
                "date_of_birth" date,
                "birth_year" integer,
                "birth_date_estimated" boolean NOT NULL DEFAULT false,
                "nationality" text,
                "languages" text array NOT NULL DEFAULT '{}',
                "search_name" text NOT NULL,
                "contact" jsonb NOT NULL DEFAULT '{}',
                "documents" jsonb NOT NULL DEFAULT '[]',
                "journey" jsonb NOT NULL DEFAULT '{}',
                "vulnerabilities" jsonb NOT NULL DEFAULT '[]',
                "vulnerability_flags" text array NOT NULL DEFAULT '{}',
                "household" jsonb NOT NULL DEFAULT '{}',
                "sensitive_ciphertext" bytea,
                "sensitive_key_id" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "cases_sensitive_check" CHECK (
                    (sensitive_ciphertext IS NULL) = (sensitive_key_id IS NULL)
                ),
                CONSTRAINT "cases_birth_year_check" CHECK (
                    birth_year IS NULL
                    OR birth_year BETWEEN 1900 AND 2100
                ),
                CONSTRAINT "cases_nationality_check" CHECK (
                    nationality IS NULL
                    OR nationality ~ '^[A-Z]{3}$'
                ),
                CONSTRAINT "cases_sex_check" CHECK (sex IN ('female', 'male', 'other', 'unknown')),
                CONSTRAINT "cases_closed_check" CHECK (
                    (status = 'closed') = (closure_reason IS NOT NULL)
                ),
                CONSTRAINT "cases_status_check" CHECK (status IN ('open', 'closed')),
                CONSTRAINT "PK_264acb3048c240fb89aa34626db" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "cases_household_idx" ON "cases" ("household_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "cases_owner_assigned_idx" ON "cases" ("owning_organization_id", "assigned_to")
        `);
        await queryRunner.query(`
            CREATE INDEX "cases_owner_site_idx" ON "cases" ("owning_organization_id", "site_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "cases_owner_registered_idx" ON "cases" ("owning_organization_id", "registered_at", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "cases_case_number_key" ON "cases" ("case_number")
        `);
        await queryRunner.query(`
            CREATE TABLE "case_notes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "text" text NOT NULL,
                "author_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_474011f166285b8da9a653af5c5" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "case_notes_case_at_idx" ON "case_notes" ("case_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "consents" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "purpose" text NOT NULL,
                "basis" text NOT NULL,
                "method" text NOT NULL,
                "organization_ids" uuid array NOT NULL DEFAULT '{}',
                "notes" text,
                "recorded_by" uuid,
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "withdrawn_at" TIMESTAMP WITH TIME ZONE,
                "withdrawn_by" uuid,
                "withdrawal_reason" text,
                CONSTRAINT "consents_method_check" CHECK (method IN ('verbal', 'signed', 'thumbprint')),
                CONSTRAINT "consents_basis_check" CHECK (basis IN ('consent', 'vital_interest')),
                CONSTRAINT "consents_purpose_check" CHECK (
                    purpose IN (
                        'registration',
                        'referral',
                        'return',
                        'reintegration',
                        'photo'
                    )
                ),
                CONSTRAINT "PK_9efc68eb6aba7d638fb6ea034dd" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "consents_case_purpose_idx" ON "consents" ("case_id", "purpose")
        `);
        await queryRunner.query(`
            CREATE TABLE "counters" (
                "scope" text NOT NULL,
                "year" integer NOT NULL,
                "value" integer NOT NULL,
                CONSTRAINT "PK_33aba0aeef6c118d23ac2ed5df5" PRIMARY KEY ("scope", "year")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "screenings" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "wishes_to_return" boolean NOT NULL,
                "country_of_return" text,
                "nationality_confirmed" boolean NOT NULL,
                "asylum_seeker_or_refugee" boolean NOT NULL,
                "travel_document" text NOT NULL,
                "best_interests_determination_done" boolean NOT NULL,
                "fit_to_travel" text NOT NULL,
                "outcome" text NOT NULL,
                "reasons" text array NOT NULL DEFAULT '{}',
                "screened_by" uuid,
                "screened_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "screenings_outcome_check" CHECK (
                    outcome IN (
                        'eligible',
                        'not_eligible',
                        'referred_protection',
                        'pending'
                    )
                ),
                CONSTRAINT "PK_343138765d7d5a69f71b2ff7795" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "screenings_case_at_idx" ON "screenings" ("case_id", "screened_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD CONSTRAINT "cases_owning_organization_id_fkey" FOREIGN KEY ("owning_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD CONSTRAINT "cases_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD CONSTRAINT "cases_assigned_to_fkey" FOREIGN KEY ("assigned_to") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "case_notes"
            ADD CONSTRAINT "case_notes_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "consents"
            ADD CONSTRAINT "consents_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "screenings"
            ADD CONSTRAINT "screenings_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);

        // unaccent() is STABLE (it reads a dictionary), so indexes need an IMMUTABLE wrapper
        // that names its dictionary explicitly.
        await queryRunner.query(`
            CREATE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`);
        // search_name is derived here, so every write path (the API, COPY in the benchmark) keeps it right.
        await queryRunner.query(`
            CREATE FUNCTION cases_search_name() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              NEW.search_name := lower(f_unaccent(concat_ws(' ', NEW.given_name, NEW.family_name, NULLIF(array_to_string(NEW.other_names, ' '), ''))));
              RETURN NEW;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER cases_search_name BEFORE INSERT OR UPDATE OF given_name, family_name, other_names ON cases FOR EACH ROW EXECUTE FUNCTION cases_search_name()`);
        // Typo-tolerant name search (DESIGN §3): trigrams over lower(unaccent(all names)).
        await queryRunner.query(`CREATE INDEX "cases_search_name_trgm_idx" ON "cases" USING gin ("search_name" gin_trgm_ops)`);
        await queryRunner.query(`CREATE INDEX "cases_vulnerability_flags_idx" ON "cases" USING gin ("vulnerability_flags")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "cases_vulnerability_flags_idx"`);
        await queryRunner.query(`DROP INDEX "cases_search_name_trgm_idx"`);
        await queryRunner.query(`DROP TRIGGER cases_search_name ON cases`);
        await queryRunner.query(`DROP FUNCTION cases_search_name()`);
        await queryRunner.query(`DROP FUNCTION f_unaccent(text)`);
        await queryRunner.query(`
            ALTER TABLE "screenings" DROP CONSTRAINT "screenings_case_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "consents" DROP CONSTRAINT "consents_case_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "case_notes" DROP CONSTRAINT "case_notes_case_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP CONSTRAINT "cases_assigned_to_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP CONSTRAINT "cases_site_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP CONSTRAINT "cases_owning_organization_id_fkey"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."screenings_case_at_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "screenings"
        `);
        await queryRunner.query(`
            DROP TABLE "counters"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."consents_case_purpose_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "consents"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_notes_case_at_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "case_notes"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."cases_case_number_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."cases_owner_registered_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."cases_owner_site_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."cases_owner_assigned_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."cases_household_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "cases"
        `);
    }

}
