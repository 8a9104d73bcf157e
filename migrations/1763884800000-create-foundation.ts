import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Extensions the product relies on, and the platform tables that belong to no feature. */
export class CreateFoundation1763884800000 implements MigrationInterface {
  name = 'CreateFoundation1763884800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await q.query('CREATE EXTENSION IF NOT EXISTS unaccent');
    // Idempotency-Key replays (DESIGN §8): one row per (caller, key); the body hash tells a
    // retry from a reuse, the stored response is replayed, rows expire after 24 h.
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL DEFAULT 'in_progress',
        response_status integer,
        response_headers jsonb,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key),
        CONSTRAINT idempotency_keys_state_check CHECK (state IN ('in_progress', 'completed')),
        CONSTRAINT idempotency_keys_key_length CHECK (char_length(key) BETWEEN 1 AND 255)
      )`);
    await q.query('CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)');
    await q.query(`
      CREATE TABLE worker_heartbeats (
        worker_id text PRIMARY KEY,
        host text NOT NULL,
        started_at timestamptz NOT NULL,
        beat_at timestamptz NOT NULL,
        beats bigint NOT NULL DEFAULT 1
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE worker_heartbeats');
    await q.query('DROP TABLE idempotency_keys');
    // Extensions stay: other databases objects may use them and dropping them is not ours to decide.
  }
}
