import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The same check the API makes before initdb (issue 28): pure node, no Nest.
import { blockedOnTheWay, postgresAccount } from '../../../../libs/common/src/database/embedded-access.js';
import { BASE_URL_VAR, DEMO_PASSWORD } from './env';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const MAIN = join(ROOT, 'dist/apps/api/src/main.js');
const WEB_DIR = join(ROOT, 'apps/web/dist');
const READY_WITHIN_MS = Number(process.env.E2E_API_READY_TIMEOUT_MS ?? 180_000);

export interface ApiHandle {
  child: ChildProcess;
  dataDir: string;
  log: string;
}
declare global {
  var __PASSERELLE_E2E_API__: ApiHandle | undefined;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/**
 * A throwaway DATA_DIR the embedded PostgreSQL can use: as root it runs as the system user
 * `postgres`, who must be able to enter it (mode 0755, a parent it can traverse) and TMPDIR
 * (initdb reads its password file there). The same search as test/support/global-setup.mjs.
 */
function dataFolder(): { dir: string; tmp: string } {
  const as = postgresAccount();
  for (const parent of [...new Set([tmpdir(), '/tmp'])]) {
    const dir = mkdtempSync(join(parent, 'passerelle-e2e-'));
    chmodSync(dir, 0o755);
    if (!as || blockedOnTheWay(as, dir) === null) return { dir, tmp: parent };
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error(`run as root, PostgreSQL runs as the system user "postgres", who can reach neither TMPDIR=${tmpdir()} nor /tmp: set TMPDIR to a folder it can reach, or run the tests as a normal user.`);
}

async function ready(url: string, child: ChildProcess, logFile: string, tail: () => string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The API exited (${child.exitCode ?? child.signalCode}) before it was ready. Its output (${logFile}):\n${tail()}`);
    }
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The API was not ready within ${READY_WITHIN_MS / 1000} s. Its output (${logFile}):\n${tail()}`);
}

/**
 * Starts the real API (built by npm test before: nest build, vite build) on an embedded
 * PostgreSQL in a throwaway folder, with the demo seed and a fixed DEMO_PASSWORD, serving the
 * built web app. Builds nothing itself. With PASSERELLE_E2E_URL set, uses that API instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[BASE_URL_VAR]) return;
  for (const [file, build] of [
    [MAIN, 'npm run build'],
    [join(WEB_DIR, 'index.html'), 'npm -w apps/web run build'],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`${build}\` first (npm test does).`);
  }
  const { dir, tmp } = dataFolder();
  const [port, pgPort] = [await freePort(), await freePort()];
  const logFile = join(tmp, `passerelle-e2e-api-${port}.log`);
  const log = createWriteStream(logFile);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    lines.push(...chunk.toString('utf8').split('\n'));
    if (lines.length > 80) lines.splice(0, lines.length - 80);
  };
  const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.E2E_API_LOG_LEVEL ?? 'warn',
      TMPDIR: tmp,
      DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(pgPort),
      DEMO_SEED: 'true',
      DEMO_PASSWORD,
      WEB_DIR,
      PUBLIC_BASE_URL: `http://localhost:${port}`,
      // Every spec signs in from the same address: the per-address limits are for the real world.
      LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  globalThis.__PASSERELLE_E2E_API__ = { child, dataDir: dir, log: logFile };
  const url = `http://localhost:${port}`;
  const started = Date.now();
  try {
    await ready(url, child, logFile, () => lines.join('\n'));
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  process.env[BASE_URL_VAR] = url;
  process.stdout.write(`[e2e] API ready on ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s (DATA_DIR ${dir}, log ${logFile})\n`);
}
