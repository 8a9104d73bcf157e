// The tables the benchmark fills, one generator each, in load order. A generator is
//   { table, columns, perCase?(c, ctx, emit), before?(ctx, db, emit), after?(ctx, db) }
// perCase is called once per synthetic case (dataset.mjs) and emits zero or more rows for its
// table (COPY … FROM STDIN); before/after handle what is not per case. An entry without
// generator functions is planned: it is reported as skipped until someone writes it. Tables
// that do not exist in the migrated schema are skipped too (information_schema decides), so
// this list can name features before they land: add referrals/stays/returns here as they do.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { snapshotOf } from './dataset.mjs';
import { stayOf } from './lifecycle.mjs';
import { weighted } from './random.mjs';
import * as V from './vocabulary.mjs';

const CASE_COLUMNS = [
  'id', 'case_number', 'owning_organization_id', 'site_id', 'status', 'closure_reason', 'closed_at', 'version', 'assigned_to',
  'household_id', 'registered_at', 'given_name', 'family_name', 'other_names', 'sex', 'date_of_birth', 'birth_year',
  'birth_date_estimated', 'nationality', 'languages', 'search_name', 'name_keys', 'contact', 'documents', 'journey', 'vulnerabilities',
  'vulnerability_flags', 'household', 'sensitive_ciphertext', 'sensitive_key_id', 'created_at', 'updated_at', 'created_by', 'updated_by',
];

const cases = {
  table: 'cases',
  columns: CASE_COLUMNS,
  perCase(c, ctx, emit) {
    emit([
      c.id, c.caseNumber, c.org.id, c.site.id, c.status, c.closureReason, c.closedAt, c.version, c.assignedTo,
      c.householdId, c.registeredIso, c.givenName, c.familyName, c.otherNames, c.sex, c.dateOfBirth, c.birthYear,
      c.birthDateEstimated, c.nationality, c.languages,
      // With the search-name trigger enabled (--search-name trigger) or recomputed after the load
      // (sql-after), the database writes them; otherwise they are PostgreSQL's own words of each
      // name (f_name_tokens, dataset.mjs), joined and paired as the trigger does.
      ctx.searchNameStrategy === 'precomputed' ? c.searchName : '',
      ctx.searchNameStrategy === 'precomputed' ? c.nameKeys : [],
      c.json.contact, c.json.documents, c.json.journey, c.json.vulnerabilities, c.vulnerabilityFlags, c.json.household,
      c.sealed?.data ?? null, c.sealed?.keyId ?? null, c.registeredIso, c.updatedAt, c.creator, c.assignedTo ?? c.creator,
    ]);
  },
  /**
   * Case numbers must not collide with the next POST /cases: advance the gapless counters. The
   * name search's vocabulary holds every word of the names (the trigger adds them when it runs).
   */
  async after(ctx, db) {
    await db.query(
      `INSERT INTO name_vocabulary (token, dmetaphone, dmetaphone_alt)
       SELECT DISTINCT t, dmetaphone(t), dmetaphone_alt(t) FROM unnest($1::text[]) w, unnest(f_name_tokens(w)) t
       ON CONFLICT (token) DO NOTHING`,
      [[...ctx.normalize.keys()]],
    );
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
    emit([rnd.uuid(), c.id, c.org.id, 'registration', basis, method, [], null, c.creator, c.registeredIso, null, null, null]);
    // A referral consent: before every referral (the API refuses one without), covering its
    // receiver (or, one time in ten, every organization); a live referral's is never withdrawn,
    // or the receiver would not see the case. Some cases have one without a referral.
    const ref = referralOf(c, ctx);
    if (ref) {
      const withdrawn = !ref.live && rnd.chance(0.05);
      const at = new Date(ref.createdAt.getTime() - 5 * 60_000);
      emit([rnd.uuid(), c.id, c.org.id, 'referral', 'consent', method, rnd.chance(0.1) ? [] : [ref.to.id], null, ref.createdBy, at, withdrawn ? ref.updatedAt : null, withdrawn ? c.creator : null, withdrawn ? 'changed mind' : null]);
    } else if (rnd.chance(0.05)) {
      const partner = rnd.pick(ctx.orgs.filter((o) => o.id !== c.org.id)).id;
      const withdrawn = rnd.chance(0.03);
      emit([rnd.uuid(), c.id, c.org.id, 'referral', 'consent', method, [partner], null, c.creator, c.registeredAt, withdrawn ? c.updatedAt : null, withdrawn ? c.creator : null, withdrawn ? 'changed mind' : null]);
    }
    // Submit, approve and depart check an active return consent; a plan's submission a reintegration one.
    if (c.screening) emit([rnd.uuid(), c.id, c.org.id, 'return', 'consent', method, [], null, c.ret.createdBy, c.screening.consentAt, null, null, null]);
    if (c.plan) emit([rnd.uuid(), c.id, c.org.id, 'reintegration', 'consent', method, [], null, c.plan.createdBy, c.plan.consentAt, null, null, null]);
  },
};

