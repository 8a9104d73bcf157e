import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PgBoss } from 'pg-boss';
import { APP_CONFIG, type AppConfig } from '@passerelle/common';
import { JobRegistry } from './job-registry.js';

/**
 * A worker killed mid-job (OOM, SIGKILL, a node lost) left its job `active` until pg-boss's
 * 15-minute expiry: nothing ran it again before then (issue 13, found by the fault suite). Workers
 * now beat every 5 s; a job without a beat for 10 s (pg-boss's minimum) is failed and retried by
 * the next monitoring pass, every 10 s. Jobs are idempotent (JobDefinition.run), so a retry
 * after a kill has the effect of one run.
 */
export const JOB_HEARTBEAT_SECONDS = 10;
const MONITOR_INTERVAL_SECONDS = 10;

/**
 * Runs the registered jobs with pg-boss on the application's PostgreSQL (schema `pgboss`).
 * Started explicitly by the worker process (and by `npm start` with the embedded database),
 * never by the API replicas of a production deployment.
 */
@Injectable()
export class JobRunner implements OnApplicationShutdown {
  private readonly logger = new Logger('JobRunner');
  private boss: PgBoss | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
  ) {}

  async start(): Promise<void> {
    if (this.boss) return;
    const boss = new PgBoss({
      connectionString: this.config.databaseUrl!,
      schema: 'pgboss',
      application_name: 'passerelle-worker',
      max: 4,
      monitorIntervalSeconds: MONITOR_INTERVAL_SECONDS,
      superviseIntervalSeconds: MONITOR_INTERVAL_SECONDS,
    });
    // pg-boss errors carry the whole pg client; log what an operator can act on.
    boss.on('error', (err: { message?: string; code?: string }) => {
      if (this.boss) this.logger.error({ code: err?.code, message: err?.message }, 'pg-boss error');
    });
    await boss.start();
    for (const job of this.registry.list()) {
      await boss.createQueue(job.name, { heartbeatSeconds: JOB_HEARTBEAT_SECONDS });
      // Queues created before heartbeats existed get them too.
      await boss.updateQueue(job.name, { heartbeatSeconds: JOB_HEARTBEAT_SECONDS });
      if (job.cron) await boss.schedule(job.name, job.cron, null, { tz: 'UTC' });
      await boss.work<Record<string, unknown>>(job.name, async (batch) => {
        for (const item of batch) await job.run(item.data ?? {});
      });
    }
    this.boss = boss;
    this.logger.log(`running ${this.registry.list().length} job(s): ${this.registry.list().map((j) => j.name).join(', ')}`);
  }

  /** Enqueue a registered job now (used by tests and on-demand actions). */
  async send(name: string, data: Record<string, unknown> = {}): Promise<string | null> {
    if (!this.boss) throw new Error('job runner not started');
    this.registry.get(name);
    return this.boss.send(name, data);
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: true, timeout: 10_000, close: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
