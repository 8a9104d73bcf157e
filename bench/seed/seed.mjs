// Bulk load of the synthetic dataset (issue 12): PostgreSQL's own recipe for populating a
// database — drop the loaded tables' indexes and foreign keys, COPY every table in parallel
// (one connection each, fed by one generation pass), then rebuild keys and indexes two at a
// time, re-add the foreign keys (PostgreSQL validates them: the data is checked, not trusted),
// VACUUM ANALYZE. Nothing under apps/ or libs/ runs here except pure helpers from the build
// (FieldCipher, the audit diff and hash chain), so the rows are what the API would write.
import pg from 'pg';
import { Worker } from 'node:worker_threads';
import { assertRecallNamesAreUnique, nameVocabulary, partitionOrganizations } from './dataset.mjs';
import { openCopy } from './copy.mjs';
import { TABLES } from './tables.mjs';
import * as V from './vocabulary.mjs';

const dist = (p) => new URL(`../../dist/${p}`, import.meta.url).href;
const DEMO_CODES = ['IOM-ML', 'MDM-GAO', 'CIAUD-DTZ', 'DIREYBEN-GAO', 'CSREF-GAO'];
export const SEARCH_NAME_STRATEGIES = ['precomputed', 'trigger', 'sql-after'];

const since = (t) => Math.round(performance.now() - t);

/** Runs `jobs` (functions returning promises) at most `n` at a time. */
async function pool(n, jobs) {
  const queue = [...jobs];
  await Promise.all(Array.from({ length: Math.min(n, queue.length) }, async () => {
    while (queue.length) await queue.shift()();
  }));
}

/**
 * Indexes, constraints (with their validation state) and triggers (with their enabled state) of
 * the public schema: compared before the load and after it, so the seed cannot leave the
 * database different from what the migrations made.
 */
async function schemaObjects(db) {
  const { rows } = await db.query(
    `SELECT 'index ' || tablename || '.' || indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public'
     UNION ALL
     SELECT 'constraint ' || conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' (NOT VALIDATED)' END
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION ALL
     SELECT 'trigger ' || tgrelid::regclass::text || '.' || tgname, pg_get_triggerdef(oid) || ' [' || tgenabled::text || ']'
     FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
     UNION ALL
     SELECT 'table ' || relname, relpersistence::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`,
  );
  return new Map(rows.map((r) => [r.name, r.def]));
}

function diffSchema(before, after) {
  const out = [];
  for (const [k, v] of before) if (!after.has(k)) out.push(`missing ${k}: ${v}`);
  else if (after.get(k) !== v) out.push(`changed ${k}: ${v} → ${after.get(k)}`);
  for (const [k, v] of after) if (!before.has(k)) out.push(`extra ${k}: ${v}`);
  return out;
}

/**
 * Each generator thread schedules stays on its own share of every shelter's beds (so that no two
 * threads fill one bed), in proportion to the stays its organizations ask for (lifecycle.stayOf:
 * 30 % of the shelter organization's cases, 90 % of the accepted or completed shelter referrals
 * to it, about 20 % × P(shelter) × 60 % of the others' cases). Half of each share (rounded down)
 * may hold stays still active now: the shelter-checkins scenario finds half of the beds free.
 */