/** The eligibility screening before a return (screenings.service: assessEligibility says eligible). */
const screenings = {
  table: 'screenings',
  columns: ['id', 'case_id', 'owning_organization_id', 'wishes_to_return', 'country_of_return', 'nationality_confirmed', 'asylum_seeker_or_refugee', 'travel_document', 'best_interests_determination_done', 'fit_to_travel', 'outcome', 'reasons', 'screened_by', 'screened_at'],
  perCase(c, ctx, emit) {
    const s = c.screening;
    if (!s) return;
    emit([s.id, c.id, c.org.id, true, s.country, true, false, s.travelDocument, s.child, s.fit, 'eligible', [], c.ret.createdBy, s.at]);
  },
};

// ---- referrals (issue 6) ---------------------------------------------------------------------
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RESPONSE_HOURS = { emergency: 4, high: 24, normal: 72 }; // referral-status.ts
const SECTIONS = ['identity', 'contact', 'documents', 'journey', 'vulnerabilities', 'sensitive', 'household']; // CASE_SECTIONS order
const pickUrgency = weighted(V.URGENCY_WEIGHTS);
const pickDecline = weighted(V.DECLINE_REASONS);
const pickCancel = weighted(V.CANCEL_REASONS);

/** Per organization: the service types some other demo organization offers, and who offers each. */
function referralDirectory(ctx) {
  if (ctx.referralDirectory) return ctx.referralDirectory;
  const byOrg = new Map();
  for (const from of ctx.orgs) {
    const receivers = new Map();
    for (const [type] of V.REFERRAL_SERVICES) {
      const to = ctx.orgs.filter((o) => o.id !== from.id && o.capabilities.includes(type));
      if (to.length) receivers.set(type, to);
    }
    byOrg.set(from.id, { pickType: weighted(V.REFERRAL_SERVICES.filter(([type]) => receivers.has(type))), receivers });
  }
  return (ctx.referralDirectory = byOrg);
}

/**
 * The case's referral, if it has one (20 % of cases), decided once per case (the consents
 * generator needs it first). From the case's organization to another demo organization offering
 * the service; half of the open cases' referrals are live (pending or accepted, recent ones), the
 * rest and all of the closed cases' ended (completed, declined, cancelled) before the case closed.
 */
