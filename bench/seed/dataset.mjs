// One synthetic case at a time, in registration order, as the API would have registered it:
// the case row, its consents and its audit events are all derived from the object made here.
import { weighted } from './random.mjs';
import * as V from './vocabulary.mjs';
import { RECALL_SET } from './recall.mjs';
import { settleCase } from './lifecycle.mjs';

const DAY = 86_400_000;
const pad6 = (n) => String(n).padStart(6, '0');
const dayCache = new Map();
/** 'YYYY-MM-DD' of a time, cached per day (the generator asks for the same days over and over). */
const isoDate = (ms) => {
  const day = Math.floor(ms / DAY);
  let s = dayCache.get(day);
  if (s === undefined) dayCache.set(day, (s = new Date(day * DAY).toISOString().slice(0, 10)));
  return s;
};
const PLACES_JSON = Object.fromEntries(Object.entries(V.PLACES).map(([k, v]) => [k, v.map((p) => JSON.stringify(p))]));
const ROUTES_JSON = V.ROUTES.map((r) => JSON.stringify(r));

const pickMaleGiven = weighted(V.MALE_GIVEN);
const pickFemaleGiven = weighted(V.FEMALE_GIVEN);
const pickFamily = weighted(V.FAMILY);
const pickNationality = weighted(V.NATIONALITIES);
const pickDestination = weighted(V.DESTINATIONS);
const pickReason = weighted(V.REASONS);
const pickTravelling = weighted(V.TRAVELLING_WITH);
const pickEducation = weighted(V.EDUCATION);
const pickVulnerability = weighted(V.VULNERABILITIES);
// `returned` and `reintegration_completed` need an arrived return / a completed plan (the close
// checks): lifecycle.mjs gives them to the cases that have one, never this draw.
const pickClosure = weighted(V.CLOSURE_REASONS.filter(([r]) => r !== 'returned' && r !== 'reintegration_completed'));

/**
 * Splits the demo organizations into `n` groups of about equal case volume, so that `n`
 * generator threads work independently: case numbers and audit chains are per organization.
 */
export function partitionOrganizations(n, cases) {
  const bins = Array.from({ length: n }, () => ({ orgCodes: [], weight: 0 }));
  for (const [code, w] of [...V.ORG_WEIGHTS].sort((a, b) => b[1] - a[1])) {
    const bin = bins.reduce((a, b) => (b.weight < a.weight ? b : a));
    bin.orgCodes.push(code);
    bin.weight += w;
  }
  const total = bins.reduce((s, b) => s + b.weight, 0);
  const used = bins.filter((b) => b.weight > 0);
  let left = cases;
  return used.map((b, k) => {
    const share = k === used.length - 1 ? left : Math.round((cases * b.weight) / total);
    left -= share;
    return { orgCodes: b.orgCodes, cases: share };
  });
}

/** Every name the generator can write: split into normalized words once by PostgreSQL's own f_name_tokens (see seed.mjs). */
export function nameVocabulary() {
  const words = new Set();
  for (const list of [V.MALE_GIVEN, V.FEMALE_GIVEN, V.FAMILY]) for (const [w] of list) words.add(w);
  for (const p of RECALL_SET) for (const w of [p.given, p.family, ...(p.other ?? [])]) words.add(w);
  return [...words];
}

/** The planted persons must be unique: their given names appear in no list. */
export function assertRecallNamesAreUnique() {
  const given = new Set([...V.MALE_GIVEN, ...V.FEMALE_GIVEN, ...V.FAMILY].map(([w]) => w.toLowerCase()));
  for (const p of RECALL_SET) if (given.has(p.given.toLowerCase())) throw new Error(`recall person ${p.given} ${p.family} is not unique: ${p.given} is in the name lists`);
}

/**
 * ctx: { rnd, now: Date, cases: number, orgs: [{ id, code, sites: [{ id, name }], caseworker, manager }],
 *        normalize: Map<name, f_name_tokens(name)>, cipher: FieldCipher }
 */
