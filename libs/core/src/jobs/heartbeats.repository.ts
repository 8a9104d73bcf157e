import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The SQL of worker_heartbeats: one row per worker process, its last beat and their count. */
@Injectable()
export class HeartbeatsRepository {
  async beat(em: EntityManager, workerId: string, host: string, startedAt: Date, at: Date): Promise<void> {
    await em.query(
      `INSERT INTO worker_heartbeats (worker_id, host, started_at, beat_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (worker_id) DO UPDATE SET beat_at = EXCLUDED.beat_at, beats = worker_heartbeats.beats + 1`,
      [workerId, host, startedAt, at],
    );
  }
}
