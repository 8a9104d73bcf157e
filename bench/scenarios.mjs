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
  // Not built yet: its feature has not landed on this branch.
  { id: 'shelter-checkins', title: '40 concurrent check-ins, one shelter', target: 'api', connections: 40, requires: ['post /api/v1/stays'] },
];