export function createCaseFactory(ctx, orgCodes = V.ORG_WEIGHTS.map(([code]) => code)) {
  const { rnd, cases: total } = ctx;
  const pickOrg = weighted(V.ORG_WEIGHTS.filter(([code]) => orgCodes.includes(code)));
  const end = ctx.now.getTime() - 3_600_000;
  const start = Date.UTC(ctx.now.getUTCFullYear() - 5, 0, 1);
  const step = (end - start) / total;
  const orgByCode = new Map(ctx.orgs.map((o) => [o.code, o]));
  for (const code of orgCodes) if (!orgByCode.has(code)) throw new Error(`demo organization ${code} is missing (was the demo seed run?)`);
  const sitePickers = new Map(
    ctx.orgs.map((o) => [o.code, weighted(o.sites.map((s) => [s, V.SITE_WEIGHTS[s.name] ?? 10]))]),
  );
  const counters = new Map(); // `${orgId}:${year}` -> last number
  // The planted recall persons, spread evenly over the dataset (all at IOM-ML, Gao transit centre).
  const planted = new Map(orgCodes.includes('IOM-ML') ? RECALL_SET.map((p, k) => [Math.floor(((k + 0.5) * total) / RECALL_SET.length), p]) : []);
  const iom = orgByCode.get('IOM-ML');
  const gao = iom.sites.find((s) => s.name === 'Centre de transit OIM Gao') ?? iom.sites[0];
  let household = null;
  const norm = (w) => {
    const n = ctx.normalize.get(w);
    if (n === undefined) throw new Error(`name ${w} was not normalized`);
    return n;
  };

  function make(i) {
    const plant = planted.get(i);
    const registeredMs = Math.floor(start + (i + rnd.next()) * step);
    const registeredAt = new Date(registeredMs);
    const year = registeredAt.getUTCFullYear();
    const org = plant ? iom : orgByCode.get(pickOrg(rnd));
    const site = plant ? gao : sitePickers.get(org.code)(rnd);
    const key = `${org.id}:${year}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    const id = rnd.uuid();
    const creator = rnd.chance(0.8) ? org.caseworker : org.manager;

    // identity
    const r = rnd.next();
    const sex = plant ? plant.sex : r < 0.86 ? 'male' : r < 0.99 ? 'female' : r < 0.992 ? 'other' : 'unknown';
    const givenName = plant ? plant.given : sex === 'female' ? pickFemaleGiven(rnd) : pickMaleGiven(rnd);
    const familyName = plant ? plant.family : pickFamily(rnd);
    const otherNames = plant ? (plant.other ?? []) : rnd.chance(0.08) ? [sex === 'female' ? pickFemaleGiven(rnd) : pickMaleGiven(rnd)] : [];
    const minor = rnd.chance(0.07);
    const age = minor ? 10 + rnd.int(8) : 18 + Math.floor(Math.abs(rnd.next() + rnd.next() - 1) * 30 + rnd.int(6));
    const bornMs = registeredMs - (age * 365.25 + rnd.int(365)) * DAY;
    const dobKnown = rnd.chance(0.3);
    const dateOfBirth = dobKnown ? isoDate(bornMs) : null;
    const birthYear = dobKnown ? Number(dateOfBirth.slice(0, 4)) : rnd.chance(0.97) ? new Date(bornMs).getUTCFullYear() : null;
    const birthDateEstimated = !dobKnown && birthYear !== null && rnd.chance(0.6);
    const nationality = plant ? plant.nationality : rnd.chance(0.99) ? pickNationality(rnd) : null;
    const languages = nationality ? rnd.pick(V.LANGUAGES[nationality]) : ['fra'];
    // f_case_search_name() normalizes the names joined by spaces; word by word it is the same.
    const words = [givenName, familyName, ...otherNames].flatMap(norm);
    const searchName = words.join(' ');

    // sections
    const contact = rnd.chance(0.6)
      ? { phone: `${V.DIAL[nationality] ?? '+223'} ${60 + rnd.int(40)} ${String(rnd.int(100)).padStart(2, '0')} ${String(rnd.int(100)).padStart(2, '0')} ${String(rnd.int(100)).padStart(2, '0')}` }
      : {};
    // Sections are built with their keys in sorted order, so JSON.stringify gives the canonical
    // form the audit hash chain uses (checked against canonicalJson in tables.mjs).
    const documents = nationality && rnd.chance(0.3)
      ? [{ issuingCountry: nationality, number: `${nationality.slice(0, 2)}${1_000_000 + rnd.int(8_999_999)}`, type: rnd.pick(['national_id', 'passport', 'consular_card', 'birth_certificate']) }]
      : [];
    const departureMs = registeredMs - (10 + rnd.int(400)) * DAY;
    // The journey is written straight as its JSON text (the costliest section to build as an
    // object and serialize), keys in sorted order; vocabulary items are pre-serialized.
    const money = rnd.chance(0.5) ? `"moneySpent":{"amount":${50_000 + rnd.int(200) * 5_000},"currency":"XOF"},` : '';
    const journeyJson =
      `{${nationality ? `"countryOfOrigin":"${nationality}",` : ''}"departureDate":"${isoDate(departureMs)}",` +
      `"educationLevel":"${pickEducation(rnd)}","employmentBeforeDeparture":"${rnd.pick(V.EMPLOYMENT)}",` +
      `"intendedDestination":"${pickDestination(rnd)}",${money}` +
      `${nationality ? `"placeOfOrigin":${rnd.pick(PLACES_JSON[nationality])},` : ''}"reasonsForMigration":["${pickReason(rnd)}"],` +
      `"route":${rnd.pick(ROUTES_JSON)},"travellingWith":"${pickTravelling(rnd)}"}`;
    const flags = [];
    if (rnd.chance(0.2)) {
      flags.push(pickVulnerability(rnd));
      if (rnd.chance(0.25)) {
        const second = pickVulnerability(rnd);
        if (second !== flags[0]) flags.push(second);
      }
    }
    if (minor && !flags.includes('unaccompanied_child') && rnd.chance(0.4)) flags.push('unaccompanied_child');
    const registeredIso = registeredAt.toISOString();
    const assessedAt = registeredIso;
    const vulnerabilities = flags.map((flag) => ({ assessedAt, assessedBy: creator, flag }));
    // Families travelling together share a household id with the previous case.
    if (household && household.left > 0 && rnd.chance(0.7)) household.left--;
    else household = rnd.chance(0.05) ? { id: rnd.uuid(), left: 1 + rnd.int(4) } : null;
    const householdId = household?.id ?? null;
    const householdSection = householdId ? { relationshipToHead: rnd.pick(['head', 'spouse', 'child', 'sibling']), size: 2 + rnd.int(5) } : {};
    const sensitive = rnd.chance(0.03) ? { narrative: rnd.pick(V.NARRATIVES), protectionConcerns: flags.length ? [...flags] : ['other'] } : null;
    const sealed = sensitive ? ctx.cipher.encrypt(sensitive, id) : null;

    // what happened next
    const assignedMs = rnd.chance(0.25) ? registeredMs + (1 + rnd.int(72)) * 3_600_000 : null;
    const assignedTo = assignedMs && assignedMs < end ? (rnd.chance(0.85) ? org.caseworker : org.manager) : null;
    const closedMs = registeredMs + (2 + rnd.int(120)) * DAY;
    const closed = closedMs < end && rnd.chance(0.6);
    const closureReason = closed ? pickClosure(rnd) : null;
    const viewedMs = rnd.chance(0.4) ? registeredMs + rnd.int(30 * 24) * 3_600_000 : null;
    const updatedMs = Math.max(registeredMs, assignedTo ? assignedMs : 0, closed ? closedMs : 0);

    const c = {
      i,
      planted: plant ?? null,
      id,
      caseNumber: `${org.code}-${year}-${pad6(n)}`,
      org,
      site,
      status: closed ? 'closed' : 'open',
      closureReason,
      closedAt: closed ? new Date(closedMs) : null,
      version: 1 + (assignedTo ? 1 : 0) + (closed ? 1 : 0),
      assignedTo,
      assignedAt: assignedTo ? new Date(assignedMs) : null,
      householdId,
      registeredAt,
      givenName,
      familyName,
      otherNames,
      sex,
      dateOfBirth,
      birthYear,
      birthDateEstimated,
      nationality,
      languages,
      searchName,
      nameKeys: nameKeys(words),
      contact,
      documents,
      registeredIso,
      vulnerabilities,
      vulnerabilityFlags: flags,
      household: householdSection,
      sensitive,
      sealed,
      viewedAt: viewedMs && viewedMs < end ? new Date(viewedMs) : null,
      updatedAt: new Date(updatedMs),
      creator,
      // Serialized once: the case row and the audit event's changes both use them.
      json: {
        contact: JSON.stringify(contact),
        documents: JSON.stringify(documents),
        journey: journeyJson,
        vulnerabilities: JSON.stringify(vulnerabilities),
        household: JSON.stringify(householdSection),
      },
    };
    settleCase(c, ctx, end);
    return c;
  }

  return { make, counters, planted };
}

/**
 * f_name_keys() of migration 1796000000000: the distinct words and every pair 'a b' (a < b),
 * sorted in byte order (COLLATE "C"; UTF-16 order is the same for these names). The seed
 * checks a sample against the SQL function.
 */
export function nameKeys(words) {
  const distinct = [...new Set(words)].sort();
  const keys = [...distinct];
  for (let i = 0; i < distinct.length; i++) for (let j = i + 1; j < distinct.length; j++) keys.push(`${distinct[i]} ${distinct[j]}`);
  return keys.sort();
}

/** What the API's audit trail records of a case (cases.service.ts snapshot()). */
export function snapshotOf(c) {
  return {
    givenName: c.givenName,
    familyName: c.familyName,
    otherNames: c.otherNames,
    sex: c.sex,
    dateOfBirth: c.dateOfBirth,
    birthYear: c.birthYear,
    nationality: c.nationality,
    languages: c.languages,
    contact: c.contact,
    documents: c.documents,
    journey: JSON.parse(c.json.journey),
    vulnerabilities: c.vulnerabilityFlags,
    household: c.household,
    householdId: c.householdId,
    siteId: c.site.id,
    assignedTo: null,
    status: 'open',
    closureReason: null,
    ...(c.sensitive ? { sensitive: '(changed)' } : {}),
  };
}
