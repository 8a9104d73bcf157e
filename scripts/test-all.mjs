#!/usr/bin/env node
// npm test: everything, in order, whatever fails on the way, then one line "N passed, M failed".
//   1. type check: the API and libs (tsconfig.json), the web app (apps/web/tsconfig.json)
//   2. jest (unit, integration, e2e, security; arguments after `npm test --` go to jest)
//   3. vitest (apps/web component tests)
//   4. builds: nest build api, vite build (apps/web/dist), then the bundle budget
//   5. Playwright: the browser tests of apps/web/e2e against the built API and app
// Each runner's JSON report is kept in test-results/ (jest.json, vitest.json, playwright.json)
// and the totals in test-results/summary.json (.ci/run reads it). N and M are summed over the
// tests of jest + vitest + Playwright; a runner that did not run or failed without a failed
// test (crashed, found nothing), and a failed step (type check, build, budget), counts as one
// failure, so a run that executed nothing never reads as a pass.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApi, buildWeb } from './web-build.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test-results');
const bin = (p) => join(ROOT, 'node_modules', p);
const jestArgs = process.argv.slice(2);

const started = Date.now();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

/** Runs a command with the terminal; resolves to its exit code. */
function run(label, args, opts = {}) {
  process.stdout.write(`\n== ${label}\n`);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } });
  return new Promise((ok) => {
    child.on('error', (e) => {
      process.stderr.write(`${label}: ${e.message}\n`);
      ok(1);
    });
    child.on('exit', (code, signal) => ok(code ?? (signal ? 1 : 0)));
  });
}

const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

/** One line of the final table per step; `tests` for the three runners. */
const steps = [];
function step(name, code, extra = '') {
  steps.push({ name, ok: code === 0, passed: 0, failed: code === 0 ? 0 : 1, counts: false, note: code === 0 ? `ok${extra}` : `FAILED (exit ${code})${extra}` });
}
function runner(name, code, counts) {
  if (!counts) {
    steps.push({ name, ok: false, passed: 0, failed: 1, counts: true, note: `did not run or wrote no report (exit ${code}): counted as 1 failed` });
    return;
  }
  let { passed, failed, skipped = 0, flaky = 0 } = counts;
  let note = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${flaky ? `, ${flaky} flaky (passed on retry)` : ''}`;
  if (code !== 0 && failed === 0) {
    failed = 1;
    note += ` — but exited ${code} (a suite that failed to load, an error outside the tests, no test found): counted as 1 failed`;
  }
  steps.push({ name, ok: code === 0 && failed === 0, passed, failed, counts: true, note });
}

// 1. Type check, both at once (each tsc keeps one core busy).
const tsc = bin('typescript/bin/tsc');
process.stdout.write('\n== type check: tsc -p tsconfig.json --noEmit & tsc -p apps/web/tsconfig.json --noEmit\n');
const [tscRoot, tscWeb] = await Promise.all([
  run('type check (API, libs, tests)', [tsc, '-p', 'tsconfig.json', '--noEmit']),
  run('type check (apps/web)', [tsc, '-p', 'apps/web/tsconfig.json', '--noEmit']),
]);
step('type check (API, libs, tests)', tscRoot);
step('type check (apps/web)', tscWeb);
step('import rules (dependency-cruiser)', await run('import rules (dependency-cruiser)', [bin('dependency-cruiser/bin/dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'apps', 'libs', 'migrations']));
step('no SQL outside repositories (scripts/check-sql.mjs)', await run('no SQL outside repositories', [join(ROOT, 'scripts/check-sql.mjs')]));

// 2. jest, its own summary on the terminal and the JSON report beside.
const jestJson = join(OUT, 'jest.json');
const jestCode = await run('jest', ['--experimental-vm-modules', bin('jest/bin/jest.js'), '--json', `--outputFile=${jestJson}`, ...jestArgs]);
const jr = readJson(jestJson);
runner(
  'jest',
  jestCode,
  jr && { passed: jr.numPassedTests, failed: jr.numFailedTests + (jr.numRuntimeErrorTestSuites ?? 0), skipped: (jr.numPendingTests ?? 0) + (jr.numTodoTests ?? 0) },
);

// 3. vitest (apps/web).
const vitestJson = join(OUT, 'vitest.json');
const vitestCode = await run('vitest (apps/web)', [bin('vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], {
  cwd: join(ROOT, 'apps/web'),
});
const vr = readJson(vitestJson);
runner('vitest', vitestCode, vr && { passed: vr.numPassedTests, failed: vr.numFailedTests, skipped: (vr.numPendingTests ?? 0) + (vr.numTodoTests ?? 0) });

// 4. Builds (at once), then the bundle budget.
process.stdout.write('\n== build: nest build api & vite build (apps/web)\n');
const [apiBuild, webBuild] = await Promise.all([buildApi(), buildWeb({ force: true })]);
step('build API (nest build api)', apiBuild);
step('build web app (vite build)', webBuild);
if (webBuild === 0) step('bundle budget', await run('bundle budget', [join(ROOT, 'apps/web/scripts/bundle-budget.mjs')]));
else step('bundle budget', 1, ': not checked, the web build failed');

// 5. Playwright, only on what was just built.
const pwJson = join(OUT, 'playwright.json');
if (apiBuild === 0 && webBuild === 0) {
  const pwCode = await run('Playwright (apps/web/e2e)', [bin('@playwright/test/cli.js'), 'test', '-c', 'apps/web/playwright.config.ts'], {
    env: { PLAYWRIGHT_JSON_REPORT: pwJson },
  });
  const pr = readJson(pwJson);
  const s = pr?.stats;
  runner(
    'Playwright',
    pwCode,
    s && { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped, flaky: s.flaky },
  );
} else {
  process.stdout.write('\n== Playwright: not run, a build failed\n');
  runner('Playwright', 1, null);
}

// The table, then the one line.
const passed = steps.reduce((n, s) => n + s.passed, 0);
const failed = steps.reduce((n, s) => n + s.failed, 0);
const width = Math.max(...steps.map((s) => s.name.length));
process.stdout.write(`\n== summary (${Math.round((Date.now() - started) / 1000)} s; reports in test-results/)\n`);
for (const s of steps) process.stdout.write(`${s.ok ? '  ' : '✗ '}${s.name.padEnd(width)}  ${s.note}\n`);
writeFileSync(join(OUT, 'summary.json'), `${JSON.stringify({ passed, failed, steps }, null, 2)}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 && steps.every((s) => s.ok) ? 0 : 1;