function referralOf(c, ctx) {
  if (c.referral !== undefined) return c.referral;
  const { rnd } = ctx;
  if (!rnd.chance(0.2)) return (c.referral = null);
  const dir = referralDirectory(ctx).get(c.org.id);
  const serviceType = dir.pickType(rnd);
  const to = rnd.pick(dir.receivers.get(serviceType));
  const urgency = pickUrgency(rnd);
  const now = ctx.now.getTime();
  const registered = c.registeredAt.getTime();
  const limit = Math.min(c.closedAt ? c.closedAt.getTime() : now, now) - 60_000; // nothing after the case closed
  const first = registered + 10 * 60_000;
  const clamp = (t) => Math.max(first, Math.min(t, limit));
  const open = !c.closedAt;
  let status;
  if (open && rnd.chance(0.5)) status = rnd.chance(0.5) ? 'pending' : 'accepted';
  else {
    const x = rnd.next();
    status = x < 0.6 ? 'completed' : x < 0.85 ? 'declined' : 'cancelled';
  }
  const window = RESPONSE_HOURS[urgency] * HOUR;
  let created;
  if (status === 'pending') created = clamp(now - rnd.next() * 7 * DAY); // most of them overdue: a backlog
  else if (status === 'accepted') created = clamp(now - (1 + rnd.next() * 44) * DAY);
  else created = clamp(registered + (10 * 60_000) + rnd.next() * Math.min(10 * DAY, (limit - registered) / 3));
  const answered = () => clamp(created + (0.05 + rnd.next() * 1.1) * window); // one in ten after respond_by
  const receiver = rnd.chance(0.85) ? to.caseworker : to.manager;
  const sender = c.assignedTo ?? c.creator;
  const ref = { id: rnd.uuid(), to, serviceType, urgency, status, live: status === 'pending' || status === 'accepted', createdAt: new Date(created), createdBy: sender };
  ref.respondBy = new Date(created + window);
  ref.toSiteId = rnd.chance(0.7) ? (rnd.pick(to.sites.filter((s) => !s.services.length || s.services.includes(serviceType))) ?? null)?.id ?? null : null;
  ref.reason = rnd.pick(V.REFERRAL_REASONS[serviceType]);
  const shared = new Set(['identity']);
  if (c.vulnerabilityFlags.length && rnd.chance(0.7)) shared.add('vulnerabilities');
  if (rnd.chance(0.4)) shared.add('contact');
  if ((serviceType === 'legal' || serviceType === 'documentation') && rnd.chance(0.6)) shared.add('documents');
  if (rnd.chance(0.15)) shared.add('journey');
  if (c.sensitive && (serviceType === 'psychosocial' || serviceType === 'legal') && rnd.chance(0.3)) shared.add('sensitive');
  if (rnd.chance(0.1)) shared.add('household');
  ref.sharedSections = SECTIONS.filter((s) => shared.has(s));
  let last = created;
  let lastBy = sender;
  if (status === 'accepted' || status === 'declined' || status === 'completed' || (status === 'cancelled' && rnd.chance(0.5))) {
    ref.respondedAt = new Date((last = answered()));
    ref.respondedBy = lastBy = receiver;
  }
  if (status === 'declined') ref.declineReason = pickDecline(rnd);
  if (status === 'completed') {
    ref.completedAt = new Date((last = clamp(last + HOUR + rnd.next() * 14 * DAY)));
    ref.completedBy = lastBy = receiver;
    ref.outcome = rnd.pick(V.REFERRAL_OUTCOMES[serviceType]);
  }
  if (status === 'cancelled') {
    ref.cancelledAt = new Date((last = clamp(last + HOUR + rnd.next() * 3 * DAY)));
    ref.cancelledBy = lastBy = sender;
    ref.cancelReason = pickCancel(rnd);
  }
  ref.updatedAt = new Date(last);
  ref.updatedBy = lastBy;
  return (c.referral = ref);
}

const referrals = {
  table: 'referrals',
  columns: [
    'id', 'case_id', 'owning_organization_id', 'from_organization_id', 'to_organization_id', 'to_site_id', 'service_type', 'urgency', 'reason',
    'shared_sections', 'status', 'respond_by', 'responded_at', 'responded_by', 'decline_reason', 'completed_at', 'completed_by', 'outcome',
    'cancelled_at', 'cancelled_by', 'cancel_reason', 'created_at', 'updated_at', 'created_by', 'updated_by',
  ],
  requires: ['consents'],
  perCase(c, ctx, emit) {
    const r = referralOf(c, ctx);
    if (!r) return;
    emit([
      r.id, c.id, c.org.id, c.org.id, r.to.id, r.toSiteId, r.serviceType, r.urgency, r.reason,
      r.sharedSections, r.status, r.respondBy, r.respondedAt ?? null, r.respondedBy ?? null, r.declineReason ?? null, r.completedAt ?? null, r.completedBy ?? null, r.outcome ?? null,
      r.cancelledAt ?? null, r.cancelledBy ?? null, r.cancelReason ?? null, r.createdAt, r.updatedAt, r.createdBy, r.updatedBy,
    ]);
  },
  /**
   * What the worker's overdue job (every 5 minutes) would have raised by now: the alerts of the
   * pending referrals past respond_by, by the project's own statement, so the job finds nothing
   * to do during the timed load.
   */
  async after(ctx, db) {
    const { AlertsRepository } = await import(new URL('../../dist/libs/core/src/alerts/alerts.repository.js', import.meta.url).href);
    const em = { query: async (sql, params) => (await db.query(sql, params)).rows };
    return { alerts: await new AlertsRepository(null).insertOverdueReferrals(em, ctx.now) };
  },
};

