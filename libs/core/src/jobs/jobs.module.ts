import { Global, Module } from '@nestjs/common';
import { HeartbeatJob } from './heartbeat.job.js';
import { JobRegistry } from './job-registry.js';
import { JobRunner } from './job-runner.js';

@Global()
@Module({
  providers: [JobRegistry, JobRunner, HeartbeatJob],
  exports: [JobRegistry, JobRunner],
})
export class JobsModule {}
