import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A planned movement can be called off (a convoy cancelled for insecurity on the Gao–Niamey road,
 * a carrier that does not come): `cancelled`, with when, by whom and why. Its returns leave it and
 * stay approved, to join another movement or leave alone. A departed movement cannot be cancelled.
 */
export class MovementCancellation1796620000000 implements MigrationInterface {
    name = 'MovementCancellation1796620000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "movements" ADD "cancelled_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "movements" ADD "cancelled_by" uuid`);
        await queryRunner.query(`ALTER TABLE "movements" ADD "cancel_reason" text`);
        await queryRunner.query(`ALTER TABLE "movements" DROP CONSTRAINT "movements_status_check"`);
        await queryRunner.query(`ALTER TABLE "movements" ADD CONSTRAINT "movements_status_check" CHECK (status IN ('planned', 'departed', 'cancelled'))`);
        await queryRunner.query(`ALTER TABLE "movements" ADD CONSTRAINT "movements_cancelled_check" CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "movements" DROP CONSTRAINT "movements_cancelled_check"`);
        await queryRunner.query(`ALTER TABLE "movements" DROP CONSTRAINT "movements_status_check"`);
        await queryRunner.query(`ALTER TABLE "movements" ADD CONSTRAINT "movements_status_check" CHECK (status IN ('planned', 'departed'))`);
        await queryRunner.query(`ALTER TABLE "movements" DROP COLUMN "cancel_reason"`);
        await queryRunner.query(`ALTER TABLE "movements" DROP COLUMN "cancelled_by"`);
        await queryRunner.query(`ALTER TABLE "movements" DROP COLUMN "cancelled_at"`);
    }
}