/** A completed referral records the service delivered (service_records), as POST …/complete does. */
const serviceRecords = {
  table: 'service_records',
  columns: ['id', 'case_id', 'owning_organization_id', 'providing_organization_id', 'referral_id', 'service_type', 'date', 'description', 'created_at', 'created_by'],
  requires: ['referrals'],
  perCase(c, ctx, emit) {
    const r = referralOf(c, ctx);
    if (!r || r.status !== 'completed') return;
    emit([ctx.rnd.uuid(), c.id, c.org.id, r.to.id, r.id, r.serviceType, r.completedAt.toISOString().slice(0, 10), r.outcome, r.completedAt, r.completedBy]);
  },
};

// ---- returns, reintegration, stays (issues 9, 10, 7): decided by lifecycle.mjs ------------------
const returns = {
  table: 'returns',
  columns: [
    'id', 'case_id', 'owning_organization_id', 'status', 'destination_country', 'destination_locality', 'mode', 'escort_required', 'escort', 'pocket_money_xof',
    'travel_document', 'legs', 'submitted_by', 'submitted_at', 'decided_by', 'decided_at', 'reject_reason', 'cancel_reason', 'cancelled_by', 'cancelled_at',
    'departed_at', 'departed_by', 'arrived_at', 'arrival_confirmed_by', 'movement_id', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by',
  ],
  requires: ['screenings', 'consents'],
  perCase(c, ctx, emit) {
    const r = c.ret;
    if (!r) return;
    emit([
      r.id, c.id, c.org.id, r.status, r.destinationCountry, r.destinationLocality, r.mode, r.escortRequired, r.escort, r.pocketMoneyXof,
      r.travelDocument, r.legs, r.submittedBy, r.submittedAt, r.decidedBy, r.decidedAt, r.rejectReason, r.cancelReason, r.cancelledBy, r.cancelledAt,
      r.departedAt, r.departedBy, r.arrivedAt, r.arrivalConfirmedBy, null, r.version, r.createdAt, r.updatedAt, r.createdBy, r.updatedBy,
    ]);
  },
};

const reintegrationPlans = {
  table: 'reintegration_plans',
  columns: [
    'id', 'case_id', 'owning_organization_id', 'status', 'summary', 'total_budget_xof', 'budget_ceiling_xof', 'approvals_required', 'submitted_at', 'submitted_by',
    'first_approved_at', 'first_approved_by', 'second_approved_at', 'second_approved_by', 'rejected_at', 'rejected_by', 'rejection_reason', 'started_at',
    'completed_at', 'completed_by', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by',
  ],
  requires: ['returns'],
  perCase(c, ctx, emit) {
    const p = c.plan;
    if (!p) return;
    // One version per write: each item added, submit, approve, each item delivered or cancelled, complete.
    const version = 1 + p.items.length + (p.submittedAt ? 1 : 0) + (p.firstApprovedAt || p.rejectedAt ? 1 : 0) + p.items.filter((i) => i.status !== 'planned').length + (p.completedAt ? 1 : 0);
    const by = p.completedBy ?? (p.startedAt ? p.items.findLast((i) => i.status !== 'planned').deliveredBy ?? p.createdBy : null) ?? p.rejectedBy ?? p.firstApprovedBy ?? p.submittedBy ?? p.createdBy;
    emit([
      p.id, c.id, c.org.id, p.status, p.summary, p.total, p.submittedAt ? p.budgetCeiling : null, p.submittedAt ? p.approvalsRequired : null, p.submittedAt ?? null, p.submittedBy ?? null,
      p.firstApprovedAt ?? null, p.firstApprovedBy ?? null, null, null, p.rejectedAt ?? null, p.rejectedBy ?? null, p.rejectionReason ?? null, p.startedAt ?? null,
      p.completedAt ?? null, p.completedBy ?? null, version, p.createdAt, p.updatedAt, p.createdBy, by,
    ]);
  },
};

