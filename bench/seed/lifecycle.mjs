// What happens to a case after registration beyond referrals (issues 7, 9, 10): an assisted
// return (with its eligibility screening and return consent), a reintegration plan for a returnee
// home in Mali, a shelter stay at the Maison du Migrant. Decided once per case, in generation
// order, so that the case row agrees with them the way the services' checks would have it:
//  - a case closes `returned` only with an arrived return, `reintegration_completed` only with a
//    completed plan (the random closure of dataset.mjs never draws these two);
//  - a case with a return in progress (draft, submitted, approved), a departed return, a plan not
//    completed, or an active stay is open (close checks of returns, reintegration and stays);
//  - a stay ends before its case closes, when its return departs, and when its referral ends.
// Only organizations with the `return` / `reintegration` capability organize them (the services
// refuse the others: 403 CAPABILITY_REQUIRED).
import { weighted } from './random.mjs';
import * as V from './vocabulary.mjs';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const RECENT = 90 * DAY;

// ---- returns (issue 9) -------------------------------------------------------------------------
// Old cases' returns have long ended; recent cases' are the pipeline (drafts to departures).
const pickOldTarget = weighted([['arrived', 72], ['cancelled', 20], ['rejected', 8]]);
const pickRecentTarget = weighted([['draft', 22], ['submitted', 18], ['approved', 22], ['departed', 10], ['arrived', 15], ['cancelled', 9], ['rejected', 4]]);
const CANCEL = [['the migrant changed their mind', 40], ['continued the journey north', 30], ['lost contact', 20], ['family asked them to stay', 10]];
const REJECT = [['nationality not established', 40], ['protection needs: referred to UNHCR', 35], ['duplicate of an earlier return', 25]];
const pickCancel = weighted(CANCEL);
const pickReject = weighted(REJECT);
const CAPITAL = { MLI: 'Bamako', GIN: 'Conakry', CIV: 'Abidjan', SEN: 'Dakar', GMB: 'Banjul', BFA: 'Ouagadougou', NER: 'Niamey', CMR: 'Yaoundé', NGA: 'Abuja' };
const BUS = ['Sonef', 'Bani Transport', 'Diarra Transport', 'Gana Transport'];
const AIRLINE = { CMR: 'Air Côte d’Ivoire', NGA: 'Asky Airlines', SEN: 'Air Sénégal', CIV: 'Air Côte d’Ivoire', GIN: 'Air Côte d’Ivoire', GMB: 'Air Sénégal', BFA: 'Air Burkina', NER: 'Asky Airlines', MLI: 'Sky Mali' };
const AIR_SHARE = { CMR: 0.7, NGA: 0.6, SEN: 0.2, CIV: 0.2, GMB: 0.2 };

/**
 * The return of case `c`, if it has one, and what it does to the case (status, closure). Called
 * by the case factory before the case row is written. Sets c.ret, c.plan, c.screening and adjusts
 * c.status, c.closureReason, c.closedAt, c.version, c.updatedAt.
 */
export function settleCase(c, ctx, end) {
  c.ret = null;
  c.plan = null;
  c.screening = null;
  const { rnd } = ctx;
  const reg = c.registeredAt.getTime();
  if (c.nationality && c.org.capabilities.includes('return') && !c.planted) {
    const recent = end - reg < RECENT;
    if (rnd.chance(recent ? 0.15 : 0.031)) c.ret = makeReturn(c, ctx, end, recent ? pickRecentTarget(rnd) : pickOldTarget(rnd));
  }
  const r = c.ret;
  let closedMs = c.closedAt ? c.closedAt.getTime() : null;
  let reason = c.closureReason;
  if (r) {
    if (r.status === 'arrived') {
      c.plan = c.org.capabilities.includes('reintegration') && r.destinationCountry === 'MLI' && rnd.chance(0.85) ? makePlan(c, ctx, end, r) : null;
      if (c.plan) {
        const p = c.plan;
        closedMs = p.status === 'completed' ? p.completedAt.getTime() + (1 + rnd.int(20)) * DAY : p.status === 'rejected' ? p.rejectedAt.getTime() + (2 + rnd.int(30)) * DAY : null;
        reason = p.status === 'completed' ? 'reintegration_completed' : 'returned';
      } else {
        closedMs = r.arrivedAt.getTime() + (1 + rnd.int(15)) * DAY;
        reason = 'returned';
      }
    } else if (r.status === 'cancelled' || r.status === 'rejected') {
      if (closedMs !== null) closedMs = Math.max(closedMs, r.updatedAt.getTime() + DAY);
    } else closedMs = null; // in progress or departed: the case stays open
    if (closedMs !== null && closedMs >= end) closedMs = null;
  }
  // Never before the case's other facts (the factory's closure came from its own draw).
  if (closedMs === null) reason = null;
  c.status = closedMs === null ? 'open' : 'closed';
  c.closureReason = reason;
  c.closedAt = closedMs === null ? null : new Date(closedMs);
  c.version = 1 + (c.assignedTo ? 1 : 0) + (closedMs !== null ? 1 : 0);
  c.updatedAt = new Date(Math.max(reg, c.assignedAt ? c.assignedAt.getTime() : 0, closedMs ?? 0));
}

