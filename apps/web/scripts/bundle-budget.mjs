#!/usr/bin/env node
// The JavaScript budget of issue 20: what a first load of the sign-in page and then the case
// list downloads, gzip, must stay ≤ 250 KB (phones on weak, expensive links). Reads the build's
// manifest (vite build with build.manifest), prints every chunk with its raw and gzip size, and
// exits 1 over budget. Run after `vite build`: node apps/web/scripts/bundle-budget.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(WEB, 'dist');
const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 250);
/** The lazily loaded routes that count, beside the entry (sign-in and the shell are in it). */
const ROUTES = ['src/features/cases/CaseList.tsx'];

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8'));
} catch (e) {
  console.error(`bundle budget: cannot read ${join(DIST, '.vite/manifest.json')} (${e.code ?? e.message}): build first (npm -w apps/web run build, with build.manifest: true).`);
  process.exit(1);
}

const kb = (n) => (n / 1024).toFixed(1);
const size = (file) => {
  const buf = readFileSync(join(DIST, file));
  return { raw: buf.length, gzip: gzipSync(buf).length };
};

/** A manifest key's own file and every chunk it imports statically, recursively. */
function closure(key, into = new Set()) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`bundle budget: ${key} is not in the manifest (renamed? update ROUTES in ${fileURLToPath(import.meta.url)})`);
  if (into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const dep of chunk.imports ?? []) closure(dep, into);
  return into;
}

const entries = Object.entries(manifest).filter(([, c]) => c.isEntry);
if (entries.length !== 1) {
  console.error(`bundle budget: expected one entry in the manifest, found ${entries.map(([k]) => k).join(', ') || 'none'}`);
  process.exit(1);
}
const firstLoad = closure(entries[0][0]);
const caseList = new Set();
for (const route of ROUTES) for (const f of closure(route)) if (!firstLoad.has(f)) caseList.add(f);

// Every file of the build, so that a chunk appearing from nowhere is seen too.
const files = readdirSync(join(DIST, 'assets'))
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => `assets/${f}`);
const rows = files
  .map((file) => ({ file, ...size(file), part: firstLoad.has(file) ? 'first load' : caseList.has(file) ? 'case list' : file.endsWith('.css') ? 'css' : 'lazy' }))
  .sort((a, b) => b.gzip - a.gzip);

const width = Math.max(...rows.map((r) => r.file.length), 5);
console.log(`\nWeb bundle (${DIST})`);
console.log(`${'chunk'.padEnd(width)}  ${'raw KB'.padStart(8)}  ${'gzip KB'.padStart(8)}  counted as`);
for (const r of rows) console.log(`${r.file.padEnd(width)}  ${kb(r.raw).padStart(8)}  ${kb(r.gzip).padStart(8)}  ${r.part}`);

const sum = (set) => [...set].map(size).reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
const first = sum(firstLoad);
const list = sum(caseList);
const total = first.gzip + list.gzip;
console.log(`first load (sign-in, shell): ${kb(first.raw)} KB raw, ${kb(first.gzip)} KB gzip in ${firstLoad.size} chunk(s)`);
console.log(`+ case list:                 ${kb(list.raw)} KB raw, ${kb(list.gzip)} KB gzip in ${caseList.size} chunk(s)`);
const verdict = total <= BUDGET_KB * 1024 ? 'within' : 'OVER';
console.log(`sign-in + case list JavaScript: ${kb(total)} KB gzip, ${verdict} the budget of ${BUDGET_KB} KB\n`);
if (verdict === 'OVER') process.exit(1);
