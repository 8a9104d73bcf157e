import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadConfigOrExit, migrate } from '@passerelle/common';
import { JobRunner } from '@passerelle/core/jobs';
import { WorkerModule } from './worker.module.js';

// The background worker: pg-boss jobs on the same PostgreSQL as the API (DESIGN §9).
const config = loadConfigOrExit();
if (!config.databaseUrl) {
  process.stderr.write('Configuration error: DATABASE_URL is required for the worker (npm start runs the jobs in-process with the embedded database)\n');
  process.exit(1);
}
const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['log', 'warn', 'error', 'fatal'] });
if (config.migrateOnStart) await migrate(app.get(DataSource));
await app.get(JobRunner).start();
new Logger('Worker').log('worker started');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void app.close().finally(() => process.exit(0));
  });
}
