// The tables the benchmark fills, one generator each, in load order. A generator is
//   { table, columns, perCase?(c, ctx, emit), before?(ctx, db, emit), after?(ctx, db) }
// perCase is called once per synthetic case (dataset.mjs) and emits zero or more rows for its
// table (COPY … FROM STDIN); before/after handle what is not per case. An entry without
// generator functions is planned: it is reported as skipped until someone writes it. Tables
// that do not exist in the migrated schema are skipped too (information_schema decides), so
// this list can name features before they land: add referrals/stays/returns here as they do.
import { snapshotOf } from './dataset.mjs';

const CASE_COLUMNS = [
  'id', 'case_number', 'owning_organization_id', 'site_id', 'status', 'closure_reason', 'closed_at', 'version', 'assigned_to',
  'household_id', 'registered_at', 'given_name', 'family_name', 'other_names', 'sex', 'date_of_birth', 'birth_year',
  'birth_date_estimated', 'nationality', 'languages', 'search_name', 'contact', 'documents', 'journey', 'vulnerabilities',
  'vulnerability_flags', 'household', 'sensitive_ciphertext', 'sensitive_key_id', 'created_at', 'updated_at', 'created_by', 'updated_by',
];

const cases = {
  table: 'cases',
  columns: CASE_COLUMNS,
  perCase(c, ctx, emit) {
    emit([
      c.id, c.caseNumber, c.org.id, c.site.id, c.status, c.closureReason, c.closedAt, c.version, c.assignedTo,
      c.householdId, c.registeredAt, c.givenName, c.familyName, c.otherNames, c.sex, c.dateOfBirth, c.birthYear,
      c.birthDateEstimated, c.nationality, c.languages,
      // With the search-name trigger enabled (--search-name trigger) or recomputed after the load
      // (sql-after), the database writes it; otherwise it is PostgreSQL's own normalization of
      // each name (dataset.mjs), joined as the trigger joins them.
      ctx.searchNameStrategy === 'precomputed' ? c.searchName : '',
      c.contact, c.documents, c.journey, c.vulnerabilities, c.vulnerabilityFlags, c.household,
      c.sealed?.data ?? null, c.sealed?.keyId ?? null, c.registeredAt, c.updatedAt, c.creator, c.assignedTo ?? c.creator,
    ]);
  },
  /** Case numbers must not collide with the next POST /cases: advance the gapless counters. */
  async after(ctx, db) {
    const rows = [...ctx.factory.counters].map(([key, value]) => {
      const [orgId, year] = key.split(':');
      return [`case:${orgId}`, Number(year), value];
    });
    await db.query(
      `INSERT INTO counters (scope, year, value)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[])
       ON CONFLICT (scope, year) DO UPDATE SET value = GREATEST(counters.value, EXCLUDED.value)`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
  },
};

const consents = {
  table: 'consents',
  columns: ['id', 'case_id', 'owning_organization_id', 'purpose', 'basis', 'method', 'organization_ids', 'notes', 'recorded_by', 'recorded_at', 'withdrawn_at', 'withdrawn_by', 'withdrawal_reason'],
  perCase(c, ctx, emit) {
    const { rnd } = ctx;
    const r = rnd.next();
    const method = r < 0.7 ? 'verbal' : r < 0.9 ? 'signed' : 'thumbprint';
    const basis = rnd.chance(0.97) ? 'consent' : 'vital_interest';
    emit([rnd.uuid(), c.id, c.org.id, 'registration', basis, method, [], null, c.creator, c.registeredAt, null, null, null]);
    // A referral consent for some: to one partner organization.
    if (rnd.chance(0.15)) {
      const partner = rnd.pick(ctx.orgs).id;
      const withdrawn = rnd.chance(0.03);
      emit([rnd.uuid(), c.id, c.org.id, 'referral', 'consent', method, [partner], null, c.creator, c.registeredAt, withdrawn ? c.updatedAt : null, withdrawn ? c.creator : null, withdrawn ? 'changed mind' : null]);
    }
  },
};

/** audit_events: what the API writes for each case (created, assigned, viewed, closed). */
const auditEvents = {
  table: 'audit_events',
  columns: ['id', 'seq', 'txid', 'at', 'organization_id', 'actor_user_id', 'actor_organization_id', 'action', 'entity_type', 'entity_id', 'changes', 'details', 'request_id', 'ip'],
  perCase(c, ctx, emit) {
    const { rnd, audit } = ctx;
    const events = [];
    const event = (at, actor, action, changes) => {
      const e = {
        id: rnd.uuid(),
        seq: String(++audit.seq),
        txid: ++audit.txid,
        at,
        organization_id: c.org.id,
        actor_user_id: actor,
        actor_organization_id: c.org.id,
        action,
        entity_type: 'Case',
        entity_id: c.id,
        changes,
        details: null,
        request_id: rnd.uuid(),
        ip: `41.73.${rnd.int(256)}.${rnd.int(256)}`,
      };
      events.push(e);
      emit([e.id, e.seq, e.txid, e.at, e.organization_id, e.actor_user_id, e.actor_organization_id, e.action, e.entity_type, e.entity_id, e.changes, e.details, e.request_id, e.ip]);
    };
    event(c.registeredAt, c.creator, 'case.created', audit.diff(null, snapshotOf(c)));
    if (c.assignedTo) event(c.assignedAt, c.org.manager, 'case.assigned', { assignedTo: { old: null, new: c.assignedTo } });
    if (c.viewedAt) event(c.viewedAt, c.assignedTo ?? c.creator, 'case.viewed', null);
    if (c.closedAt) event(c.closedAt, c.org.manager, 'case.closed', { status: { old: 'open', new: 'closed' }, closureReason: { old: null, new: c.closureReason } });
    ctx.audit.pending = events;
  },
};

/**
 * audit_seals: the sealer job's hash chain (audit.sealer.ts), computed with its own eventHash,
 * so the worker finds nothing to seal and GET /audit-events/verify passes. Events already in
 * the database (the demo seed's) are sealed first, in seq order, as the sealer would.
 */
const auditSeals = {
  table: 'audit_seals',
  columns: ['event_id', 'chain', 'position', 'prev_hash', 'hash', 'sealed_at'],
  requires: ['audit_events'],
  async before(ctx, db, emit) {
    const { chain } = ctx.audit;
    const { rows: heads } = await db.query('SELECT DISTINCT ON (chain) chain, position, hash FROM audit_seals ORDER BY chain, position DESC');
    for (const h of heads) ctx.audit.heads.set(h.chain, { position: Number(h.position), hash: h.hash });
    const { rows } = await db.query(
      `SELECT ${chain.EVENT_COLUMNS} FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id) ORDER BY e.seq`,
    );
    for (const e of rows) sealOne(ctx, e, new Date(), emit);
  },
  perCase(c, ctx, emit) {
    for (const e of ctx.audit.pending) sealOne(ctx, e, new Date(e.at.getTime() + 60_000), emit);
  },
};

function sealOne(ctx, e, sealedAt, emit) {
  const { chain, heads } = ctx.audit;
  const name = chain.chainOf(e.organization_id);
  const head = heads.get(name) ?? { position: 0, hash: chain.GENESIS_HASH };
  const hash = chain.eventHash(head.hash, e);
  emit([e.id, name, head.position + 1, head.hash, hash, sealedAt]);
  heads.set(name, { position: head.position + 1, hash });
}

export const TABLES = [
  cases,
  consents,
  auditEvents,
  auditSeals,
  // Planned with their features (issue 12: 200,000 referrals, 50,000 stays, 20,000 returns).
  { table: 'referrals', planned: '200,000 referrals between the demo organizations' },
  { table: 'stays', planned: '50,000 shelter stays at the Maison du Migrant' },
  { table: 'returns', planned: '20,000 assisted returns' },
];