function shareBeds(shelters, partitions, orgs) {
  const weights = new Map(V.ORG_WEIGHTS);
  const shelterShare = (from, shelterOrgId) => {
    const offered = V.REFERRAL_SERVICES.filter(([type]) => orgs.some((o) => o.id !== from.id && o.capabilities.includes(type)));
    const total = offered.reduce((n, [, w]) => n + w, 0);
    const shelterOrgs = orgs.filter((o) => o.id !== from.id && o.capabilities.includes('shelter'));
    const shelter = offered.find(([type]) => type === 'shelter');
    return shelter && shelterOrgs.some((o) => o.id === shelterOrgId) ? shelter[1] / total / shelterOrgs.length : 0;
  };
  const out = partitions.map(() => []);
  for (const site of shelters) {
    const demand = partitions.map((p) => {
      const w = p.orgCodes.reduce((n, code) => n + weights.get(code), 0);
      return p.orgCodes.reduce((n, code) => {
        const o = orgs.find((x) => x.code === code);
        const cases = (p.cases * weights.get(code)) / w;
        return n + cases * (o.id === site.organizationId ? 0.3 : 0.2 * shelterShare(o, site.organizationId) * 0.6 * 0.9);
      }, 0);
    });
    const sum = demand.reduce((a, b) => a + b, 0) || 1;
    const counts = demand.map((d) => Math.floor((site.capacity * d) / sum));
    let left = site.capacity - counts.reduce((a, b) => a + b, 0);
    for (const k of [...counts.keys()].sort((a, b) => demand[b] - demand[a])) if (left-- > 0) counts[k]++;
    counts.forEach((n, k) => {
      for (let b = 0; b < n; b++) out[k].push({ siteId: site.id, forActive: b < Math.floor(n / 2) });
    });
  }
  return out;
}

/**
 * The rules the services keep, checked on the whole seeded dataset (not timed): no shelter over
 * its beds at any moment, at most half of them taken now (the shelter-checkins scenario), and
 * case closures that the close checks would have allowed.
 */
async function checkLifecycle(db, schema) {
  const checks = [];
  if (schema.has('stays')) {
    checks.push(
      ['shelter over capacity at some moment', `SELECT count(*)::int AS n FROM (
         SELECT e.site_id, sum(e.d) OVER (PARTITION BY e.site_id ORDER BY e.at, e.d) AS used FROM (
           SELECT site_id, checked_in_at AS at, 1 AS d FROM stays
           UNION ALL SELECT site_id, checked_out_at, -1 FROM stays WHERE checked_out_at IS NOT NULL) e) x
         JOIN sites s ON s.id = x.site_id WHERE x.used > s.bed_capacity`],
      ['shelter more than half full now', `SELECT count(*)::int AS n FROM sites s WHERE (SELECT count(*) FROM stays st WHERE st.site_id = s.id AND st.status = 'active') > s.bed_capacity / 2`],
      ['active stay of a closed case', `SELECT count(*)::int AS n FROM stays st JOIN cases c ON c.id = st.case_id WHERE st.status = 'active' AND c.status = 'closed'`],
      ['stay ending after its case closed', `SELECT count(*)::int AS n FROM stays st JOIN cases c ON c.id = st.case_id WHERE c.closed_at IS NOT NULL AND (st.checked_out_at IS NULL OR st.checked_out_at > c.closed_at)`],
      ['active stay overdue or ending within a day', `SELECT count(*)::int AS n FROM stays WHERE status = 'active' AND expected_check_out_at < now() + interval '1 day'`],
    );
  }
  if (schema.has('returns')) {
    checks.push(
      ['closed case with a return in progress or departed', `SELECT count(*)::int AS n FROM returns r JOIN cases c ON c.id = r.case_id WHERE c.status = 'closed' AND r.status IN ('draft', 'submitted', 'approved', 'departed')`],
      ['case closed as returned without an arrived return', `SELECT count(*)::int AS n FROM cases c WHERE c.closure_reason = 'returned' AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.case_id = c.id AND r.status = 'arrived' AND r.arrived_at <= c.closed_at)`],
      ['submitted return without an eligible screening and a return consent before it', `SELECT count(*)::int AS n FROM returns r WHERE r.submitted_at IS NOT NULL AND (
         NOT EXISTS (SELECT 1 FROM screenings s WHERE s.case_id = r.case_id AND s.outcome = 'eligible' AND s.screened_at < r.submitted_at)
         OR NOT EXISTS (SELECT 1 FROM consents k WHERE k.case_id = r.case_id AND k.purpose = 'return' AND k.withdrawn_at IS NULL AND k.recorded_at < r.submitted_at))`],
      ['stay still active after its return departed', `SELECT count(*)::int AS n FROM returns r JOIN stays st ON st.case_id = r.case_id WHERE r.departed_at IS NOT NULL AND st.checked_in_at < r.departed_at AND (st.checked_out_at IS NULL OR st.checked_out_at > r.departed_at)`],
    );
  }
  if (schema.has('reintegration_plans')) {
    checks.push(
      ['case closed as reintegration_completed without a completed plan', `SELECT count(*)::int AS n FROM cases c WHERE c.closure_reason = 'reintegration_completed' AND NOT EXISTS (SELECT 1 FROM reintegration_plans p WHERE p.case_id = c.id AND p.status = 'completed')`],
      ['plan without an arrived return to Mali before it', `SELECT count(*)::int AS n FROM reintegration_plans p WHERE NOT EXISTS (SELECT 1 FROM returns r WHERE r.case_id = p.case_id AND r.status = 'arrived' AND r.destination_country = 'MLI' AND r.arrived_at < p.created_at)`],
      ['plan total different from its items', `SELECT count(*)::int AS n FROM reintegration_plans p WHERE p.total_budget_xof <> (SELECT COALESCE(sum(budget_xof), 0) FROM reintegration_items i WHERE i.plan_id = p.id AND i.status <> 'cancelled')`],
      ['closed case with a plan not completed or rejected', `SELECT count(*)::int AS n FROM reintegration_plans p JOIN cases c ON c.id = p.case_id WHERE c.status = 'closed' AND p.status NOT IN ('completed', 'rejected')`],
    );
  }
  if (schema.has('subject_keys')) {
    checks.push(['case with sealed audit values and no subject key', `SELECT count(*)::int AS n FROM audit_events e WHERE e.entity_type = 'Case' AND e.action = 'case.created' AND e.changes::text LIKE '%$sealed%' AND NOT EXISTS (SELECT 1 FROM subject_keys k WHERE k.case_id::text = e.entity_id::text)`]);
  }
  const failed = [];
  for (const [what, sql] of checks) {
    const { rows: [{ n }] } = await db.query(sql);
    if (n) failed.push(`${what}: ${n}`);
  }
  if (failed.length) throw new Error(`the seeded dataset breaks the services' rules:\n${failed.join('\n')}`);
  return { checked: checks.map(([what]) => what) };
}