function makeReturn(c, ctx, end, target) {
  const { rnd } = ctx;
  const org = c.org;
  const reg = c.registeredAt.getTime();
  const country = c.nationality;
  const place = rnd.pick(V.PLACES[country]);
  const air = rnd.chance(AIR_SHARE[country] ?? 0);
  const escortRequired = c.vulnerabilityFlags.includes('unaccompanied_child') || c.vulnerabilityFlags.includes('medical_condition');
  // The eligibility screening (and the return consent) come first: submit and approve check them.
  const screenedAt = reg + (1 + rnd.int(72)) * HOUR;
  const created = screenedAt + (2 + rnd.int(48)) * HOUR;
  if (created >= end) return null;
  const r = {
    id: rnd.uuid(),
    status: 'draft',
    destinationCountry: country,
    destinationLocality: place,
    mode: air ? 'air' : 'road',
    escortRequired,
    escort: escortRequired ? `{"name":"${rnd.pick(['Awa Traoré', 'Moussa Maïga', 'Fatoumata Cissé', 'Ibrahim Touré'])}","phone":"+223 ${70 + rnd.int(30)} ${10 + rnd.int(90)} ${10 + rnd.int(90)} ${10 + rnd.int(90)}"}` : null,
    pocketMoneyXof: rnd.chance(0.8) ? (5 + rnd.int(16)) * 5_000 : null,
    travelDocument: null,
    legs: '[]',
    createdAt: new Date(created),
    createdBy: org.caseworker,
    submittedAt: null, submittedBy: null, decidedAt: null, decidedBy: null, rejectReason: null,
    cancelReason: null, cancelledAt: null, cancelledBy: null, departedAt: null, departedBy: null,
    arrivedAt: null, arrivalConfirmedBy: null,
    version: 1,
  };
  c.screening = {
    id: rnd.uuid(),
    at: new Date(screenedAt),
    country,
    travelDocument: rnd.chance(0.3) ? 'valid' : 'obtainable',
    child: c.birthYear !== null && c.registeredAt.getUTCFullYear() - c.birthYear < 18,
    fit: c.vulnerabilityFlags.includes('medical_condition') ? 'yes' : rnd.chance(0.5) ? 'yes' : 'not_required',
    consentAt: new Date(screenedAt + 30 * MIN),
  };
  let last = created;
  /** The next transition at `at`, if it happened before now; false stops the story there. */
  const step = (status, at, fields) => {
    if (at >= end) return false;
    last = at;
    Object.assign(r, { status }, fields(new Date(at)));
    r.version++;
    return true;
  };
  const travel = (departAt) => {
    r.travelDocument = `{"issuingCountry":"${country}","number":"${country}-LP-${100_000 + rnd.int(900_000)}","type":"${rnd.chance(0.75) ? 'laissez_passer' : 'passport'}"}`;
    const capital = CAPITAL[country];
    const at = (t) => new Date(t).toISOString();
    // Keys in sorted order: the canonical form jsonb gives back.
    const legs = air
      ? [{ carrier: 'Sky Mali', departAt: at(departAt), from: 'Gao', to: 'Bamako' }, { carrier: AIRLINE[country], departAt: at(departAt + DAY), from: 'Bamako', to: capital }]
      : country === 'MLI'
        ? [{ carrier: rnd.pick(BUS), departAt: at(departAt), from: 'Gao', to: place }]
        : [{ carrier: rnd.pick(BUS), departAt: at(departAt), from: 'Gao', to: 'Bamako' }, { carrier: rnd.pick(BUS), departAt: at(departAt + 2 * DAY), from: 'Bamako', to: place }];
    r.legs = JSON.stringify(legs);
    r.departAt = departAt;
    r.version++; // a PATCH of the travel arrangements
  };
  // How far the return goes: a cancelled one after 0, 1 or 2 of submit and approve.
  const reach = { draft: 0, submitted: 1, approved: 2, departed: 3, arrived: 4, rejected: 1, cancelled: rnd.int(3) }[target];
  const submit = () => step('submitted', last + (12 + rnd.int(96)) * HOUR, (at) => ({ submittedAt: at, submittedBy: org.caseworker }));
  const approve = () => step('approved', last + (3 + rnd.int(72)) * HOUR, (at) => ({ decidedAt: at, decidedBy: org.manager }));
  const reject = () => step('rejected', last + (3 + rnd.int(72)) * HOUR, (at) => ({ decidedAt: at, decidedBy: org.manager, rejectReason: pickReject(rnd) }));
  let ok = reach < 1 || submit();
  if (ok && target === 'rejected') reject();
  else if (ok && reach >= 2 && (ok = approve())) {
    travel(last + (2 + rnd.int(14)) * DAY); // arranged once approved (PATCH until departure)
    if (reach >= 3 && (ok = step('departed', r.departAt, (at) => ({ departedAt: at, departedBy: org.caseworker }))) && reach >= 4) {
      step('arrived', last + (air ? (6 + rnd.int(18)) * HOUR : (1 + rnd.int(4)) * DAY), (at) => ({ arrivedAt: at, arrivalConfirmedBy: `IOM reception, ${CAPITAL[country]}` }));
    }
  }
  if (ok && target === 'cancelled') step('cancelled', last + (12 + rnd.int(120)) * HOUR, (at) => ({ cancelledAt: at, cancelledBy: org.caseworker, cancelReason: pickCancel(rnd) }));
  if (r.status === 'draft' && rnd.chance(0.5)) travel(last + (5 + rnd.int(20)) * DAY); // some drafts are arranged already
  r.updatedAt = new Date(last);
  r.updatedBy = r.cancelledBy ?? r.departedBy ?? r.decidedBy ?? r.submittedBy ?? r.createdBy;
  return r;
}

