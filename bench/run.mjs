// npm run bench [-- --smoke] — the performance benchmark of issue 12. See README.md "Benchmark".
//
// 1. builds (nest build) and starts PostgreSQL (embedded, in a temp dir; or BENCH_DATABASE_URL),
// 2. starts the production API once: it migrates and seeds the demo organizations and users,
// 3. loads the synthetic dataset with COPY (bench/seed), timing it,
// 4. starts the worker and the raw baseline (bench/baseline-server.mjs),
// 5. drives every scenario (bench/scenarios.mjs) with autocannon: warm-up, timed rounds, median,
// 6. checks search recall, captures the query plans (auto_explain) and optionally a CPU profile,
// 7. prints the table and writes bench/results/latest.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { runOnce, summarize } from './lib/load.mjs';
import { query, readStatements, resetStatements, startDatabase, useDatabase } from './lib/postgres.mjs';
import { cpuMs, rssMb, startProcess, withRssSampling } from './lib/processes.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { FLOWS_QUERIES, REFERRALS_USER, REPORTS_USER, SCENARIOS } from './scenarios.mjs';
import { RECALL_SET } from './seed/recall.mjs';
import { SEARCH_NAME_STRATEGIES, seedDataset } from './seed/seed.mjs';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const RESULTS = join(ROOT, 'bench/results');
const DEMO_PASSWORD = 'bench-demo-password-2026';
const USER = 'caseworker@iom-ml.example.org';

const { values: opts } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    cases: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    seed: { type: 'string', default: '12' },
    'search-name': { type: 'string', default: 'precomputed' },
    'seed-threads': { type: 'string', default: '2' },
    only: { type: 'string' },
    worker: { type: 'boolean', default: true },
    'no-worker': { type: 'boolean', default: false },
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'seed-only': { type: 'boolean', default: false },
    explain: { type: 'boolean', default: true },
    'no-explain': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'no-durable': { type: 'boolean', default: false },
    'profile-scenario': { type: 'string', default: 'case-get' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write(`npm run bench -- [options]
  --smoke               10,000 cases, 1 s warm-up, 3 s rounds (CI)
  --cases N             dataset size (default 1,000,000)
  --duration S          seconds per timed round (default 10; smoke 3)
  --warmup S            warm-up seconds per scenario (default 5; smoke 1)
  --rounds N            timed rounds per scenario, median reported (default 3)
  --only a,b            run only these scenario ids (${SCENARIOS.map((s) => s.id).join(', ')})
  --search-name S       how the seed fills cases.search_name: ${SEARCH_NAME_STRATEGIES.join(' | ')} (default precomputed)
  --seed N              PRNG seed of the dataset (default 12)
  --seed-threads N      generator threads of the seed (default 2: one per core)
  --data-dir DIR        keep the embedded cluster in DIR and reuse its data on the next run
  --seed-only           stop after seeding (measure the load)
  --no-worker           do not start the worker
  --no-explain          do not capture query plans
  --no-durable          measure with the load's settings (fsync, synchronous_commit, full_page_writes
                        off), as runs before 2026-11-23 did: only to compare with those
  --profile             also CPU-profile the API under GET /cases/{id} (--cpu-prof), top functions
  --profile-scenario ID profile under this scenario instead (e.g. search)
  --no-build            skip npm run build (dist/ must be current)
  --out FILE            results file (default bench/results/latest.json)
  BENCH_DATABASE_URL    use this PostgreSQL instead of an embedded one (must be empty or seeded by a previous run)
  BENCH_API_NODE_OPTIONS the API's NODE_OPTIONS (default --max-semi-space-size=4, as docker/Dockerfile)
`);
  process.exit(0);
}
const smoke = opts.smoke;
const cfg = {
  cases: Number(opts.cases ?? (smoke ? 10_000 : 1_000_000)),
  duration: Number(opts.duration ?? (smoke ? 3 : 10)),
  warmup: Number(opts.warmup ?? (smoke ? 1 : 5)),
  rounds: Number(opts.rounds ?? 3),
  seed: Number(opts.seed),
  searchName: opts['search-name'],
  seedThreads: Number(opts['seed-threads']),
  worker: opts.worker && !opts['no-worker'],
  build: opts.build && !opts['no-build'],
  explain: opts.explain && !opts['no-explain'],
  only: opts.only ? opts.only.split(',') : null,
};
const out = resolve(opts.out ?? join(RESULTS, 'latest.json'));
const logsDir = join(RESULTS, 'logs');
mkdirSync(logsDir, { recursive: true });

