import { Injectable } from '@nestjs/common';

export interface JobDefinition {
  /** Queue name, e.g. `referrals.overdue`. */
  name: string;
  /** Cron (UTC) on which the job is enqueued; absent for jobs only sent on demand. */
  cron?: string;
  /** Must be idempotent: pg-boss delivers at least once and a schedule may fire twice. */
  run(data: Record<string, unknown>): Promise<void>;
}

/** Features register their jobs here in onModuleInit; the runner (worker process) executes them. */
@Injectable()
export class JobRegistry {
  private readonly jobs = new Map<string, JobDefinition>();

  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
    this.jobs.set(job.name, job);
  }

  list(): JobDefinition[] {
    return [...this.jobs.values()];
  }

  get(name: string): JobDefinition {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no job named ${name}`);
    return job;
  }
}