const reintegrationItems = {
  table: 'reintegration_items',
  columns: [
    'id', 'plan_id', 'case_id', 'owning_organization_id', 'dimension', 'type', 'description', 'budget_xof', 'partner_organization_id', 'status', 'delivered_on',
    'evidence_note', 'delivered_by', 'cancelled_at', 'cancelled_by', 'cancel_reason', 'created_at', 'updated_at', 'created_by', 'updated_by',
  ],
  requires: ['reintegration_plans'],
  perCase(c, ctx, emit) {
    const p = c.plan;
    if (!p) return;
    for (const i of p.items) {
      emit([
        i.id, p.id, c.id, c.org.id, i.dimension, i.type, i.description, i.budget, null, i.status, i.deliveredOn ?? null,
        i.evidenceNote ?? null, i.deliveredBy ?? null, i.cancelledAt ?? null, i.cancelledBy ?? null, i.cancelReason ?? null, i.createdAt, i.updatedAt ?? i.createdAt, p.createdBy, i.deliveredBy ?? i.cancelledBy ?? p.createdBy,
      ]);
    }
  },
};

const stays = {
  table: 'stays',
  columns: ['id', 'case_id', 'owning_organization_id', 'site_id', 'referral_id', 'status', 'checked_in_at', 'expected_check_out_at', 'checked_out_at', 'checked_out_by', 'created_at', 'updated_at', 'created_by', 'updated_by'],
  requires: ['referrals'],
  perCase(c, ctx, emit) {
    const s = stayOf(c, ctx, referralOf(c, ctx), ctx.end);
    if (!s) return;
    emit([s.id, c.id, s.site.organizationId, s.site.id, s.referralId, s.status, s.checkedInAt, s.expectedCheckOutAt, s.checkedOutAt, s.checkedOutBy, s.checkedInAt, s.updatedAt, s.site.caseworker, s.updatedBy]);
  },
};

const stayExtensions = {
  table: 'stay_extensions',
  columns: ['id', 'stay_id', 'owning_organization_id', 'days', 'reason', 'status', 'requested_at', 'requested_by', 'decided_at', 'decided_by', 'decision_reason'],
  requires: ['stays'],
  perCase(c, ctx, emit) {
    const s = c.stay;
    const x = s?.extension;
    if (!x) return;
    emit([x.id, s.id, s.site.organizationId, x.days, 'Waiting for the return convoy', x.status, x.requestedAt, s.site.caseworker, x.decidedAt, x.decidedAt ? s.site.manager : null, null]);
  },
};

