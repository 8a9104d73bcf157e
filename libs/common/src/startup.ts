import pg from 'pg';
import { EmbeddedPostgresError } from './database/embedded.js';

/** A start-up failure the operator can fix; its message is one line that says how. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/** Refusals a retry cannot fix: wrong password, no such database or role. */
const FINAL = new Set(['28P01', '28000', '3D000', '3F000']);

/**
 * Connects once before the application does: a wrong DATABASE_URL is one line naming it
 * instead of TypeORM's retries and Nest's stack traces (issue 28). Passing network errors are
 * retried a few times (a database container still starting).
 */
export async function ensureDatabaseReachable(url: string, attempts = 5, delayMs = 1000): Promise<void> {
  for (let i = 1; ; i++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (e) {
      const err = e as Error & { code?: string };
      if (i >= attempts || FINAL.has(err.code ?? '')) {
        throw new StartupError(`Cannot use the database at ${redactUrl(url)}: ${(err.message || err.code || String(e)).replace(/\s+/g, ' ')} (check DATABASE_URL)`);
      }
      await new Promise((r) => setTimeout(r, delayMs));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** One line for a failure the operator can fix, or null for anything else (a bug keeps its stack). */
export function explainStartupFailure(e: unknown, listen?: { host: string; port: number }): string | null {
  if (e instanceof StartupError || e instanceof EmbeddedPostgresError) return e.message;
  const err = e as { code?: string; syscall?: string } | null;
  if (listen && err?.syscall === 'listen') {
    const where = `${listen.host}:${listen.port}`;
    if (err.code === 'EADDRINUSE') return `Cannot listen on ${where}: the port is already in use (stop the other process, or set PORT=…)`;
    if (err.code === 'EACCES') return `Cannot listen on ${where}: permission denied (ports below 1024 need privileges; set PORT=…)`;
    if (err.code === 'EADDRNOTAVAIL') return `Cannot listen on ${where}: HOST=${listen.host} is not an address of this machine`;
  }
  return null;
}

/** Runs one start-up step; a failure the operator can fix ends the process with its one line, exit code 1. */
export async function startupStep<T>(step: () => Promise<T>, listen?: { host: string; port: number }): Promise<T> {
  try {
    return await step();
  } catch (e) {
    const line = explainStartupFailure(e, listen);
    if (line === null) throw e;
    process.stderr.write(`Start-up failed: ${line}\n`);
    process.exit(1);
  }
}
