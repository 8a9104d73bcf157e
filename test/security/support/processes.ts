import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '@passerelle/common';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown hook, no graceful anything. Resolves when the process is gone. */
  kill(): Promise<void>;
}

/**
 * The real API or worker entry point (apps/<kind>/src/main.ts) as a child process, run from the
 * sources through swc (ts-register.mjs), with the test configuration: what the fault tests kill.
 * Resolves once the process prints `ready`.
 */
export async function spawnApp(kind: 'api' | 'worker', config: AppConfig, env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', './test/security/support/ts-register.mjs', `apps/${kind}/src/main.ts`], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: config.databaseUrl!,
      JWT_SECRET: config.jwtSecret,
      DATA_ENCRYPTION_KEY: config.dataEncryptionKey,
      LETTER_SIGNING_KEY: config.letterSigningKey,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'passerelle-child-')),
      MIGRATE_ON_START: 'false',
      DEMO_SEED: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d.toString()));
  proc.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} not ready after ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code} before ready:\n${out.slice(-3000)}`));
    });
  });
  return {
    proc,
    output: () => out,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