// ---- subject keys and sealed audit values (issue 11) -------------------------------------------
let ivPool = Buffer.alloc(0);
let ivAt = 0;
/** sealWithKey() of libs/common (AES-256-GCM: iv | tag | ciphertext of the JSON text) on JSON text already serialized, base64. */
function sealJson(key, json, aad) {
  if (ivAt + 12 > ivPool.length) {
    ivPool = randomBytes(12 * 8192);
    ivAt = 0;
  }
  const iv = ivPool.subarray(ivAt, (ivAt += 12));
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = cipher.update(json, 'utf8');
  cipher.final();
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

let fillPool = Buffer.alloc(0);
let fillAt = 0;
/**
 * What a sealed value looks like (iv | tag | ciphertext, base64, as long as sealJson's) without
 * the cipher: random bytes. Sealing nine values a case really was most of the seed's time (19 of
 * 31.5 CPU-seconds per 100,000 cases); a sample of cases is sealed for real (see auditEvents),
 * the others open as "[erased]", like a case whose key was destroyed. Same size, same shape.
 */
function lookalikeSeal(json) {
  const n = 28 + Buffer.byteLength(json);
  if (fillAt + n > fillPool.length) {
    fillPool = randomBytes(Math.max(1 << 20, n));
    fillAt = 0;
  }
  return fillPool.subarray(fillAt, (fillAt += n)).toString('base64');
}

/**
 * subject_keys: the case's data key, made by its first audit event (case.created, whose names
 * and sections are personal), wrapped under DATA_ENCRYPTION_KEY exactly as SubjectKeys.forWrite
 * does: FieldCipher.encrypt(base64 of the key, 'subject-key:<case id>').
 */
const subjectKeys = {
  table: 'subject_keys',
  columns: ['case_id', 'key_id', 'wrapped_key', 'created_at'],
  perCase(c, ctx, emit) {
    if (ivAt + 32 > ivPool.length) {
      ivPool = randomBytes(12 * 8192);
      ivAt = 0;
    }
    c.subjectKey = Buffer.from(ivPool.subarray(ivAt, (ivAt += 32)));
    const aad = `subject-key:${c.id}`;
    const wrapped = ctx.cipher.encrypt(c.subjectKey.toString('base64'), aad);
    if (ctx.audit.checked < 100 && !Buffer.from(ctx.cipher.decrypt(wrapped, aad), 'base64').equals(c.subjectKey)) throw new Error('a subject key does not unwrap');
    emit([c.id, wrapped.keyId, wrapped.data, c.registeredIso]);
  },
};

const J = JSON.stringify;

// Of a case's own fields, these are personal in the audit trail (not in AuditPrivacy's clear list
// for Case): case.created seals them under the case's data key (checkCreated checks the list).
const CASE_PERSONAL = new Set(['contact', 'dateOfBirth', 'documents', 'familyName', 'givenName', 'household', 'journey', 'languages', 'otherNames']);

/**
 * The changes of 'case.created' as the API records them — diff(null, snapshot(c)) of
 * cases.service.ts — serialized directly in canonical form (sorted keys, {new, old}), the
 * personal values sealed; sampled
 * cases are checked against the project's own diff() and canonicalJson() (checkCreated).
 */
function createdChanges(c, real) {
  const parts = [];
  const key = c.subjectKey; // none when the schema has no subject_keys yet
  const aad = key ? Buffer.from(c.id) : null;
  const seal = (json) => (real ? sealJson(key, json, aad) : lookalikeSeal(json));
  const add = (name, json) => {
    if (json === null) return;
    const v = key && CASE_PERSONAL.has(name) ? `{"$sealed":{"data":"${seal(json)}","subject":"${c.id}"}}` : json;
    parts.push(`"${name}":{"new":${v},"old":null}`);
  };
  add('birthYear', c.birthYear === null ? null : String(c.birthYear));
  add('contact', c.json.contact);
  add('dateOfBirth', c.dateOfBirth === null ? null : J(c.dateOfBirth));
  add('documents', c.json.documents);
  add('familyName', J(c.familyName));
  add('givenName', J(c.givenName));
  add('household', c.json.household);
  add('householdId', c.householdId === null ? null : J(c.householdId));
  add('journey', c.json.journey);
  add('languages', J(c.languages));
  add('nationality', c.nationality === null ? null : J(c.nationality));
  add('otherNames', J(c.otherNames));
  add('sensitive', c.sensitive ? '"(changed)"' : null);
  add('sex', J(c.sex));
  add('siteId', J(c.site.id));
  add('status', '"open"');
  add('vulnerabilities', J(c.vulnerabilityFlags));
  return `{${parts.join(',')}}`;
}

/**
 * A sample of case.created events against the project's own code: canonical text, exactly the
 * personal values sealed (AuditPrivacy), and once opened with the case's key (openWithKey) the
 * changes diff() records.
 */
function checkCreated(c, changesJson, audit) {
  const expected = audit.canonicalJson(audit.diff(null, snapshotOf(c)));
  const changes = JSON.parse(changesJson);
  if (audit.canonicalJson(changes) !== changesJson) throw new Error(`case.created changes of case ${c.i} are not in canonical form:\n${changesJson}`);
  for (const [k, v] of Object.entries(changes)) {
    const sealed = typeof v.new === 'object' && v.new !== null && '$sealed' in v.new;
    if (c.subjectKey && sealed === audit.privacy.clearChange('Case', k)) throw new Error(`case.created of case ${c.i}: ${k} is ${sealed ? '' : 'not '}sealed, AuditPrivacy says otherwise`);
    if (sealed) v.new = audit.openWithKey(c.subjectKey, Buffer.from(v.new.$sealed.data, 'base64'), v.new.$sealed.subject);
  }
  if (audit.canonicalJson(changes) !== expected) throw new Error(`case.created changes of case ${c.i} differ from the API's diff():\n${expected}\n${audit.canonicalJson(changes)}`);
}

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
        at: typeof at === 'string' ? at : at.toISOString(),
        organization_id: c.org.id,
        actor_user_id: actor,
        actor_organization_id: c.org.id,
        action,
        entity_type: 'Case',
        entity_id: c.id,
        changes, // JSON text or null
        details: null,
        request_id: rnd.uuid(),
        ip: `41.73.${rnd.int(256)}.${rnd.int(256)}`,
      };
      events.push(e);
      emit([e.id, e.seq, e.txid, e.at, e.organization_id, e.actor_user_id, e.actor_organization_id, e.action, e.entity_type, e.entity_id, e.changes, e.details, e.request_id, e.ip]);
    };
    // Sealed for real: the checked sample, one case in 100, and the planted recall persons.
    const check = audit.checked++ < 200 || audit.checked % 1000 === 0;
    const created = createdChanges(c, check || c.i % 100 === 0 || c.planted !== null);
    if (check) checkCreated(c, created, audit);
    event(c.registeredIso, c.creator, 'case.created', created);
    if (c.assignedTo) event(c.assignedAt, c.org.manager, 'case.assigned', `{"assignedTo":{"new":${J(c.assignedTo)},"old":null}}`);
    if (c.viewedAt) event(c.viewedAt, c.assignedTo ?? c.creator, 'case.viewed', null);
    if (c.closedAt) event(c.closedAt, c.org.manager, 'case.closed', `{"closureReason":{"new":${J(c.closureReason)},"old":null},"status":{"new":"closed","old":"open"}}`);
    ctx.audit.pending = events;
  },
};