export async function seedDataset({ url, cases, seed = 12, searchNameStrategy = 'precomputed', dataEncryptionKey, parallel = 2, threads = 2, log = () => {} }) {
  if (!SEARCH_NAME_STRATEGIES.includes(searchNameStrategy)) throw new Error(`--search-name must be one of ${SEARCH_NAME_STRATEGIES.join(', ')}`);
  assertRecallNamesAreUnique();
  const chain = await import(dist('libs/core/src/audit/audit-chain.js'));
  const timings = {};
  const started = performance.now();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // ---- which generators apply: the schema decides ------------------------------------
    const { rows: cols } = await db.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const schema = new Map();
    for (const r of cols) {
      if (!schema.has(r.table_name)) schema.set(r.table_name, new Map());
      schema.get(r.table_name).set(r.column_name, r.data_type);
    }
    const active = [];
    const skipped = [];
    for (const g of TABLES) {
      if (!schema.has(g.table)) skipped.push({ table: g.table, reason: `table does not exist yet${g.planned ? ` (planned: ${g.planned})` : ''}` });
      else if (!g.perCase && !g.after) skipped.push({ table: g.table, reason: `table exists but has no generator yet: add one in bench/seed/tables.mjs${g.planned ? ` (${g.planned})` : ''}` });
      else if ((g.requires ?? []).some((t) => !schema.has(t))) skipped.push({ table: g.table, reason: `needs ${g.requires.join(', ')}` });
      else {
        const missing = g.columns.filter((c) => !schema.get(g.table).has(c));
        if (missing.length) throw new Error(`bench/seed/tables.mjs writes ${g.table}.${missing.join(', ')}, which the migrated schema does not have: update the generator`);
        active.push(g);
      }
    }
    const loaded = active.filter((g) => g.perCase || g.before).map((g) => g.table);

    // ---- context: the demo organizations, sites and users, names normalized by PostgreSQL ---
    const ceiling = schema.get('organizations').has('reintegration_budget_ceiling_xof') ? 'reintegration_budget_ceiling_xof' : 'NULL::bigint';
    const { rows: orgRows } = await db.query(`SELECT id, code, capabilities, ${ceiling} AS ceiling FROM organizations WHERE code = ANY($1) ORDER BY code`, [DEMO_CODES]);
    const { rows: siteRows } = await db.query(
      'SELECT id, organization_id, name, services, kind, active, bed_capacity, max_stay_days FROM sites WHERE organization_id = ANY($1) ORDER BY created_at, name',
      [orgRows.map((o) => o.id)],
    );
    const { rows: userRows } = await db.query('SELECT id, email FROM users WHERE organization_id = ANY($1)', [orgRows.map((o) => o.id)]);
    const userId = (role, code) => {
      const u = userRows.find((x) => x.email === `${role}@${code.toLowerCase()}.example.org`);
      if (!u) throw new Error(`demo user ${role}@${code.toLowerCase()}.example.org is missing (was the demo seed run?)`);
      return u.id;
    };
    const orgs = orgRows.map((o) => ({
      id: o.id,
      code: o.code,
      capabilities: o.capabilities,
      sites: siteRows.filter((s) => s.organization_id === o.id).map((s) => ({ id: s.id, name: s.name, services: s.services })),
      caseworker: userId('caseworker', o.code),
      manager: userId('manager', o.code),
      reintegrationCeiling: o.ceiling === null ? null : Number(o.ceiling),
    }));
    // The shelters (stays, issue 7): active shelter sites with beds, of an organization offering shelter.
    const shelters = siteRows
      .filter((s) => s.kind === 'shelter' && s.active && s.bed_capacity > 0)
      .map((s) => {
        const o = orgs.find((x) => x.id === s.organization_id);
        return { id: s.id, organizationId: o.id, capacity: s.bed_capacity, maxStayDays: s.max_stay_days ?? 10, caseworker: o.caseworker, manager: o.manager };
      });
    const { rows: normRows } = await db.query('SELECT w, f_name_tokens(w) AS n FROM unnest($1::text[]) AS w', [nameVocabulary()]);
    const { rows: [{ seq, txid }] } = await db.query(
      `SELECT COALESCE((SELECT max(seq) FROM audit_events), 0)::text AS seq, pg_current_xact_id()::text AS txid`,
    );
    const ctx = {
      now: new Date(),
      cases,
      orgs,
      normalize: new Map(normRows.map((r) => [r.w, r.n])),
      searchNameStrategy,
      audit: { seq: Number(seq), txid: Number(txid), heads: new Map(), chain },
    };
    timings.prepareMs = since(started);

    // ---- drop indexes, keys and foreign keys of the loaded tables ------------------------
    let t = performance.now();
    const schemaBefore = await schemaObjects(db);
    const { rows: fks } = await db.query(
      `SELECT conname, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE contype = 'f' AND (conrelid::regclass::text = ANY($1) OR confrelid::regclass::text = ANY($1))`,
      [loaded],
    );
    const { rows: keys } = await db.query(
      `SELECT conname, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY($1)`,
      [loaded],
    );
    const { rows: indexes } = await db.query(
      `SELECT i.indexname AS name, i.tablename AS tbl, i.indexdef AS def FROM pg_indexes i
       WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))`,
      [loaded],
    );
    await db.query('BEGIN');
    for (const f of fks) await db.query(`ALTER TABLE ${f.tbl} DROP CONSTRAINT "${f.conname}"`);
    for (const k of keys) await db.query(`ALTER TABLE ${k.tbl} DROP CONSTRAINT "${k.conname}"`);
    for (const i of indexes) await db.query(`DROP INDEX "${i.name}"`);
    if (searchNameStrategy !== 'trigger' && loaded.includes('cases')) await db.query('ALTER TABLE cases DISABLE TRIGGER cases_search_name');
    // The seeder writes every seal itself: the sealer's queue (migration 1795900000000) stays out of the load.
    if (loaded.includes('audit_seals')) await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_queue_for_sealing');
    // The live shares (migration 1796110000000) are rebuilt once after the load, not per row.
    const shares = loaded.includes('referrals') || loaded.includes('consents');
    if (loaded.includes('referrals')) await db.query('ALTER TABLE referrals DISABLE TRIGGER referrals_case_shares');
    if (loaded.includes('consents')) await db.query('ALTER TABLE consents DISABLE TRIGGER consents_case_shares');
    await db.query('COMMIT');
    timings.dropMs = since(t);

    // ---- generation threads, one COPY per table per thread ---------------------------------
    t = performance.now();
    // What is not per case (the seals of the demo seed's own events) is written from here first.
    const beforeGenerators = active.filter((g) => g.before);
    if (beforeGenerators.length) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      for (const g of beforeGenerators) {
        const s = await openCopy(c, g.table, g.columns, schema.get(g.table));
        await g.before(ctx, db, (values) => s.write(values));
        await s.end();
      }
      await c.end();
    }
    const perCase = active.filter((g) => g.perCase).map((g) => g.table);
    const partitions = partitionOrganizations(threads, cases);
    const beds = shareBeds(shelters, partitions, orgs);
    let firstSeq = ctx.audit.seq;
    let firstTxid = ctx.audit.txid;
    const results = await Promise.all(partitions.map((part, index) => {
      const data = {
        index,
        url,
        seed,
        now: ctx.now.toISOString(),
        cases: part.cases,
        orgCodes: part.orgCodes,
        orgs,
        normalize: [...ctx.normalize],
        dataEncryptionKey,
        searchNameStrategy,
        tables: perCase,
        types: Object.fromEntries(perCase.map((tbl) => [tbl, [...schema.get(tbl)]])),
        heads: [...ctx.audit.heads],
        shelters,
        beds: beds[index],
        firstSeq,
        firstTxid,
      };
      // At most 4 audit events per case: each thread's seq values stay in their own range.
      firstSeq += part.cases * 4 + 1;
      firstTxid += part.cases * 4 + 1;
      return new Promise((resolve, reject) => {
        const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: data });
        worker.on('message', (m) => (m.progress ? log(`  ${m.progress}`) : m.done && resolve(m)));
        worker.on('error', reject);
        worker.on('exit', (code) => code !== 0 && reject(new Error(`seed thread ${index} exited with ${code}`)));
      });
    }));
    timings.copyMs = since(t);
    timings.threads = results.map((r) => ({ orgs: r.orgCodes, ms: r.ms, waitedForPostgresMs: r.waitedMs }));
    const rowCounts = {};
    for (const r of results) for (const [tbl, n] of Object.entries(r.rowCounts)) rowCounts[tbl] = (rowCounts[tbl] ?? 0) + n;
    ctx.factory = { counters: new Map(results.flatMap((r) => r.counters)) };
    ctx.audit.seq = Math.max(ctx.audit.seq, ...results.map((r) => r.lastSeq));
    const planted = results.flatMap((r) => r.planted);

    // ---- search_name recomputed in SQL (strategy sql-after) --------------------------------
    if (searchNameStrategy === 'sql-after' && loaded.includes('cases')) {
      t = performance.now();
      await db.query(`UPDATE cases SET (search_name, name_keys) = (
        SELECT s, f_name_keys(string_to_array(s, ' ')) FROM f_case_search_name(given_name, family_name, other_names) s)`);
      timings.searchNameUpdateMs = since(t);
    }

    // ---- keys and indexes back, then foreign keys (validated), two at a time ----------------
    t = performance.now();
    const conn = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query("SET maintenance_work_mem = '512MB'");
      return c;
    };
    const workers = await Promise.all(Array.from({ length: parallel }, conn));
    const free = [...workers];
    const onFree = async (sql) => {
      const c = free.pop();
      const t0 = performance.now();
      try {
        await c.query(sql);
      } finally {
        free.push(c);
      }
      return since(t0);
    };
    const indexTimes = {};
    // Longest first: the trigram GIN index dominates.
    const ordered = [...indexes].sort((a, b) => Number(/gin/i.test(b.def)) - Number(/gin/i.test(a.def)));
    await pool(parallel, keys.map((k) => async () => (indexTimes[k.conname] = await onFree(`ALTER TABLE ${k.tbl} ADD CONSTRAINT "${k.conname}" ${k.def}`))));
    await pool(parallel, ordered.map((i) => async () => (indexTimes[i.name] = await onFree(i.def))));
    timings.indexesMs = since(t);
    t = performance.now();
    await pool(parallel, fks.map((f) => async () => (indexTimes[f.conname] = await onFree(`ALTER TABLE ${f.tbl} ADD CONSTRAINT "${f.conname}" ${f.def}`))));
    timings.foreignKeysMs = since(t);
    if (searchNameStrategy !== 'trigger' && loaded.includes('cases')) await db.query('ALTER TABLE cases ENABLE TRIGGER cases_search_name');
    if (loaded.includes('audit_seals')) {
      await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_queue_for_sealing');
      await db.query('DELETE FROM audit_unsealed u WHERE EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = u.event_id)');
    }
    if (loaded.includes('audit_events')) await db.query(`SELECT setval(pg_get_serial_sequence('audit_events', 'seq'), $1)`, [ctx.audit.seq]);
    if (shares) {
      t = performance.now();
      if (loaded.includes('referrals')) await db.query('ALTER TABLE referrals ENABLE TRIGGER referrals_case_shares');
      if (loaded.includes('consents')) await db.query('ALTER TABLE consents ENABLE TRIGGER consents_case_shares');
      rowCounts.case_shares = Number((await db.query('SELECT f_case_shares_rebuild() AS n')).rows[0].n);
      timings.caseSharesMs = since(t);
      if (!loaded.includes('case_shares')) loaded.push('case_shares');
    }
    // Everything dropped or disabled for the load is back, as the migrations made it.
    const schemaAfter = await schemaObjects(db);
    const changed = diffSchema(schemaBefore, schemaAfter);
    if (changed.length) throw new Error(`the seed left the schema different from the migrated one:\n${changed.join('\n')}`);
    // An after() may write rows beyond the COPY (the overdue alerts): it returns their counts.
    for (const g of active) if (g.after) Object.assign(rowCounts, await g.after(ctx, db));

    // ---- statistics and the visibility map, as a production database would have them -------
    t = performance.now();
    await pool(parallel, loaded.map((tbl) => async () => onFree(`VACUUM (ANALYZE) ${tbl}`)));
    timings.vacuumAnalyzeMs = since(t);
    await Promise.all(workers.map((c) => c.end()));
    timings.totalMs = since(started);

    // ---- checks (not timed): search_name and name_keys are what the trigger computes, and the
    // name search's vocabulary knows every word --------------------------------------------------
    const { rows: [check] } = await db.query(
      `SELECT count(*)::int AS checked,
              count(*) FILTER (WHERE search_name IS DISTINCT FROM f_case_search_name(given_name, family_name, other_names)
                                  OR name_keys IS DISTINCT FROM f_name_keys(string_to_array(f_case_search_name(given_name, family_name, other_names), ' ')))::int AS wrong,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM unnest(string_to_array(search_name, ' ')) t
                                             WHERE NOT EXISTS (SELECT 1 FROM name_vocabulary v WHERE v.token = t)))::int AS "unknownWords"
       FROM cases TABLESAMPLE SYSTEM (5)`,
    );
    if (check.wrong) throw new Error(`search_name or name_keys differ from the trigger's values in ${check.wrong} of ${check.checked} sampled cases`);
    if (check.unknownWords) throw new Error(`${check.unknownWords} of ${check.checked} sampled cases have words missing from name_vocabulary`);
    const lifecycleCheck = await checkLifecycle(db, schema);
    return { rowCounts, skipped, timings, indexTimes, searchNameCheck: check, lifecycleCheck, planted };
  } finally {
    await db.end();
  }
}
