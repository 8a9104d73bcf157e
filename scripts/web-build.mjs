#!/usr/bin/env node
// Builds the web app (apps/web → apps/web/dist) when its sources changed since the last build:
// a hash of what the build reads is kept next to it, in apps/web/dist/.source-hash. Written only
// after a successful build (vite empties dist first), so a failed build is retried next time.
//   node scripts/web-build.mjs          build if needed
//   node scripts/web-build.mjs --force  build anyway (npm test), then record the hash
//   node scripts/web-build.mjs --with-api  also `nest build api`, at the same time (npm start)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'apps/web');
const DIST = join(WEB, 'dist');
const HASH_FILE = join(DIST, '.source-hash');

/** Files under `dir`, recursively, skipping tests (they are not in the bundle). */
function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.test\.tsx?$/.test(e.name) ? [] : [p];
  });
}

/**
 * The lock entries the web app's build can depend on: its own entry and every package reachable
 * from its dependencies, resolved as node does (apps/web/node_modules, then the root's). A change
 * to an API-only dependency does not rebuild the app.
 */
function lockEntries() {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages ?? {};
  const seen = new Map();
  const visit = (path) => {
    if (seen.has(path) || !lock[path]) return;
    const entry = lock[path];
    seen.set(path, entry);
    if (entry.link && entry.resolved) visit(entry.resolved);
    const deps = { ...entry.dependencies, ...entry.devDependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(deps)) {
      // node's lookup: <path>/node_modules/<name>, then each parent's node_modules, then the root's.
      for (let base = path; ; base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '') {
        const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
        if (lock[candidate]) {
          visit(candidate);
          break;
        }
        if (!base) break;
      }
    }
  };
  visit('apps/web');
  return [...seen].sort(([a], [b]) => a.localeCompare(b));
}

export function webSourceHash() {
  const hash = createHash('sha256');
  const inputs = [
    ...files(join(WEB, 'src')),
    ...files(join(WEB, 'public')),
    ...['index.html', 'vite.config.ts', 'package.json', 'postcss.config.cjs', 'tsconfig.json'].map((f) => join(WEB, f)).filter((f) => existsSync(f)),
  ].sort();
  for (const f of inputs) {
    hash.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  for (const [path, entry] of lockEntries()) hash.update(path).update('\0').update(`${entry.version ?? ''} ${entry.integrity ?? entry.resolved ?? ''}`).update('\0');
  return hash.digest('hex');
}

export function webBuildIsCurrent(hash = webSourceHash()) {
  return existsSync(join(DIST, 'index.html')) && existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8').trim() === hash;
}

/** Runs vite build; resolves to its exit code. */
export function buildWeb({ force = false, quiet = false } = {}) {
  const hash = webSourceHash();
  if (!force && webBuildIsCurrent(hash)) {
    if (!quiet) process.stdout.write('web app: apps/web/dist is up to date (sources unchanged), not rebuilt\n');
    return Promise.resolve(0);
  }
  const started = Date.now();
  process.stdout.write(`web app: building apps/web/dist${force ? '' : ' (sources changed)'} …\n`);
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const child = spawn(process.execPath, [existsSync(vite) ? vite : join(WEB, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
  return new Promise((ok) => {
    child.on('error', (e) => {
      process.stderr.write(`web app: cannot run vite: ${e.message}\n`);
      ok(1);
    });
    child.on('exit', (code, signal) => {
      if (code === 0 && statSync(DIST, { throwIfNoEntry: false })) {
        writeFileSync(HASH_FILE, `${hash}\n`);
        process.stdout.write(`web app: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      } else {
        process.stderr.write(`web app: vite build failed (${code ?? signal})\n`);
      }
      ok(code ?? 1);
    });
  });
}

/** `nest build api` (tsc: the slow part of a start); resolves to its exit code. */
export function buildApi() {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'api'], { cwd: ROOT, stdio: 'inherit' });
  return new Promise((ok) => {
    child.on('error', () => ok(1));
    child.on('exit', (code) => ok(code ?? 1));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const web = buildWeb({ force: process.argv.includes('--force') });
  // Both at once: vite and tsc each keep one core busy.
  const codes = await Promise.all([web, process.argv.includes('--with-api') ? buildApi() : 0]);
  process.exitCode = codes.find((c) => c !== 0) ?? 0;
}