const log = (m) => process.stdout.write(`${m}\n`);
const ms = (t) => Math.round(performance.now() - t);
const started = performance.now();
const cleanup = [];
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${sig}: stopping …`);
    await runCleanup();
    process.exit(130);
  });
}
async function runCleanup() {
  while (cleanup.length) {
    const fn = cleanup.pop();
    try {
      await fn();
    } catch (e) {
      log(`cleanup: ${e?.message ?? e}`);
    }
  }
}

const freePort = async () => (await import(new URL('../dist/libs/common/src/database/embedded.js', import.meta.url).href)).freePort();
const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

async function http(base, path, { method = 'GET', token, body } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
  return { status: res.status, data, headers: res.headers };
}

async function login(api, email = USER) {
  const r = await http(api, '/api/v1/auth/login', { method: 'POST', body: { email, password: DEMO_PASSWORD } });
  if (r.status !== 200) throw new Error(`login as ${email} failed: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}

/** Secrets in the form the production config demands (libs/common/src/config/config.ts). */
function secrets(dir) {
  const file = dir ? join(dir, 'bench-secrets.json') : null;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const s = {
    JWT_SECRET: randomBytes(48).toString('base64url'),
    DATA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
    LETTER_SIGNING_KEY: `l1:${generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
  };
  if (file) writeFileSync(file, JSON.stringify(s), { mode: 0o600 });
  return s;
}

function table(rows, headers) {
  const cells = [headers, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.slice(1).map(line)].join('\n');
}

const results = {
  version: 1,
  startedAt: new Date().toISOString(),
  mode: smoke ? 'smoke' : 'full',
  git: { commit: git('rev-parse', 'HEAD'), branch: git('rev-parse', '--abbrev-ref', 'HEAD'), dirty: (git('status', '--porcelain') ?? '') !== '' },
  machine: { cpuModel: cpus()[0]?.model ?? null, cores: cpus().length, node: process.version, loadAverageAtStart: null },
  options: cfg,
  notes: [],
};
results.machine.loadAverageAtStart = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);

let failed = false;
try {
  // ---- 1. build, database -------------------------------------------------------------------
  if (cfg.build) {
    const t = performance.now();
    log('== build (npm run build)');
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stdout}\n${b.stderr}`);
    results.buildMs = ms(t);
  }
  const dataDir = opts['data-dir'] ? resolve(opts['data-dir']) : null;
  let database;
  let tmp = null;
  if (process.env.BENCH_DATABASE_URL) {
    database = await useDatabase(process.env.BENCH_DATABASE_URL, log);
  } else {
    const dir = dataDir ?? (tmp = mkdtempSync(join(tmpdir(), 'passerelle-bench-')));
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755); // the server runs as the postgres user when we are root
    const t = performance.now();
    database = await startDatabase({ dir, log });
    results.databaseStartMs = ms(t);
    cleanup.push(async () => {
      await database.stop();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });
  }
  results.machine.postgres = database.version;
  const secret = secrets(dataDir);

  // ---- 2. the API: migrates, seeds the demo organizations ------------------------------------
  const apiPort = await freePort();
  const api = `http://127.0.0.1:${apiPort}`;
  const apiEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    ...secret,
    MIGRATE_ON_START: 'true',
    DEMO_SEED: 'true',
    DEMO_PASSWORD,
    RUN_JOBS: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    PUBLIC_BASE_URL: api,
    // The runtime settings of docker/Dockerfile (resident memory, issue 12): a young generation
    // of at most 4 MB semi-spaces (V8's default of 16 MB is ~30 MB of RSS; 1 MB made the
    // scavenger 20–24 % of the API's CPU under load, 4 MB 7–13 %), and glibc malloc returning
    // large blocks (argon2's 19 MB a hash) to the system. BENCH_API_NODE_OPTIONS overrides.
    NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS ?? '--max-semi-space-size=4',
    MALLOC_ARENA_MAX: '2',
    MALLOC_MMAP_THRESHOLD_: '131072',
  };
  const startApi = async (extraArgs = [], env = apiEnv, name = 'api') => {
    const p = startProcess({ name, cwd: ROOT, args: [...extraArgs, 'dist/apps/api/src/main.js'], env, logFile: join(logsDir, `${name}.log`) });
    cleanup.push(() => p.stop());
    // Long: on a kept --data-dir, pending migrations may backfill a million cases first.
    await p.waitFor(/Passerelle API ready/, 900_000);
    return p;
  };
  let t = performance.now();
  log('== API (migrate + demo seed)');
  let apiProc = await startApi();
  results.apiStartMs = ms(t);

  // ---- 3. the dataset ------------------------------------------------------------------------
  const [{ n: existing }] = await query(database.url, 'SELECT count(*)::int AS n FROM cases');
  if (existing > 0) {
    log(`== dataset: reusing the ${existing} cases already in the database (not seeded, not timed)`);
    results.dataset = { cases: existing, reused: true };
  } else {
    log(`== seeding ${cfg.cases.toLocaleString('en')} cases (COPY, search_name ${cfg.searchName})`);
    const seeded = await seedDataset({ url: database.url, cases: cfg.cases, seed: cfg.seed, searchNameStrategy: cfg.searchName, threads: cfg.seedThreads, dataEncryptionKey: secret.DATA_ENCRYPTION_KEY, log });
    results.dataset = { cases: cfg.cases, reused: false, seedingMs: seeded.timings.totalMs, ...seeded };
    log(`   seeded in ${(seeded.timings.totalMs / 1000).toFixed(1)} s: ${Object.entries(seeded.rowCounts).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}`);
    log(`   phases (ms): ${JSON.stringify(seeded.timings)}`);
    for (const s of seeded.skipped) log(`   skipped ${s.table}: ${s.reason}`);
  }
  const [{ size }] = await query(database.url, 'SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
  results.dataset.databaseSize = size;
  if (opts['seed-only']) throw Object.assign(new Error('seed-only'), { done: true });
  // Measured as production runs: every commit flushed (the load ran without). The API reconnects.
  if (database.durable && !opts['no-durable']) {
    await apiProc.stop();
    results.machine.postgresDurability = await database.durable();
    apiProc = await startApi();
  } else if (database.durable) {
    results.machine.postgresDurability = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off (--no-durable)' };
  }

  // ---- 4. worker and baseline ----------------------------------------------------------------
  results.processes = { api: { pid: apiProc.pid } };
  if (cfg.worker) {
    const w = startProcess({ name: 'worker', cwd: ROOT, args: ['dist/apps/worker/src/main.js'], env: { ...apiEnv, PORT: '0' }, logFile: join(logsDir, 'worker.log') });
    cleanup.push(() => w.stop());
    try {
      await w.waitFor(/worker started/, 60_000);
      results.processes.worker = { status: 'running', pid: w.pid };
      log('== worker started');
    } catch (e) {
      results.processes.worker = { status: 'failed to start', error: String(e.message).slice(0, 500) };
      results.notes.push('The worker did not start cleanly; see bench/results/logs/worker.log');
      log(`== worker did not start: ${e.message.split('\n')[0]}`);
      await w.stop();
    }
  } else {
    results.processes.worker = { status: 'not started (--no-worker)' };
  }
  const session = await login(api);
  const [me] = await query(database.url, 'SELECT id, organization_id, site_ids FROM users WHERE email = $1', [USER]);
  const basePort = await freePort();
  const baselineUrl = `http://127.0.0.1:${basePort}`;
  const baseline = startProcess({
    name: 'baseline',
    cwd: ROOT,
    args: ['bench/baseline-server.mjs'],
    env: { PATH: process.env.PATH, DATABASE_URL: database.url, PORT: String(basePort), DATA_ENCRYPTION_KEY: secret.DATA_ENCRYPTION_KEY, BASELINE_ACTOR: JSON.stringify({ userId: me.id, organizationId: me.organization_id, siteIds: me.site_ids }) },
    logFile: join(logsDir, 'baseline.log'),
  });
  cleanup.push(() => baseline.stop());
  await baseline.waitFor(/baseline ready/);
  results.processes.baseline = { pid: baseline.pid };

  // ---- 5. what the scenarios need --------------------------------------------------------------
  log('== preparing scenarios');
  const ids = (await query(database.url, 'SELECT id FROM cases WHERE owning_organization_id = $1 AND site_id = ANY($2) ORDER BY random() LIMIT 20000', [me.organization_id, me.site_ids])).map((r) => r.id);
  // The baseline must answer what the API answers: same JSON for the same ids.
  const mismatches = [];
  for (const id of ids.slice(0, 20)) {
    const [a, b] = await Promise.all([http(api, `/api/v1/cases/${id}`, { token: session.accessToken }), http(baselineUrl, `/cases/${id}`)]);
    if (a.status !== 200 || JSON.stringify(a.data) !== JSON.stringify(b.data) || a.headers.get('etag') !== b.headers.get('etag')) mismatches.push({ id, api: a.status, baseline: b.status });
  }
  results.baselineCheck = { compared: Math.min(20, ids.length), mismatches };
  if (mismatches.length) {
    results.notes.push(`The raw baseline's JSON differs from the API's for ${mismatches.length} ids`);
    log(`   WARNING: baseline JSON differs from the API's for ${mismatches.length} of 20 ids`);
  } else log('   baseline JSON = API JSON for 20 ids');
  // Deep page: follow nextCursor up to 200 pages of 50.
  let cursor = null;
  let depth = 0;
  for (let page = 0; page < 200; page++) {
    const r = await http(api, `/api/v1/cases?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: session.accessToken });
    if (r.status !== 200) throw new Error(`list page ${page + 1}: ${r.status} ${JSON.stringify(r.data)}`);
    if (!r.data.nextCursor) break;
    cursor = r.data.nextCursor;
    depth = page + 1;
  }
  results.deepCursorDepth = { pages: depth, rows: depth * 50 };
  log(`   deep cursor: after ${depth} pages (${depth * 50} rows)`);
  // Search recall: does the typo query find its planted person in the first 10?
  const recall = [];
  for (const p of RECALL_SET) {
    const r = await http(api, `/api/v1/cases?q=${encodeURIComponent(p.query)}&limit=10`, { token: session.accessToken });
    const items = r.status === 200 ? r.data.items : [];
    const rank = items.findIndex((c) => c.identity.givenName === p.given && c.identity.familyName === p.family) + 1;
    recall.push({ query: p.query, person: [p.given, p.family, ...(p.other ?? [])].join(' '), status: r.status, rank: rank || null, top3: items.slice(0, 3).map((c) => `${c.identity.givenName} ${c.identity.familyName}`) });
  }
  results.recall = { found: recall.filter((r) => r.rank).length, total: recall.length, queries: recall };
  log(`   search recall: ${results.recall.found}/${results.recall.total} found in the first 10`);
  for (const r of recall.filter((x) => !x.rank)) log(`     missed "${r.query}" (${r.person}); top: ${r.top3.join(', ')}`);
  const { paths } = (await http(api, '/docs-json')).data;
  const routes = new Set(Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)));

  const env = { token: session.accessToken, email: USER, password: DEMO_PASSWORD, ids, deepCursor: cursor, recallQueries: RECALL_SET.map((p) => p.query), siteIds: me.site_ids };
  await sleep(2000);
  results.processes.api.idleRssMb = rssMb(apiProc.pid);
  results.processes.baseline.idleRssMb = rssMb(baseline.pid);
  log(`   API RSS idle: ${results.processes.api.idleRssMb} MB`);

  // ---- 6. scenarios ------------------------------------------------------------------------------
  const selected = SCENARIOS.filter((s) => !cfg.only || cfg.only.includes(s.id));
  const scenarioResults = new Map();
  const groups = [];
  for (const s of selected) {
    const last = groups[groups.length - 1];
    if (s.group && last && last[0].group === s.group) last.push(s);
    else groups.push([s]);
  }
  for (const group of groups) {
    const runnable = [];
    for (const s of group) {
      const missing = (s.requires ?? []).filter((r) => !routes.has(r));
      const res = { id: s.id, title: s.title, target: s.target, connections: s.connections, baseline: s.baseline ?? null };
      scenarioResults.set(s.id, res);
      if (missing.length || (!s.request && !s.burst)) {
        res.status = 'not built yet';
        res.reason = missing.length ? `the API has no ${missing.join(', ')}` : 'route exists; scenario request not written yet (bench/scenarios.mjs)';
        log(`-- ${s.title}: not built yet (${res.reason})`);
        continue;
      }
      runnable.push(s);
    }
    if (!runnable.length) continue;
    env.token = (await login(api)).accessToken; // fresh token per group
    // A burst scenario (shelter check-ins): its own volley per round after a prepare, no warm-up.
    for (const s of runnable.filter((x) => x.burst)) {
      const ctx = { api, http, token: s.user ? (await login(api, s.user)).accessToken : env.token };
      await s.prepare?.(ctx);
      const rounds = [];
      const { maxRss } = await withRssSampling([apiProc.pid], async () => {
        for (let r = 0; r < cfg.rounds; r++) {
          const result = await s.burst(ctx);
          rounds.push(result);
          log(`   ${s.id} round ${r + 1}: ${result.requests} at once in ${result.seconds} s, p50 ${result.p50} ms, p95 ${result.p95} ms, admitted ${result.admitted} of ${result.freeBefore} free, SHELTER_FULL ${result.refusedFull}, overbookings ${result.overbookings}, other ${result.non2xx}`);
        }
      });
      Object.assign(scenarioResults.get(s.id), {
        status: 'ok',
        ...summarize(rounds),
        overbookings: rounds.reduce((n, r) => n + r.overbookings, 0),
        maxRssMb: maxRss[apiProc.pid],
        rounds,
      });
    }
    runnable.splice(0, runnable.length, ...runnable.filter((x) => !x.burst));
    if (!runnable.length) continue;
    const prepared = [];
    for (const s of runnable) {
      const as = s.user ? { ...env, token: (await login(api, s.user)).accessToken } : env;
      prepared.push({ s, url: s.target === 'baseline' ? baselineUrl : api, pid: s.target === 'baseline' ? baseline.pid : apiProc.pid, request: s.request(as), rounds: [], maxRss: 0, statements: [] });
    }
    for (const p of prepared) {
      log(`-- ${p.s.title} (${p.s.connections} connections): warm-up ${cfg.warmup} s`);
      await runOnce({ url: p.url, connections: p.s.connections, seconds: cfg.warmup, request: p.request });
    }
    for (let r = 0; r < cfg.rounds; r++) {
      for (const p of prepared) {
        if (database.statements !== false) await resetStatements(database.url);
        const cpuBefore = cpuMs(p.pid);
        const { result, maxRss } = await withRssSampling([p.pid], () => runOnce({ url: p.url, connections: p.s.connections, seconds: cfg.duration, request: p.request }));
        const cpuAfter = cpuMs(p.pid);
        result.cpuMs = cpuBefore == null || cpuAfter == null ? null : cpuAfter - cpuBefore;
        p.maxRss = Math.max(p.maxRss, maxRss[p.pid]);
        p.rounds.push(result);
        const st = await readStatements(database.url);
        if (st) p.statements.push(st.filter((x) => !/pg_stat_statements/.test(x.query)));
        log(`   ${p.s.id} round ${r + 1}: ${result.rps} req/s, p50 ${result.p50} ms, p95 ${result.p95} ms, p99 ${result.p99} ms, errors ${result.errors + result.non2xx}`);
        if (result.samples.length) log(`     e.g. ${result.samples[0]}`);
      }
    }
    for (const p of prepared) {
      const res = scenarioResults.get(p.s.id);
      Object.assign(res, { status: 'ok', ...summarize(p.rounds), maxRssMb: p.maxRss, rounds: p.rounds.map(({ samples, ...x }) => ({ ...x, samples: samples.length ? samples : undefined })) });
      res.db = statementsSummary(p.statements, p.rounds);
    }
  }
  for (const res of scenarioResults.values()) {
    if (res.baseline && res.status === 'ok' && scenarioResults.get(res.baseline)?.status === 'ok') {
      res.ratioToBaseline = Math.round((res.rps / scenarioResults.get(res.baseline).rps) * 100) / 100;
    }
  }
  results.scenarios = [...scenarioResults.values()];
  const apiRows = results.scenarios.filter((s) => s.status === 'ok' && s.target === 'api');
  results.processes.api.maxRssMb = Math.max(0, ...apiRows.map((s) => s.maxRssMb));

  // ---- 7. query plans as the API issues them (auto_explain) ------------------------------------
  if (cfg.explain && database.serverLog) {
    log('== query plans (auto_explain, EXPLAIN ANALYZE BUFFERS of the API\'s own statements)');
    results.plans = await capturePlans(database, api, env);
    const text = Object.entries(results.plans).map(([k, v]) => `==== ${k}\n${v}`).join('\n\n');
    writeFileSync(out.replace(/\.json$/, '') + '-plans.txt', text);
  }

  // ---- 8. CPU profile of GET /cases/{id} or another scenario (--profile) ----------------------
  if (opts.profile) {
    const s = SCENARIOS.find((x) => x.id === opts['profile-scenario']);
    if (!s?.request || s.target !== 'api') throw new Error(`--profile-scenario ${opts['profile-scenario']}: not an API scenario`);
    log(`== CPU profile: API with --cpu-prof under ${s.title}`);
    await apiProc.stop();
    const profDir = join(RESULTS, 'profile');
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
    apiProc = await startApi([`--cpu-prof`, `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'], { ...apiEnv, DEMO_SEED: 'false' }, 'api-profiled');
    env.token = (await login(api, s.user)).accessToken;
    const request = s.request(env);
    await runOnce({ url: api, connections: s.connections, seconds: cfg.warmup, request });
    const from = Number(process.hrtime.bigint() / 1000n);
    const r = await runOnce({ url: api, connections: s.connections, seconds: cfg.duration * 2, request });
    const to = Number(process.hrtime.bigint() / 1000n);
    await apiProc.stop();
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      results.profile = { scenario: s.id, rps: r.rps, ...summarizeProfile(JSON.parse(readFileSync(join(profDir, file), 'utf8')), 30, { from, to }) };
      writeFileSync(out.replace(/\.json$/, '') + '-profile.txt', results.profile.text);
      log(results.profile.text);
    } else results.notes.push('--profile: no .cpuprofile was written');
  }
} catch (e) {
  if (!e?.done) {
    failed = true;
    results.error = String(e?.stack ?? e);
    log(`\nBENCH FAILED: ${e?.stack ?? e}`);
  }
} finally {
  await runCleanup();
}