/**
 * audit_seals: the sealer job's hash chain (audit.sealer.ts), so the worker finds nothing to
 * seal and GET /audit-events/verify passes. Events already in the database (the demo seed's)
 * are sealed first, in seq order, with the project's own eventHash; the generated ones with the
 * same formula over their canonical text, checked against eventHash on a sample.
 */
const auditSeals = {
  table: 'audit_seals',
  columns: ['event_id', 'chain', 'position', 'prev_hash', 'hash', 'sealed_at'],
  requires: ['audit_events'],
  async before(ctx, db, emit) {
    const { chain, heads } = ctx.audit;
    const { rows: last } = await db.query('SELECT DISTINCT ON (chain) chain, position, hash FROM audit_seals ORDER BY chain, position DESC');
    for (const h of last) heads.set(h.chain, { position: Number(h.position), hash: h.hash });
    const { rows } = await db.query(
      `SELECT ${chain.EVENT_COLUMNS} FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id) ORDER BY e.seq`,
    );
    for (const e of rows) {
      const name = chain.chainOf(e.organization_id);
      const head = heads.get(name) ?? { position: 0, hash: chain.GENESIS_HASH };
      const hash = chain.eventHash(head.hash, e);
      emit([e.id, name, head.position + 1, head.hash, hash, new Date()]);
      heads.set(name, { position: head.position + 1, hash });
    }
  },
  perCase(c, ctx, emit) {
    const { chain, heads } = ctx.audit;
    for (const e of ctx.audit.pending) {
      const name = e.organization_id; // chainOf(): the organization, never null here
      const head = heads.get(name) ?? { position: 0, hash: chain.GENESIS_HASH };
      const body = `[${J(e.id)},${J(e.seq)},${J(e.at)},${J(e.organization_id)},${J(e.actor_user_id)},${J(e.actor_organization_id)},${J(e.action)},${J(e.entity_type)},${J(e.entity_id)},${e.changes ?? 'null'},null,${J(e.request_id)},${J(e.ip)}]`;
      const hash = createHash('sha256').update(head.hash).update('\n').update(body).digest('hex');
      if (ctx.audit.hashed++ < 200 || ctx.audit.hashed % 1000 === 0) {
        const expected = chain.eventHash(head.hash, { ...e, changes: e.changes === null ? null : JSON.parse(e.changes) });
        if (expected !== hash) throw new Error(`audit seal of event ${e.seq} differs from eventHash()`);
      }
      emit([e.id, name, head.position + 1, head.hash, hash, e.sealedAt ?? e.at]);
      heads.set(name, { position: head.position + 1, hash });
    }
  },
};

export const TABLES = [
  cases,
  consents,
  screenings,
  subjectKeys,
  auditEvents,
  auditSeals,
  referrals,
  serviceRecords,
  returns,
  reintegrationPlans,
  reintegrationItems,
  stays,
  stayExtensions,
];
