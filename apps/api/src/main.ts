import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { type EmbeddedDatabase, ensureDatabaseReachable, loadConfigOrExit, migrate, startEmbeddedPostgres, startupStep } from '@passerelle/common';
import { randomDemoPassword, SeedService } from '@passerelle/core';
import { JobRunner } from '@passerelle/core/jobs';
import { createApp } from './app.js';

const EMBEDDED_PORT = Number(process.env.EMBEDDED_PG_PORT ?? 54329);

const started = Date.now();
const config = loadConfigOrExit();
let embedded: EmbeddedDatabase | null = null;
if (!config.databaseUrl) {
  process.stdout.write(`Starting embedded PostgreSQL in ${config.dataDir}/pg …\n`);
  embedded = await startupStep(() => startEmbeddedPostgres({ dir: config.dataDir, database: 'passerelle', port: EMBEDDED_PORT }));
} else {
  await startupStep(() => ensureDatabaseReachable(config.databaseUrl!));
}
const effective = { ...config, databaseUrl: config.databaseUrl ?? embedded!.url };
const app = await createApp(effective);
app.enableShutdownHooks([]);
await app.init();

const ds = app.get(DataSource);
if (config.migrateOnStart) {
  const applied = await migrate(ds);
  if (applied.length) process.stdout.write(`Applied migrations: ${applied.join(', ')}\n`);
}
const seed = app.get(SeedService);
if (config.bootstrapAdminEmail && config.bootstrapAdminPassword) {
  if (await seed.ensureBootstrapAdmin(config.bootstrapAdminEmail, config.bootstrapAdminPassword)) {
    process.stdout.write(`Created platform admin ${config.bootstrapAdminEmail}\n`);
  }
}
if (config.demoSeed) {
  const password = config.demoPassword ?? randomDemoPassword();
  const logins = await seed.seedDemo(password);
  // Printed once, when created: later starts find them and print nothing.
  if (logins.length) {
    process.stdout.write(`\nDemo logins (password for all: ${password}${config.demoPassword ? ', from DEMO_PASSWORD' : ', generated; shown only now'}):\n`);
    for (const l of logins) process.stdout.write(`  ${l.organization.padEnd(13)} ${l.roles.join(',').padEnd(15)} ${l.email}\n`);
    process.stdout.write('\n');
  }
}
// With the embedded database everything runs in this one process; in production the worker
// is its own deployment (apps/worker).
if (embedded || process.env.RUN_JOBS === 'true') await app.get(JobRunner).start();

await startupStep(async () => {
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    // Leave nothing running behind the one line: the job runner, the pools, the embedded database.
    await app.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw e;
  }
}, { host: config.host, port: config.port });
process.stdout.write(
  `Passerelle API ready on http://localhost:${config.port} (docs: /docs, health: /health/ready) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping API …\n`);
  const force = setTimeout(() => process.exit(1), 20_000).unref();
  try {
    await app.close();
    if (embedded) {
      process.stdout.write('stopping embedded PostgreSQL …\n');
      await embedded.stop();
    }
  } finally {
    clearTimeout(force);
    process.exit(0);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