function statementsSummary(perRound, rounds) {
  if (!perRound.length) return null;
  const requests = rounds.reduce((s, r) => s + r.requests, 0);
  const merged = new Map();
  for (const list of perRound) for (const st of list) {
    const m = merged.get(st.query) ?? { query: st.query, calls: 0, totalMs: 0 };
    m.calls += st.calls;
    m.totalMs += st.total_ms;
    merged.set(st.query, m);
  }
  const all = [...merged.values()].sort((a, b) => b.totalMs - a.totalMs);
  // The worker's own statements (pg-boss, the audit sealer) are load too, but not per request.
  const isWorker = (q) => /pgboss|audit_seals|pg_try_advisory_xact_lock|worker_heartbeats/.test(q);
  const own = all.filter((s) => !isWorker(s.query));
  return {
    queriesPerRequest: Math.round((own.reduce((s, x) => s + x.calls, 0) / requests) * 100) / 100,
    dbMsPerRequest: Math.round((own.reduce((s, x) => s + x.totalMs, 0) / requests) * 1000) / 1000,
    workerDbMs: Math.round(all.filter((s) => isWorker(s.query)).reduce((s, x) => s + x.totalMs, 0)),
    top: all.slice(0, 8).map((s) => ({ calls: s.calls, totalMs: Math.round(s.totalMs), meanMs: Math.round((s.totalMs / s.calls) * 1000) / 1000, query: s.query.slice(0, 400) })),
  };
}