// ---- reintegration (issue 10) ------------------------------------------------------------------
const ECONOMIC = [['petty_trade', 30], ['livestock_fattening', 20], ['market_gardening', 15], ['cutting_and_sewing', 8], ['welding', 5], ['carpentry', 4], ['masonry', 5], ['vocational_training', 6], ['in_kind_kit', 7]];
const pickEconomic = weighted(ECONOMIC);
const DESCRIPTION = {
  petty_trade: 'Stock for a small shop', livestock_fattening: 'Five sheep and feed for fattening', market_gardening: 'Seeds, tools and a water pump',
  cutting_and_sewing: 'A sewing machine and fabric', welding: 'Welding set and apprenticeship', carpentry: 'Carpentry tools', masonry: 'Masonry tools and materials',
  vocational_training: 'Six months of vocational training', management_training: 'Small business management course', in_kind_kit: 'Household kit', documentation: 'National identity card', counselling: 'Individual counselling sessions',
  housing: 'Three months of rent', education: 'School fees for the children', health_referral: 'Follow-up at the CSRef',
};

function makePlan(c, ctx, end, r) {
  const { rnd } = ctx;
  const org = c.org;
  const created = r.arrivedAt.getTime() + (3 + rnd.int(30)) * DAY;
  if (created >= end) return null;
  const p = {
    id: rnd.uuid(),
    status: 'draft',
    summary: rnd.chance(0.7) ? 'Economic reintegration in the home region with psychosocial follow-up' : null,
    createdAt: new Date(created),
    createdBy: org.caseworker,
    consentAt: new Date(created + HOUR),
    items: [],
    version: 1,
  };
  const item = (dimension, type, budget) => p.items.push({ id: rnd.uuid(), dimension, type, description: DESCRIPTION[type], budget, status: 'planned', createdAt: new Date(created + (p.items.length + 1) * MIN) });
  item('economic', pickEconomic(rnd), (6 + rnd.int(24)) * 25_000);
  if (rnd.chance(0.5)) item('social', rnd.pick(['documentation', 'housing', 'education', 'health_referral']), (1 + rnd.int(8)) * 10_000);
  if (rnd.chance(0.4)) item('psychosocial', 'counselling', 0);
  if (rnd.chance(0.15)) item('economic', 'management_training', 50_000);
  p.total = p.items.reduce((s, x) => s + x.budget, 0);
  let last = created;
  const at = (t) => (t < end ? ((last = t), true) : false);
  const x = rnd.next();
  const target = x < 0.05 ? 'rejected' : 'completed';
  if (at(last + (2 + rnd.int(10)) * DAY)) {
    Object.assign(p, { status: 'submitted', submittedAt: new Date(last), submittedBy: org.caseworker, budgetCeiling: org.reintegrationCeiling, approvalsRequired: org.reintegrationCeiling !== null && p.total > org.reintegrationCeiling ? 2 : 1 });
    if (at(last + (1 + rnd.int(7)) * DAY)) {
      if (target === 'rejected') Object.assign(p, { status: 'rejected', rejectedAt: new Date(last), rejectedBy: org.manager, rejectionReason: 'Budget out of line with the local market' });
      else {
        Object.assign(p, { firstApprovedAt: new Date(last), firstApprovedBy: org.manager });
        // Above the ceiling a second, different manager approves: the demo organizations have one
        // manager each, so such plans wait for them.
        p.status = p.approvalsRequired === 2 ? 'awaiting_second_approval' : 'approved';
        if (p.status === 'approved') deliver(p, rnd, end, last, org);
      }
    }
  }
  // retotal(): the items not cancelled (approvals_required stays what the submission decided).
  p.total = p.items.reduce((n, i) => n + (i.status === 'cancelled' ? 0 : i.budget), 0);
  p.updatedAt = new Date(Math.max(last, ...p.items.map((i) => (i.updatedAt ? i.updatedAt.getTime() : 0)), p.completedAt ? p.completedAt.getTime() : 0));
  return p;
}

