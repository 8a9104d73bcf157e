import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ensureDatabaseReachable, loadConfigOrExit, migrate, startupStep } from '@passerelle/common';
import { JobRunner } from '@passerelle/core/jobs';
import { WorkerModule } from './worker.module.js';

// The background worker: pg-boss jobs on the same PostgreSQL as the API (DESIGN §9).
const config = loadConfigOrExit();
if (!config.databaseUrl) {
  process.stderr.write('Configuration error: DATABASE_URL is required for the worker (npm start runs the jobs in-process with the embedded database)\n');
  process.exit(1);
}
await startupStep(() => ensureDatabaseReachable(config.databaseUrl!));
const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['log', 'warn', 'error', 'fatal'] });
if (config.migrateOnStart) await migrate(app.get(DataSource));
await app.get(JobRunner).start();
new Logger('Worker').log('worker started');

// Liveness for a container healthcheck (docker/compose.yaml): the worker serves no HTTP, so it
// touches a file while its event loop turns; a wedged or dead worker stops touching it.
const healthFile = process.env.WORKER_HEALTH_FILE;
if (healthFile) {
  const touch = () => writeFile(healthFile, new Date().toISOString()).catch((err: unknown) => new Logger('Worker').warn(`cannot write ${healthFile}: ${String(err)}`));
  await touch();
  setInterval(() => void touch(), 10_000).unref();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void app.close().finally(() => process.exit(0));
  });
}
