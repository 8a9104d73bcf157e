import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shared view's live shares as a table kept by triggers, instead of a view (issue 12).
 *
 * The view re-derived every share on every read: the case list of a receiving organization
 * built the array of all its shares (6,658 for IOM-ML at 1,000,000 cases, one consent probe
 * each: 120 ms), then fetched and sorted those cases to show 50. The table holds the same rows
 * (a pending or accepted referral whose case has an active referral consent covering the
 * receiver) with the case's registration time, so the list's shared branch walks
 * (organization, registered_at) in order and stops at the page, and a probe for one case is
 * one index lookup.
 *
 * Kept by `f_case_shares_refresh(case)` after every change of a case's referrals or consents,
 * under a transaction-scoped advisory lock per case: two transactions changing one case (a
 * consent withdrawn while a referral is accepted) recompute one after the other, the second
 * from a snapshot that sees the first (READ COMMITTED takes a snapshot per statement), so the
 * table never keeps a share that the rules of DESIGN §2 refuse. No foreign keys: derived rows,
 * written by the triggers only (and `f_case_shares_rebuild()` after a bulk load with the triggers
 * off, as the benchmark's seeder does).
 */
export class CaseSharesTable1796110000000 implements MigrationInterface {
  name = 'CaseSharesTable1796110000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    await queryRunner.query(`DROP VIEW "case_shares"`);
    await queryRunner.query(`
      CREATE TABLE "case_shares" (
        "referral_id" uuid PRIMARY KEY,
        "case_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "sections" text array NOT NULL,
        "case_registered_at" timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX "case_shares_case_idx" ON "case_shares" ("case_id", "organization_id")`);
    await queryRunner.query(`CREATE INDEX "case_shares_organization_registered_idx" ON "case_shares" ("organization_id", "case_registered_at" DESC, "case_id" DESC)`);
    // DESIGN §2 as one query, read by the refresh (one case) and the rebuild (all): a pending or
    // accepted referral whose case has an active referral consent covering the receiver.
    await queryRunner.query(`
      CREATE VIEW "case_live_shares" AS
      SELECT r.id AS referral_id, r.case_id, r.to_organization_id AS organization_id, r.shared_sections AS sections, c.registered_at AS case_registered_at
      FROM referrals r JOIN cases c ON c.id = r.case_id
      WHERE r.status IN ('pending', 'accepted')
        AND EXISTS (
          SELECT 1 FROM consents k
          WHERE k.case_id = r.case_id AND k.purpose = 'referral' AND k.withdrawn_at IS NULL
            AND (cardinality(k.organization_ids) = 0 OR r.to_organization_id = ANY (k.organization_ids)))`);
    await queryRunner.query(`
      CREATE FUNCTION f_case_shares_refresh(target uuid) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('case_shares:' || target::text, 0));
        DELETE FROM case_shares WHERE case_id = target;
        INSERT INTO case_shares SELECT * FROM case_live_shares WHERE case_id = target;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION f_case_shares_on_referral() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'DELETE' THEN PERFORM f_case_shares_refresh(NEW.case_id); END IF;
        IF TG_OP = 'DELETE' OR OLD.case_id <> NEW.case_id THEN PERFORM f_case_shares_refresh(OLD.case_id); END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "referrals_case_shares" AFTER INSERT OR DELETE OR UPDATE OF status, shared_sections, to_organization_id, case_id ON "referrals"
      FOR EACH ROW EXECUTE FUNCTION f_case_shares_on_referral()`);
    await queryRunner.query(`
      CREATE FUNCTION f_case_shares_on_consent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.purpose = 'referral' THEN PERFORM f_case_shares_refresh(OLD.case_id); END IF;
        IF TG_OP <> 'DELETE' AND NEW.purpose = 'referral' AND (TG_OP = 'INSERT' OR NEW.case_id <> OLD.case_id OR OLD.purpose <> 'referral') THEN
          PERFORM f_case_shares_refresh(NEW.case_id);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "consents_case_shares" AFTER INSERT OR UPDATE OR DELETE ON "consents"
      FOR EACH ROW EXECUTE FUNCTION f_case_shares_on_consent()`);
    await queryRunner.query(`
      CREATE FUNCTION f_case_shares_rebuild() RETURNS bigint LANGUAGE sql AS $$
        DELETE FROM case_shares;
        INSERT INTO case_shares SELECT * FROM case_live_shares;
        SELECT count(*) FROM case_shares;
      $$`);
    // Today's shares.
    await queryRunner.query(`SELECT f_case_shares_rebuild()`);
    await queryRunner.query(`ANALYZE case_shares`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "consents_case_shares" ON "consents"`);
    await queryRunner.query(`DROP TRIGGER "referrals_case_shares" ON "referrals"`);
    await queryRunner.query(`DROP FUNCTION f_case_shares_on_consent()`);
    await queryRunner.query(`DROP FUNCTION f_case_shares_on_referral()`);
    await queryRunner.query(`DROP FUNCTION f_case_shares_refresh(uuid)`);
    await queryRunner.query(`DROP FUNCTION f_case_shares_rebuild()`);
    await queryRunner.query(`DROP VIEW "case_live_shares"`);
    await queryRunner.query(`DROP TABLE "case_shares"`);
    await queryRunner.query(`
      CREATE VIEW "case_shares" AS
      SELECT r.id AS referral_id, r.case_id, r.to_organization_id AS organization_id, r.shared_sections AS sections
      FROM referrals r
      WHERE r.status IN ('pending', 'accepted')
        AND COALESCE((
          SELECT true FROM consents k
          WHERE k.case_id = r.case_id AND k.purpose = 'referral' AND k.withdrawn_at IS NULL
            AND (cardinality(k.organization_ids) = 0 OR r.to_organization_id = ANY (k.organization_ids))
          LIMIT 1), false)`);
  }
}
