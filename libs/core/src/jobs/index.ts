export * from './job-registry.js';
export * from './job-runner.js';
export * from './heartbeat.job.js';
export * from './heartbeats.repository.js';
export * from './jobs.module.js';