async function capturePlans(database, api, env) {
  const marker = (text) => query(database.url, `DO $$ BEGIN RAISE LOG '${text}'; END $$`);
  await query(database.adminUrl, "ALTER SYSTEM SET auto_explain.log_min_duration = '0'");
  await query(database.adminUrl, 'SELECT pg_reload_conf()');
  await sleep(1000);
  const referralsToken = (await login(api, REFERRALS_USER)).accessToken;
  const reportsToken = (await login(api, REPORTS_USER)).accessToken;
  const requests = {
    'GET /cases?limit=50 (first page)': '/api/v1/cases?limit=50',
    'GET /cases?limit=50&cursor (deep page)': `/api/v1/cases?limit=50&cursor=${encodeURIComponent(env.deepCursor ?? '')}`,
    [`GET /cases?q=${RECALL_SET[0].query}`]: `/api/v1/cases?q=${encodeURIComponent(RECALL_SET[0].query)}`,
    'GET /cases/{id}': `/api/v1/cases/${env.ids[0]}`,
    [`GET /referrals?direction=incoming&limit=50 (as ${REFERRALS_USER})`]: { path: '/api/v1/referrals?direction=incoming&limit=50', token: referralsToken },
    ...Object.fromEntries(FLOWS_QUERIES.map((q) => [`GET /reports/flows?${q} (as ${REPORTS_USER})`, { path: `/api/v1/reports/flows?${q}`, token: reportsToken }])),
  };
  const plans = {};
  try {
    for (const [name, request] of Object.entries(requests)) {
      const { path, token } = typeof request === 'string' ? { path: request, token: env.token } : request;
      const tag = `bench-plan-${Math.random().toString(36).slice(2)}`;
      await marker(`${tag} start`);
      await http(api, path, { token });
      await sleep(300);
      await marker(`${tag} end`);
      await sleep(300);
      const text = database.serverLog.text();
      const from = text.indexOf(`${tag} start`);
      const to = text.indexOf(`${tag} end`);
      plans[name] = from >= 0 && to > from ? cleanPlans(text.slice(text.indexOf('\n', from) + 1, text.lastIndexOf('\n', to))) : '(not captured)';
    }
  } finally {
    await query(database.adminUrl, "ALTER SYSTEM SET auto_explain.log_min_duration = '-1'");
    await query(database.adminUrl, 'SELECT pg_reload_conf()');
  }
  return plans;
}

