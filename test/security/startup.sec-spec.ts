import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testConfig } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { freePort } from './support/processes.js';

/*
 * Start-up failures an operator can fix end in one line that names the cause and the fix, exit
 * code 1, no stack trace (issue 28): root in a folder the `postgres` user cannot traverse (initdb
 * died on EACCES), a DATABASE_URL that leads nowhere, a port already taken. The real entry
 * points, run from the sources as the fault tests run them.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = testConfig('postgres://unused');
const SECRETS = { JWT_SECRET: config.jwtSecret, DATA_ENCRYPTION_KEY: config.dataEncryptionKey, LETTER_SIGNING_KEY: config.letterSigningKey };
const folders: string[] = [];
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

/** Runs an entry point until it exits (or prints `ready`, then SIGTERM): its exit code and all it printed. */
function run(kind: 'api' | 'worker', env: Record<string, string>, ready = /Passerelle API ready/, timeoutMs = 90_000): Promise<{ code: number | null; out: string; ready: boolean }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', './test/security/support/ts-register.mjs', `apps/${kind}/src/main.ts`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', DEMO_SEED: 'false', MIGRATE_ON_START: 'false', RUN_JOBS: 'false', ...SECRETS, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let sawReady = false;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${kind} neither exited nor became ready in ${timeoutMs} ms:\n${out.slice(-3000)}`));
    }, timeoutMs);
    const take = (d: Buffer) => {
      out += d.toString();
      if (!sawReady && ready.test(out)) {
        sawReady = true;
        proc.kill('SIGTERM');
      }
    };
    proc.stdout!.on('data', take);
    proc.stderr!.on('data', take);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ready: sawReady });
    });
  });
}

/** Exit code 1 and exactly one "Start-up failed:" line matching `line`; not a single stack frame. */
function expectOneLine(r: { code: number | null; out: string }, line: RegExp): void {
  expect(r.out).not.toMatch(/^\s+at /m);
  expect(r.out).not.toMatch(/Unhandled 'error' event|triggerUncaughtException/);
  const failures = r.out.split('\n').filter((l) => l.startsWith('Start-up failed: '));
  expect(failures).toHaveLength(1);
  expect(failures[0]).toMatch(line);
  expect(r.code).toBe(1);
}

const listening = (port: number): Promise<Server> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(port, '127.0.0.1', () => resolve(s));
  });

it('npm start with the embedded database and DATA_DIR inside a 0700 folder: as root one line naming the folder and the fix; otherwise a working start', async () => {
  const closed = mkdtempSync(join(tmpdir(), 'passerelle-0700-'));
  folders.push(closed);
  chmodSync(closed, 0o700);
  const dataDir = join(closed, 'data');
  const r = await run('api', { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) });
  expect(r.out).not.toMatch(/^\s+at /m);
  expect(r.out).not.toMatch(/EACCES|Unhandled 'error' event/);
  if (process.getuid?.() === 0) {
    expectOneLine(r, new RegExp(`cannot reach ${closed} on the way to DATA_DIR=${dataDir}: set DATA_DIR to .* or run npm start as a normal user`));
  } else {
    expect(r.ready).toBe(true);
  }
}, 120_000);

it('the embedded database’s port already taken: one line naming EMBEDDED_PG_PORT', async () => {
  const open = mkdtempSync(join(tmpdir(), 'passerelle-pgport-'));
  folders.push(open);
  chmodSync(open, 0o755);
  mkdirSync(join(open, 'data'));
  const pgPort = await freePort();
  const holder = await listening(pgPort);
  try {
    const r = await run('api', { DATA_DIR: join(open, 'data'), PORT: String(await freePort()), EMBEDDED_PG_PORT: String(pgPort) });
    expectOneLine(r, new RegExp(`Embedded PostgreSQL start failed .*another server holds port ${pgPort}: stop it or set EMBEDDED_PG_PORT`));
  } finally {
    holder.close();
  }
}, 120_000);

it.each(['api', 'worker'] as const)('%s with a DATABASE_URL that leads nowhere: one line naming it, password hidden', async (kind) => {
  const r = await run(kind, { DATABASE_URL: `postgres://someone:s3cret-pw@127.0.0.1:${await freePort()}/nope`, PORT: String(await freePort()) });
  expectOneLine(r, /^Start-up failed: Cannot use the database at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:\d+\/nope: .*ECONNREFUSED.* \(check DATABASE_URL\)$/);
  expect(r.out).not.toContain('s3cret-pw');
}, 60_000);

it('api with its PORT already taken: one line naming the address and PORT', async () => {
  const port = await freePort();
  const holder = await listening(port);
  try {
    const r = await run('api', { DATABASE_URL: await createTestDatabase(), PORT: String(port) });
    expectOneLine(r, new RegExp(`^Start-up failed: Cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use \\(stop the other process, or set PORT=…\\)$`));
  } finally {
    holder.close();
  }
}, 90_000);
