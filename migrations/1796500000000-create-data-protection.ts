import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subject access, retention and anonymization (issue 11 part B, DESIGN §7).
 *
 * - `subject_keys`: one data key per case (AES-256, wrapped under DATA_ENCRYPTION_KEY). The audit
 *   trail stores a case's personal values (names, contact, free text) encrypted under it; the hash
 *   chain covers the ciphertext. Anonymization deletes the key (crypto-shredding): the append-only
 *   events stay, verify, and read "[erased]". No foreign key: the key is made by the first audit
 *   event of a case, which registration writes before the case row. A key may be deleted only
 *   once its case is anonymized (trigger), so no bug or stray DELETE shreds a live case's trail.
 * - `anonymization_requests`: early anonymization of a closed case, decided by a second manager.
 * - `cases.anonymized_at`, and a CHECK that an anonymized case holds no name, contact,
 *   documents, sensitive section or date of birth (and stays closed): the database has the last word.
 * - `letters.holder` nullable: an anonymized case's letters keep their serial and validity, not the holder.
 */
export class CreateDataProtection1796500000000 implements MigrationInterface {
    name = 'CreateDataProtection1796500000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "subject_keys" (
                "case_id" uuid NOT NULL,
                "key_id" text NOT NULL,
                "wrapped_key" bytea NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "subject_keys_pkey" PRIMARY KEY ("case_id")
            )
        `);
        await queryRunner.query(`
            CREATE FUNCTION subject_keys_guard() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'TRUNCATE' THEN
                RAISE EXCEPTION 'subject keys are deleted one by one, by anonymization: TRUNCATE refused' USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              IF TG_OP = 'UPDATE' AND NEW.case_id <> OLD.case_id THEN
                RAISE EXCEPTION 'a subject key belongs to one case: UPDATE of case_id refused' USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id AND anonymized_at IS NOT NULL) THEN
                RAISE EXCEPTION 'the subject key of case % is deleted only when the case is anonymized', OLD.case_id USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER subject_keys_guard BEFORE UPDATE OR DELETE ON subject_keys FOR EACH ROW EXECUTE FUNCTION subject_keys_guard()`);
        await queryRunner.query(`CREATE TRIGGER subject_keys_no_truncate BEFORE TRUNCATE ON subject_keys FOR EACH STATEMENT EXECUTE FUNCTION subject_keys_guard()`);

        await queryRunner.query(`ALTER TABLE "cases" ADD "anonymized_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`
            ALTER TABLE "cases" ADD CONSTRAINT "cases_anonymized_check" CHECK (
                anonymized_at IS NULL OR (
                    status = 'closed' AND given_name = '' AND family_name = '' AND other_names = '{}' AND date_of_birth IS NULL
                    AND languages = '{}' AND contact = '{}'::jsonb AND documents = '[]'::jsonb AND household_id IS NULL
                    AND sensitive_ciphertext IS NULL
                )
            )`);
        // The retention job's scan: closed cases not yet anonymized, oldest closure first.
        await queryRunner.query(`CREATE INDEX "cases_retention_idx" ON "cases" ("closed_at") WHERE status = 'closed' AND anonymized_at IS NULL`);

        await queryRunner.query(`ALTER TABLE "letters" ALTER COLUMN "holder" DROP NOT NULL`);

        await queryRunner.query(`
            CREATE TABLE "anonymization_requests" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "status" text NOT NULL,
                "requested_by" uuid NOT NULL,
                "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "decided_by" uuid,
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "decision_reason" text,
                CONSTRAINT "anonymization_requests_maker_checker_check" CHECK (decided_by IS NULL OR decided_by <> requested_by),
                CONSTRAINT "anonymization_requests_decided_check" CHECK ((status = 'pending') = (decided_at IS NULL)),
                CONSTRAINT "anonymization_requests_status_check" CHECK (status IN ('pending', 'approved', 'rejected')),
                CONSTRAINT "anonymization_requests_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`CREATE INDEX "anonymization_requests_owner_requested_idx" ON "anonymization_requests" ("owning_organization_id", "requested_at", "id")`);
        await queryRunner.query(`CREATE INDEX "anonymization_requests_case_idx" ON "anonymization_requests" ("case_id")`);
        await queryRunner.query(`CREATE UNIQUE INDEX "anonymization_requests_one_pending_per_case" ON "anonymization_requests" ("case_id") WHERE status = 'pending'`);
        await queryRunner.query(`
            ALTER TABLE "anonymization_requests"
            ADD CONSTRAINT "anonymization_requests_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "anonymization_requests"`);
        // Fails, as it should, once a letter of an anonymized case has no holder.
        await queryRunner.query(`ALTER TABLE "letters" ALTER COLUMN "holder" SET NOT NULL`);
        await queryRunner.query(`DROP INDEX "public"."cases_retention_idx"`);
        await queryRunner.query(`ALTER TABLE "cases" DROP CONSTRAINT "cases_anonymized_check"`);
        await queryRunner.query(`ALTER TABLE "cases" DROP COLUMN "anonymized_at"`);
        await queryRunner.query(`DROP TABLE "subject_keys"`);
        await queryRunner.query(`DROP FUNCTION subject_keys_guard()`);
    }
}