/** auto_explain log records → plain plans (without the log line prefixes and the marker DO blocks). */
function cleanPlans(text) {
  return text
    .split(/\n(?=\S[^\n]*LOG:)/)
    .filter((rec) => /plan:/.test(rec) && !/RAISE LOG/.test(rec))
    .map((rec) => rec.replace(/^.*?LOG:\s+/, '').replace(/\n\t/g, '\n  '))
    .join('\n\n');
}

// ---- report ------------------------------------------------------------------------------------
results.totalMs = ms(started);
results.finishedAt = new Date().toISOString();
if (results.scenarios) {
  const fmt = (x, d = 1) => (x === null || x === undefined ? '' : typeof x === 'number' ? x.toFixed(d) : x);
  const rows = results.scenarios.map((s) =>
    s.status === 'ok'
      ? [s.title, s.connections, fmt(s.rps, 0), fmt(s.p50), fmt(s.p95), fmt(s.p99), s.overbookings === undefined ? s.errors : `${s.errors} (${s.overbookings} overbooked)`, s.ratioToBaseline ? s.ratioToBaseline.toFixed(2) : '', s.maxRssMb, s.cpuMsPerRequest != null ? fmt(s.cpuMsPerRequest, 2) : '', s.db ? fmt(s.db.queriesPerRequest, 1) : '', s.db ? fmt(s.db.dbMsPerRequest, 2) : '']
      : [s.title, s.connections, s.status, '', '', '', '', '', '', '', ''],
  );
  const d = results.dataset;
  const header = [
    '',
    `Passerelle benchmark (${results.mode}) — ${results.git.commit?.slice(0, 10)}${results.git.dirty ? '+dirty' : ''} — ${results.machine.cpuModel} × ${results.machine.cores}, node ${results.machine.node}, PostgreSQL ${results.machine.postgres}${results.machine.postgresDurability ? ` (measured with ${Object.entries(results.machine.postgresDurability).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`,
    `dataset: ${d.cases.toLocaleString('en')} cases${d.reused ? ' (reused)' : `, seeded in ${(d.seedingMs / 1000).toFixed(1)} s`} (${Object.entries(d.rowCounts ?? {}).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}), database ${d.databaseSize}`,
    `rounds: ${cfg.rounds} × ${cfg.duration} s after ${cfg.warmup} s warm-up, median; latency in ms; RSS = API (or baseline) max VmRSS in MB; cpu ms/req = the server process's own CPU time per request; q/req and db ms/req from pg_stat_statements`,
    `API RSS idle ${results.processes?.api?.idleRssMb} MB, under load max ${results.processes?.api?.maxRssMb} MB; worker: ${results.processes?.worker?.status}; search recall ${results.recall?.found}/${results.recall?.total}; load average at start ${results.machine.loadAverageAtStart.join(' ')}`,
    '',
  ].join('\n');
  results.table = table(rows, ['scenario', 'conns', 'req/s', 'p50', 'p95', 'p99', 'errors', 'vs raw', 'RSS', 'cpu ms/req', 'q/req', 'db ms/req']);
  log(`${header}\n${results.table}\n`);
  for (const s of d.skipped ?? []) log(`seed skipped ${s.table}: ${s.reason}`);
  const bad = results.scenarios.filter((s) => s.status === 'ok' && s.errors > 0);
  if (bad.length) {
    failed = true;
    log(`FAILED: errors in ${bad.map((s) => s.id).join(', ')}`);
  }
  // An overbooked shelter is a broken invariant, not a slow answer: it fails the run (and CI).
  const overbooked = results.scenarios.filter((s) => s.overbookings > 0);
  if (overbooked.length) {
    failed = true;
    log(`FAILED: overbookings in ${overbooked.map((s) => `${s.id} (${s.overbookings})`).join(', ')}`);
  }
}
mkdirSync(RESULTS, { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
log(`results: ${out} (${(results.totalMs / 1000).toFixed(0)} s in all)`);
process.exit(failed ? 1 : 0);
