import { Module } from '@nestjs/common';
import { HeartbeatJob } from './heartbeat.job.js';
import { HeartbeatsRepository } from './heartbeats.repository.js';
import { JobRegistry } from './job-registry.js';
import { JobRunner } from './job-runner.js';

@Module({
  providers: [JobRegistry, JobRunner, HeartbeatJob, HeartbeatsRepository],
  exports: [JobRegistry, JobRunner],
})
export class JobsModule {}
