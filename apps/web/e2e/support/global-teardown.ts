import { rmSync } from 'node:fs';
import type { ApiHandle } from './global-setup';

/** Stops the API the global setup started (SIGINT: it closes, then stops its PostgreSQL) and removes its folder. */
export default async function globalTeardown(): Promise<void> {
  const api: ApiHandle | undefined = globalThis.__PASSERELLE_E2E_API__;
  if (!api) return;
  globalThis.__PASSERELLE_E2E_API__ = undefined;
  const { child } = api;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    child.kill('SIGINT');
    const killed = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killed);
  }
  rmSync(api.dataDir, { recursive: true, force: true });
  // The API's output, for a failure seen in the run: E2E_KEEP_API_LOG=1 keeps it.
  if (process.env.E2E_KEEP_API_LOG) process.stdout.write(`[e2e] API log kept: ${api.log}\n`);
  else rmSync(api.log, { force: true });
}
