// One generator thread of the seed: the cases of some organizations (seed.mjs partitions them),
// one generation pass, one COPY connection per table. Case numbers and audit hash chains are
// per organization, so threads never share a counter or a chain; audit seq values come from a
// range reserved for this thread.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { createRandom } from './random.mjs';
import { createCaseFactory } from './dataset.mjs';
import { openCopy } from './copy.mjs';
import { TABLES } from './tables.mjs';

const dist = (p) => new URL(`../../dist/${p}`, import.meta.url).href;
const [{ FieldCipher, openWithKey }, { diff }, chain, { canonicalJson }, { AuditPrivacy }] = await Promise.all([
  import(dist('libs/common/src/crypto/field-cipher.js')),
  import(dist('libs/core/src/audit/audit.writer.js')),
  import(dist('libs/core/src/audit/audit-chain.js')),
  import(dist('libs/common/src/canonical-json.js')),
  import(dist('libs/core/src/audit/audit-personal.js')),
]);

const w = workerData;
const ctx = {
  rnd: createRandom(w.seed * 7919 + w.index),
  now: new Date(w.now),
  cases: w.cases,
  orgs: w.orgs,
  normalize: new Map(w.normalize),
  cipher: new FieldCipher(w.dataEncryptionKey),
  searchNameStrategy: w.searchNameStrategy,
  audit: { seq: w.firstSeq, txid: w.firstTxid, pending: [], heads: new Map(w.heads), diff, chain, canonicalJson, privacy: new AuditPrivacy(), openWithKey, checked: 0, hashed: 0 },
  shelters: w.shelters,
  // This thread's share of the shelters' beds (seed.mjs), each with its stays (lifecycle.mjs).
  beds: w.beds.map((b) => ({ ...b, busy: [] })),
  end: Date.parse(w.now) - 3_600_000,
};
ctx.factory = createCaseFactory(ctx, w.orgCodes);
const generators = TABLES.filter((g) => w.tables.includes(g.table) && g.perCase);
const clients = [];
const streams = [];
for (const g of generators) {
  const c = new pg.Client({ connectionString: w.url, application_name: `bench-seed-${w.index}` });
  await c.connect();
  clients.push(c);
  streams.push(await openCopy(c, g.table, g.columns, new Map(w.types[g.table])));
}
const emitters = generators.map((g, k) => ({ g, emit: (values) => streams[k].write(values) }));
const every = Math.max(1, Math.floor(w.cases / 5));
const t = performance.now();
const waited = {}; // ms spent waiting for PostgreSQL to take a table's COPY data
for (let i = 0; i < w.cases; i++) {
  const c = ctx.factory.make(i);
  for (const { g, emit } of emitters) g.perCase(c, ctx, emit);
  for (const s of streams) {
    if (!s.backpressure) continue;
    const w0 = performance.now();
    await s.backpressure;
    waited[s.table] = (waited[s.table] ?? 0) + performance.now() - w0;
  }
  if ((i + 1) % every === 0) parentPort.postMessage({ progress: `thread ${w.index} (${w.orgCodes.join(', ')}): ${i + 1} cases, ${Math.round(performance.now() - t)} ms` });
}
await Promise.all(streams.map((s) => s.end()));
await Promise.all(clients.map((c) => c.end()));
parentPort.postMessage({
  done: true,
  orgCodes: w.orgCodes,
  rowCounts: Object.fromEntries(streams.map((s) => [s.table, s.rows])),
  counters: [...ctx.factory.counters],
  lastSeq: ctx.audit.seq,
  planted: [...ctx.factory.planted].map(([i, p]) => ({ i, thread: w.index, ...p })),
  ms: Math.round(performance.now() - t),
  waitedMs: Object.fromEntries(Object.entries(waited).map(([k, v]) => [k, Math.round(v)])),
});
