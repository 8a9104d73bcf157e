// One synthetic case at a time, in registration order, as the API would have registered it:
// the case row, its consents and its audit events are all derived from the object made here.
import { weighted } from './random.mjs';
import * as V from './vocabulary.mjs';
import { RECALL_SET } from './recall.mjs';

const DAY = 86_400_000;
const pad6 = (n) => String(n).padStart(6, '0');
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

const pickMaleGiven = weighted(V.MALE_GIVEN);
const pickFemaleGiven = weighted(V.FEMALE_GIVEN);
const pickFamily = weighted(V.FAMILY);
const pickNationality = weighted(V.NATIONALITIES);
const pickDestination = weighted(V.DESTINATIONS);
const pickReason = weighted(V.REASONS);
const pickTravelling = weighted(V.TRAVELLING_WITH);
const pickEducation = weighted(V.EDUCATION);
const pickVulnerability = weighted(V.VULNERABILITIES);
const pickClosure = weighted(V.CLOSURE_REASONS);
const pickOrg = weighted(V.ORG_WEIGHTS);

/** Every name the generator can write: normalized once by PostgreSQL's own f_unaccent (see seed.mjs). */
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
 *        normalize: Map<name, lower(f_unaccent(name))>, cipher: FieldCipher }
 */
export function createCaseFactory(ctx) {
  const { rnd, cases: total } = ctx;
  const end = ctx.now.getTime() - 3_600_000;
  const start = Date.UTC(ctx.now.getUTCFullYear() - 5, 0, 1);
  const step = (end - start) / total;
  const orgByCode = new Map(ctx.orgs.map((o) => [o.code, o]));
  for (const [code] of V.ORG_WEIGHTS) if (!orgByCode.has(code)) throw new Error(`demo organization ${code} is missing (was the demo seed run?)`);
  const sitePickers = new Map(
    ctx.orgs.map((o) => [o.code, weighted(o.sites.map((s) => [s, V.SITE_WEIGHTS[s.name] ?? 10]))]),
  );
  const counters = new Map(); // `${orgId}:${year}` -> last number
  // The planted recall persons, spread evenly over the dataset (all at IOM-ML, Gao transit centre).
  const planted = new Map(RECALL_SET.map((p, k) => [Math.floor(((k + 0.5) * total) / RECALL_SET.length), p]));
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
    const searchName = [givenName, familyName, ...otherNames].map(norm).join(' ');

    // sections
    const contact = rnd.chance(0.6)
      ? { phone: `${V.DIAL[nationality] ?? '+223'} ${60 + rnd.int(40)} ${String(rnd.int(100)).padStart(2, '0')} ${String(rnd.int(100)).padStart(2, '0')} ${String(rnd.int(100)).padStart(2, '0')}` }
      : {};
    const documents = nationality && rnd.chance(0.3)
      ? [{ type: rnd.pick(['national_id', 'passport', 'consular_card', 'birth_certificate']), number: `${nationality.slice(0, 2)}${1_000_000 + rnd.int(8_999_999)}`, issuingCountry: nationality }]
      : [];
    const departureMs = registeredMs - (10 + rnd.int(400)) * DAY;
    const journey = {
      countryOfOrigin: nationality ?? undefined,
      placeOfOrigin: nationality ? rnd.pick(V.PLACES[nationality]) : undefined,
      departureDate: isoDate(departureMs),
      intendedDestination: pickDestination(rnd),
      route: rnd.pick(V.ROUTES),
      reasonsForMigration: [pickReason(rnd)],
      travellingWith: pickTravelling(rnd),
      educationLevel: pickEducation(rnd),
      employmentBeforeDeparture: rnd.pick(V.EMPLOYMENT),
      moneySpent: rnd.chance(0.5) ? { amount: 50_000 + rnd.int(200) * 5_000, currency: 'XOF' } : undefined,
    };
    const flags = [];
    if (rnd.chance(0.2)) {
      flags.push(pickVulnerability(rnd));
      if (rnd.chance(0.25)) {
        const second = pickVulnerability(rnd);
        if (second !== flags[0]) flags.push(second);
      }
    }
    if (minor && !flags.includes('unaccompanied_child') && rnd.chance(0.4)) flags.push('unaccompanied_child');
    const assessedAt = new Date(registeredMs).toISOString();
    const vulnerabilities = flags.map((flag) => ({ flag, assessedBy: creator, assessedAt }));
    // Families travelling together share a household id with the previous case.
    if (household && household.left > 0 && rnd.chance(0.7)) household.left--;
    else household = rnd.chance(0.05) ? { id: rnd.uuid(), left: 1 + rnd.int(4) } : null;
    const householdId = household?.id ?? null;
    const householdSection = householdId ? { size: 2 + rnd.int(5), relationshipToHead: rnd.pick(['head', 'spouse', 'child', 'sibling']) } : {};
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

    return {
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
      contact,
      documents,
      journey: JSON.parse(JSON.stringify(journey)), // drops the undefined members, as the API stores it
      vulnerabilities,
      vulnerabilityFlags: flags,
      household: householdSection,
      sensitive,
      sealed,
      viewedAt: viewedMs && viewedMs < end ? new Date(viewedMs) : null,
      updatedAt: new Date(updatedMs),
      creator,
    };
  }

  return { make, counters, planted };
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
    journey: c.journey,
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
