import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sealer's queue (issue 12 profile): finding unsealed events was an anti-join over the whole
 * trail, 7.6–9.6 s a minute at 2.2 million events. A trigger now queues each event as it is
 * written (same transaction, so it becomes visible with it); the sealer reads and empties the
 * queue. audit_events and audit_seals stay append-only; only this internal queue is deleted from.
 */
export class AuditUnsealedQueue1795900000000 implements MigrationInterface {
    name = 'AuditUnsealedQueue1795900000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_unsealed" ("event_id" uuid PRIMARY KEY, "seq" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "audit_unsealed_seq_idx" ON "audit_unsealed" ("seq")`);
        await queryRunner.query(`
            CREATE FUNCTION audit_queue_for_sealing() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO audit_unsealed (event_id, seq) VALUES (NEW.id, NEW.seq);
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER audit_events_queue_for_sealing AFTER INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_queue_for_sealing()`);
        await queryRunner.query(`
            INSERT INTO audit_unsealed (event_id, seq)
            SELECT e.id, e.seq FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER audit_events_queue_for_sealing ON audit_events`);
        await queryRunner.query(`DROP FUNCTION audit_queue_for_sealing()`);
        await queryRunner.query(`DROP TABLE "audit_unsealed"`);
    }
}
