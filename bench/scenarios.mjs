// The benchmark's scenarios, in the order they run. One entry each:
//   id, title, target ('api' | 'baseline'), connections,
//   requires: the routes (from the API's OpenAPI document) the scenario needs,
//   user: the demo user the scenario runs as (default caseworker@iom-ml),
//   request(env): the autocannon request (setupRequest varies it per request),
//   baseline: id of the raw-baseline scenario it is compared with,
//   group: scenarios of one group run their rounds interleaved (A B A B …), so background
//          noise hits both alike.
// A scenario without request() is not built yet: it is listed with no figures until its
// feature lands and someone writes its request — adding one is adding its entry here.
import { createRandom, weighted } from './seed/random.mjs';
import { FAMILY, FEMALE_GIVEN, MALE_GIVEN, NATIONALITIES } from './seed/vocabulary.mjs';

const json = { 'content-type': 'application/json' };
/** A caseworker of an organization that receives referrals. */
export const REFERRALS_USER = 'caseworker@mdm-gao.example.org';
/** An analyst of the organization with the most cases (reports are of one's own organization). */
export const REPORTS_USER = 'analyst@iom-ml.example.org';
/** The flows report over the last 12 months (the default period), by the groupings analysts use. */
export const FLOWS_QUERIES = ['groupBy=month,nationality,sex', 'groupBy=week,site', 'groupBy=ageGroup,sex', 'groupBy=reasonsForMigration,month', 'groupBy=vulnerability'];
const auth = (env) => ({ authorization: `Bearer ${env.token}` });

/** Cycles through a list, one item per request. */
const cycle = (items) => {
  let k = 0;
  return () => items[k++ % items.length];
};

function registrationBodies(env) {
  const rnd = createRandom(4242);
  const given = { male: weighted(MALE_GIVEN), female: weighted(FEMALE_GIVEN) };
  const family = weighted(FAMILY);
  const nationality = weighted(NATIONALITIES);
  return () => {
    const sex = rnd.chance(0.86) ? 'male' : 'female';
    const nat = nationality(rnd);
    return JSON.stringify({
      siteId: rnd.pick(env.siteIds),
      identity: { givenName: given[sex](rnd), familyName: family(rnd), sex, birthYear: 1980 + rnd.int(26), birthDateEstimated: true, nationality: nat, languages: ['fra'] },
      contact: { phone: `+223 7${rnd.int(10)} ${10 + rnd.int(89)} ${10 + rnd.int(89)} ${10 + rnd.int(89)}` },
      journey: { countryOfOrigin: nat, intendedDestination: 'DZA', route: ['Bamako', 'Mopti', 'Gao'], reasonsForMigration: ['economic'], travellingWith: 'alone' },
      vulnerabilities: rnd.chance(0.2) ? ['medical_condition'] : [],
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
  };
}

export const SCENARIOS = [
  {
    id: 'login',
    title: 'POST /auth/login',
    target: 'api',
    connections: 8,
    requires: ['post /api/v1/auth/login'],
    request: (env) => ({ method: 'POST', path: '/api/v1/auth/login', headers: json, body: JSON.stringify({ email: env.email, password: env.password }) }),
  },
  {
    id: 'raw-case-get',
    title: 'raw node:http+pg GET /cases/{id}',
    target: 'baseline',
    connections: 32,
    group: 'case-get',
    request: (env) => {
      const next = cycle(env.ids);
      return { method: 'GET', path: '/', setupRequest: (r) => ({ ...r, path: `/cases/${next()}` }) };
    },
  },
  {
    id: 'case-get',
    title: 'GET /cases/{id}',
    target: 'api',
    connections: 32,
    group: 'case-get',
    baseline: 'raw-case-get',
    requires: ['get /api/v1/cases/{id}'],
    request: (env) => {
      const next = cycle(env.ids);
      return { method: 'GET', path: '/', headers: auth(env), setupRequest: (r) => ({ ...r, path: `/api/v1/cases/${next()}` }) };
    },
  },
  {
    id: 'raw-case-get-audited',
    title: 'raw + read-audit INSERT (info)',
    target: 'baseline',
    connections: 32,
    group: 'case-get',
    request: (env) => {
      const next = cycle(env.ids);
      return { method: 'GET', path: '/', setupRequest: (r) => ({ ...r, path: `/cases-audited/${next()}` }) };
    },
  },
  {
    id: 'list-first',
    title: 'GET /cases?limit=50 (first page)',
    target: 'api',
    connections: 8,
    requires: ['get /api/v1/cases'],
    request: (env) => ({ method: 'GET', path: '/api/v1/cases?limit=50', headers: auth(env) }),
  },
  {
    id: 'list-deep',
    title: 'GET /cases?limit=50&cursor (deep page)',
    target: 'api',
    connections: 8,
    requires: ['get /api/v1/cases'],
    request: (env) => ({ method: 'GET', path: `/api/v1/cases?limit=50&cursor=${encodeURIComponent(env.deepCursor)}`, headers: auth(env) }),
  },
  {
    id: 'search',
    title: 'GET /cases?q=<name with typos>',
    target: 'api',
    connections: 8,
    requires: ['get /api/v1/cases'],
    request: (env) => {
      const next = cycle(env.recallQueries);
      return { method: 'GET', path: '/', headers: auth(env), setupRequest: (r) => ({ ...r, path: `/api/v1/cases?q=${encodeURIComponent(next())}` }) };
    },
  },
  {
    id: 'case-create',
    title: 'POST /cases (+ consent + audit)',
    target: 'api',
    connections: 8,
    requires: ['post /api/v1/cases'],
    request: (env) => {
      const body = registrationBodies(env);
      return { method: 'POST', path: '/api/v1/cases', headers: { ...json, ...auth(env) }, setupRequest: (r) => ({ ...r, body: body() }) };
    },
  },
  {
    // The receiving side's inbox: a caseworker of the Maison du Migrant (shelter, health, legal …).
    id: 'referrals-incoming',
    title: 'GET /referrals?direction=incoming',
    target: 'api',
    connections: 8,
    user: REFERRALS_USER,
    requires: ['get /api/v1/referrals'],
    request: (env) => ({ method: 'GET', path: '/api/v1/referrals?direction=incoming&limit=50', headers: auth(env) }),
  },
  {
    // Aggregates of IOM-ML's registrations in the last 12 months, computed in SQL, as its analyst.
    id: 'reports-flows',
    title: 'GET /reports/flows',
    target: 'api',
    connections: 8,
    user: REPORTS_USER,
    requires: ['get /api/v1/reports/flows'],
    request: (env) => {
      const next = cycle(FLOWS_QUERIES);
      return { method: 'GET', path: '/', headers: auth(env), setupRequest: (r) => ({ ...r, path: `/api/v1/reports/flows?${next()}` }) };
    },
  },
  {
    // 40 check-ins into the Maison du Migrant de Gao at the same moment, with fewer free beds than
    // that (half of them taken first): the capacity must hold (0 overbookings) and each answer
    // come fast — 201, or 409 SHELTER_FULL once the beds are gone. Its own runner (burst), not
    // autocannon: one volley a round, the stays checked out again after each.
    id: 'shelter-checkins',
    title: '40 concurrent check-ins, one shelter',
    target: 'api',
    connections: 40,
    user: REFERRALS_USER,
    requires: ['post /api/v1/stays', 'get /api/v1/sites/{id}/occupancy'],
    prepare: prepareShelter,
    burst: shelterVolley,
  },
];

const SHELTER_NAME = 'Maison du Migrant de Gao';
const VOLLEY = 40;

/** Registers `n` cases of the shelter's organization (not timed), 8 at a time. */
async function registerCases(ctx, n) {
  const body = registrationBodies({ siteIds: [ctx.shelter.id] });
  const ids = [];
  while (ids.length < n) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, n - ids.length) }, () => ctx.http(ctx.api, '/api/v1/cases', { method: 'POST', token: ctx.token, body: JSON.parse(body()) })),
    );
    for (const r of batch) {
      if (r.status !== 201) throw new Error(`shelter-checkins: registering a case gave ${r.status} ${JSON.stringify(r.data)}`);
      ids.push(r.data.id);
    }
  }
  return ids;
}

