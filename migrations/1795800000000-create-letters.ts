import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Letters of indulgence (issue 8): the register, with the holder frozen at issuance and the
 * signed token its QR code carries. At most one active letter per case.
 */
export class CreateLetters1795800000000 implements MigrationInterface {
    name = 'CreateLetters1795800000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "letters" (
                "id" uuid NOT NULL,
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "issuing_organization_id" uuid NOT NULL,
                "serial_number" text NOT NULL,
                "status" text NOT NULL,
                "valid_from" date NOT NULL,
                "valid_until" date NOT NULL,
                "purpose" text NOT NULL,
                "route" jsonb NOT NULL,
                "holder" jsonb NOT NULL,
                "verification_token" text NOT NULL,
                "signing_key_id" text NOT NULL,
                "superseded_at" TIMESTAMP WITH TIME ZONE,
                "superseded_by_letter_id" uuid,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "revoked_by" uuid,
                "revoke_reason" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "letters_superseded_check" CHECK (
                    (status = 'superseded') = (superseded_at IS NOT NULL)
                ),
                CONSTRAINT "letters_revoked_check" CHECK (
                    (status = 'revoked') = (
                        revoke_reason IS NOT NULL
                        AND revoked_at IS NOT NULL
                    )
                ),
                CONSTRAINT "letters_validity_check" CHECK (
                    valid_until > valid_from
                    AND valid_until <= valid_from + 30
                ),
                CONSTRAINT "letters_status_check" CHECK (status IN ('active', 'superseded', 'revoked')),
                CONSTRAINT "letters_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "letters_case_created_idx" ON "letters" ("case_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "letters_issuer_created_idx" ON "letters" ("issuing_organization_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "letters_serial_number_key" ON "letters" ("serial_number")
        `);
        // DESIGN §6: a new letter supersedes the case's active one; the service supersedes first
        // under the case's row lock, and this index makes a second active letter impossible.
        await queryRunner.query(`
            CREATE UNIQUE INDEX "letters_one_active_per_case" ON "letters" ("case_id") WHERE status = 'active'
        `);
        await queryRunner.query(`
            ALTER TABLE "letters"
            ADD CONSTRAINT "letters_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "letters"
            ADD CONSTRAINT "letters_issuing_organization_id_fkey" FOREIGN KEY ("issuing_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "letters" DROP CONSTRAINT "letters_issuing_organization_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "letters" DROP CONSTRAINT "letters_case_id_fkey"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."letters_one_active_per_case"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."letters_serial_number_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."letters_issuer_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."letters_case_created_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "letters"
        `);
    }
}