/** Items delivered one after the other from an approved plan; the first starts it, the last lets it complete. */
function deliver(p, rnd, end, approved, org) {
  let t = approved + (5 + rnd.int(30)) * DAY;
  for (const it of p.items) {
    if (t >= end) return;
    if (rnd.chance(0.05)) Object.assign(it, { status: 'cancelled', cancelledAt: new Date(t), cancelledBy: org.caseworker, cancelReason: 'Replaced by another activity' });
    else Object.assign(it, { status: 'delivered', deliveredOn: new Date(t).toISOString().slice(0, 10), deliveredBy: org.caseworker, evidenceNote: 'Receipt signed by the beneficiary' });
    it.updatedAt = new Date(t);
    if (!p.startedAt) Object.assign(p, { status: 'in_progress', startedAt: new Date(t) });
    t += (10 + rnd.int(60)) * DAY;
  }
  const done = p.items.at(-1).updatedAt.getTime() + (30 + rnd.int(120)) * DAY;
  if (done < end) Object.assign(p, { status: 'completed', completedAt: new Date(done), completedBy: org.manager });
}

// ---- shelter stays (issue 7) -------------------------------------------------------------------
/** Index of the first of the bed's stays that starts at or after `t` (b.busy: [start, end] pairs by start). */
function firstFrom(b, t) {
  let lo = 0;
  let hi = b.busy.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (b.busy[mid][0] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** No stay of the bed overlaps [from, to): the one starting before `to` ends by `from`, and none starts inside. */
function isFree(b, from, to) {
  const k = firstFrom(b, to);
  return k === 0 || b.busy[k - 1][1] <= from;
}
function take(b, from, to) {
  b.busy.splice(firstFrom(b, from), 0, [from, to]);
}

const pickNights = weighted([[1, 55], [2, 25], [3, 12], [4, 3], [5, 2], [6, 1], [7, 1], [8, 0.5], [9, 0.3], [10, 0.2]]);

/**
 * The case's stay at a shelter of this thread (ctx.beds: this thread's share of the beds, each
 * with the time it is free again), if it has one: its own shelter organization's migrants (a
 * share of them) and those referred to it for `shelter` once the referral was accepted. A bed is
 * taken only when free: on no day are more stays active than the shelter has beds (and the
 * shelter may be full: no stay then, as the API's 409 SHELTER_FULL). Active stays only on the
 * beds marked for them (seed.mjs keeps half of each shelter free for the shelter-checkins scenario).
 */
export function stayOf(c, ctx, referral, end) {
  if (c.stay !== undefined) return c.stay;
  c.stay = null;
  const { rnd } = ctx;
  const shelter = ctx.shelters.find((s) => s.organizationId === c.org.id);
  let site;
  let checkIn;
  let via = null;
  let limit = Infinity;
  if (shelter && rnd.chance(0.3)) {
    site = shelter;
    checkIn = c.registeredAt.getTime() + (30 + rnd.int(330)) * MIN;
  } else if (referral && referral.serviceType === 'shelter' && (referral.status === 'accepted' || referral.status === 'completed') && rnd.chance(0.9)) {
    site = ctx.shelters.find((s) => s.organizationId === referral.to.id && (!referral.toSiteId || s.id === referral.toSiteId));
    if (!site) return null;
    via = referral;
    checkIn = referral.respondedAt.getTime() + (30 + rnd.int(690)) * MIN;
    if (referral.status === 'completed') limit = referral.completedAt.getTime() - 10 * MIN;
  } else return null;
  if (c.closedAt) limit = Math.min(limit, c.closedAt.getTime() - 10 * MIN);
  const departed = c.ret?.departedAt?.getTime() ?? Infinity;
  limit = Math.min(limit, departed);
  if (checkIn >= Math.min(limit, end)) return null;
  let nights = pickNights(rnd);
  let extension = null;
  if (rnd.chance(0.015)) {
    // A longer stay: one extension request, approved by the shelter's manager (maker-checker).
    const days = 3 + rnd.int(8);
    nights = site.maxStayDays + 1 + rnd.int(days);
    const requestedAt = checkIn + (site.maxStayDays - 2) * DAY + rnd.int(6) * HOUR;
    extension = { id: rnd.uuid(), days, requestedAt: new Date(requestedAt), decidedAt: new Date(requestedAt + (1 + rnd.int(10)) * HOUR), status: 'approved' };
  }
  let out = checkIn + (nights - 1) * DAY + (14 + rnd.int(7)) * HOUR; // the morning after the last night
  let by = site.caseworker;
  if (out > limit) {
    out = limit;
    if (out === departed) by = c.ret.departedBy; // checked out by the departure (returns.service)
  }
  const active = out >= end;
  if (active && (c.status !== 'open' || (via && via.status !== 'accepted'))) return null;
  // Decided (or even asked) after the migrant left: there was no extension.
  if (extension && extension.decidedAt.getTime() >= Math.min(out, end)) extension = null;
  const expectedAt = checkIn + (site.maxStayDays + (extension ? extension.days : 0)) * DAY;
  // An active stay is never overdue here: the worker's alert job finds nothing to raise.
  if (active && expectedAt <= end + 2 * DAY) return null;
  // The first bed of this thread's share free for the whole stay (an active stay: of the beds
  // kept for those). Check-ins come roughly in registration order, not exactly (a referral's
  // stay starts when it is accepted): each bed keeps its stays as sorted, disjoint intervals.
  const until = active ? Infinity : out;
  const bed = ctx.beds.find((b) => b.siteId === site.id && (!active || b.forActive) && isFree(b, checkIn, until));
  if (!bed) return null;
  take(bed, checkIn, until);
  if (active && !extension && rnd.chance(0.1) && checkIn + 7 * DAY < end) {
    extension = { id: rnd.uuid(), days: 2 + rnd.int(5), requestedAt: new Date(checkIn + 7 * DAY), decidedAt: null, status: 'pending' };
  }
  const approved = extension?.status === 'approved';
  return (c.stay = {
    id: rnd.uuid(),
    site,
    referralId: via?.id ?? null,
    status: active ? 'active' : 'checked_out',
    checkedInAt: new Date(checkIn),
    expectedCheckOutAt: new Date(expectedAt),
    checkedOutAt: active ? null : new Date(out),
    checkedOutBy: active ? null : by,
    updatedAt: new Date(active ? (approved ? extension.decidedAt.getTime() : checkIn) : out),
    updatedBy: active ? (approved ? site.manager : site.caseworker) : by,
    extension,
  });
}