const occupancy = async (ctx) => {
  const r = await ctx.http(ctx.api, `/api/v1/sites/${ctx.shelter.id}/occupancy`, { token: ctx.token });
  if (r.status !== 200) throw new Error(`shelter-checkins: occupancy gave ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
};

/** Finds the shelter and fills it to half its capacity, so that a volley of 40 meets a full house. */
async function prepareShelter(ctx) {
  const sites = await ctx.http(ctx.api, `/api/v1/sites?limit=200`, { token: ctx.token });
  ctx.shelter = (sites.data.items ?? []).find((x) => x.name === SHELTER_NAME);
  if (!ctx.shelter) throw new Error(`shelter-checkins: no site named ${SHELTER_NAME}`);
  const now = await occupancy(ctx);
  const fill = Math.max(0, Math.floor(now.capacity / 2) - now.occupied);
  for (const caseId of await registerCases(ctx, fill)) {
    const r = await ctx.http(ctx.api, '/api/v1/stays', { method: 'POST', token: ctx.token, body: { caseId, siteId: ctx.shelter.id } });
    if (r.status !== 201) throw new Error(`shelter-checkins: filling the shelter gave ${r.status} ${JSON.stringify(r.data)}`);
  }
}

/** One volley: 40 fresh cases checked in at once; latencies, answers, overbookings; then checked out. */
async function shelterVolley(ctx) {
  const cases = await registerCases(ctx, VOLLEY);
  const before = await occupancy(ctx);
  const started = performance.now();
  const answers = await Promise.all(
    cases.map(async (caseId) => {
      const t0 = performance.now();
      const r = await ctx.http(ctx.api, '/api/v1/stays', { method: 'POST', token: ctx.token, body: { caseId, siteId: ctx.shelter.id } });
      return { ms: performance.now() - t0, status: r.status, code: r.data?.code, id: r.data?.id };
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await occupancy(ctx);
  const admitted = answers.filter((a) => a.status === 201);
  const full = answers.filter((a) => a.status === 409 && a.code === 'SHELTER_FULL');
  for (const a of admitted) await ctx.http(ctx.api, `/api/v1/stays/${a.id}/check-out`, { method: 'POST', token: ctx.token, body: {} });
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  const q = (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 100) / 100;
  const statusCodes = {};
  for (const a of answers) statusCodes[a.status] = (statusCodes[a.status] ?? 0) + 1;
  return {
    seconds: Math.round(seconds * 1000) / 1000,
    requests: answers.length,
    rps: Math.round((answers.length / seconds) * 10) / 10,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    errors: 0,
    // Anything but a check-in or a clean SHELTER_FULL is an error.
    non2xx: answers.length - admitted.length - full.length,
    statusCodes,
    samples: [],
    freeBefore: before.free,
    admitted: admitted.length,
    refusedFull: full.length,
    // More admitted than there were free beds, or more occupied than the capacity.
    overbookings: Math.max(0, admitted.length - before.free, after.occupied - after.capacity),
  };
}
