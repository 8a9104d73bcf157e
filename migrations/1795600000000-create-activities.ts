import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group activities with no individual case (issue 6) and their head counts: one row per
 * (sex, age group), so reports count in SQL; the primary key keeps each pair once. No names.
 */
export class CreateActivities1795600000000 implements MigrationInterface {
    name = 'CreateActivities1795600000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "activities" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "owning_organization_id" uuid NOT NULL,
                "site_id" uuid NOT NULL,
                "date" date NOT NULL,
                "type" text NOT NULL,
                "topic" text NOT NULL,
                "description" text,
                "facilitating_organization_ids" uuid array NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                CONSTRAINT "activities_facilitators_check" CHECK (cardinality(facilitating_organization_ids) >= 1),
                CONSTRAINT "activities_topic_check" CHECK (
                    char_length(topic) BETWEEN 1 AND 500
                ),
                CONSTRAINT "activities_type_check" CHECK (
                    type IN (
                        'information_session',
                        'awareness_campaign',
                        'reception',
                        'listening_session',
                        'orientation',
                        'other'
                    )
                ),
                CONSTRAINT "activities_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "activities_site_idx" ON "activities" ("site_id")
        `);
        // Lists: one organization's activities by (date DESC, id DESC), this index scanned backwards.
        await queryRunner.query(`
            CREATE INDEX "activities_owner_date_idx" ON "activities" ("owning_organization_id", "date", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "activity_participants" (
                "activity_id" uuid NOT NULL,
                "sex" text NOT NULL,
                "age_group" text NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "count" integer NOT NULL,
                CONSTRAINT "activity_participants_count_check" CHECK (count >= 0),
                CONSTRAINT "activity_participants_age_group_check" CHECK (age_group IN ('0-17', '18-59', '60+', 'unknown')),
                CONSTRAINT "activity_participants_sex_check" CHECK (sex IN ('female', 'male', 'other', 'unknown')),
                CONSTRAINT "activity_participants_pkey" PRIMARY KEY ("activity_id", "sex", "age_group")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "activities"
            ADD CONSTRAINT "activities_owning_organization_id_fkey" FOREIGN KEY ("owning_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "activities"
            ADD CONSTRAINT "activities_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "activity_participants"
            ADD CONSTRAINT "activity_participants_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "activity_participants" DROP CONSTRAINT "activity_participants_activity_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "activities" DROP CONSTRAINT "activities_site_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "activities" DROP CONSTRAINT "activities_owning_organization_id_fkey"
        `);
        await queryRunner.query(`
            DROP TABLE "activity_participants"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."activities_owner_date_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."activities_site_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "activities"
        `);
    }
}
