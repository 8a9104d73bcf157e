import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@passerelle/common';
import { HeartbeatsRepository } from './heartbeats.repository.js';
import { JobRegistry } from './job-registry.js';

export const HEARTBEAT_JOB = 'platform.heartbeat';

/** Every minute the worker records that it is alive, so operators (and readiness checks) can tell. */
@Injectable()
export class HeartbeatJob implements OnModuleInit {
  readonly workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly startedAt: Date;

  constructor(
    private readonly registry: JobRegistry,
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly heartbeats: HeartbeatsRepository,
  ) {
    this.startedAt = clock.now();
  }

  onModuleInit(): void {
    this.registry.register({ name: HEARTBEAT_JOB, cron: '* * * * *', run: () => this.beat() });
  }

  async beat(): Promise<void> {
    await this.heartbeats.beat(this.db.manager, this.workerId, hostname(), this.startedAt, this.clock.now());
  }
}
