// Issue 5, acceptance 1 (concurrent registration) and 4 (bad input), DESIGN §3, API.md "Cases":
// 50 registrations in parallel take 50 distinct, consecutive numbers from a per-org, per-year
// counter; every malformed body or query is a 400 VALIDATION_FAILED naming the field (413 over
// 1 MiB), never a 500, and writes nothing: no case, consent, counter value or audit event.
import { randomUUID } from 'node:crypto';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const CASES = '/api/v1/cases';
const YEAR = new Date().getUTCFullYear();

let t: TestApp;
let A: TestOrg; // two sites
let B: TestOrg;
let cwA1: TestUser; // caseworker at A's site 0
let cwA2: TestUser; // caseworker at A's site 1
let cwA12: TestUser; // caseworker at both
let mgrA: TestUser;
let cwB: TestUser;

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { sites: [{}, {}] });
  B = await makeOrg(t, { sites: [{}] });
  cwA1 = await makeUser(t, A, ['caseworker'], { siteIds: [A.sites[0].id] });
  cwA2 = await makeUser(t, A, ['caseworker'], { siteIds: [A.sites[1].id] });
  cwA12 = await makeUser(t, A, ['caseworker'], { siteIds: [A.sites[0].id, A.sites[1].id] });
  mgrA = await makeUser(t, A, ['manager'], { siteIds: [] });
  cwB = await makeUser(t, B, ['caseworker'], { siteIds: [B.sites[0].id] });
});
afterAll(() => t?.close());

const CONSENT = { purpose: 'registration', basis: 'consent', method: 'verbal' };
/** A complete, valid registration: every test breaks exactly one thing of it. */
const validBody = (siteId: string): Record<string, any> => ({
  siteId,
  identity: {
    givenName: 'Aminata',
    familyName: 'Traoré',
    otherNames: ['Mina'],
    sex: 'female',
    dateOfBirth: '1999-04-02',
    nationality: 'GIN',
    languages: ['fra', 'sus'],
  },
  contact: { phone: '+22370000000' },
  documents: [{ type: 'passport', number: 'GN123456', issuingCountry: 'GIN', expiresOn: '2030-01-01' }],
  journey: {
    countryOfOrigin: 'GIN',
    placeOfOrigin: 'Kindia',
    intendedDestination: 'ESP',
    reasonsForMigration: ['economic'],
    route: ['Conakry', 'Bamako', 'Gao'],
    travellingWith: 'alone',
    moneySpent: { amount: 450_000, currency: 'XOF' },
  },
  vulnerabilities: ['pregnant_or_lactating'],
  household: { size: 3 },
  consent: CONSENT,
});

const count = async (table: string) => (await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))!.n;
/** What a registration or an edit writes, summed over the whole database. */
async function written() {
  const [cases, consents, audit, counters] = await Promise.all([
    count('cases'),
    count('consents'),
    count('audit_events'),
    t.db.row<{ rows: number; total: number }>('SELECT count(*)::int AS rows, coalesce(sum(value), 0)::int AS total FROM counters'),
  ]);
  const versions = await t.db.row<{ v: string }>("SELECT coalesce(string_agg(id || ':' || version || ':' || updated_at, ',' ORDER BY id), '') AS v FROM cases");
  return { cases, consents, audit, counters, versions: versions!.v };
}

/** Sets `path` (a.b.c) of a copy of `body` to `value` (undefined deletes it). */
function withField(body: Record<string, any>, path: string, value: unknown): Record<string, any> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k];
  if (value === undefined) delete at[keys[keys.length - 1]];
  else at[keys[keys.length - 1]] = value;
  return copy;
}

type Problem = { errors?: { field: string; message: string }[] };
/** The request → 400 VALIDATION_FAILED naming `field` (an error at it or below it), and nothing written. */
async function expectRefused(send: () => Promise<{ status: number; headers: any; body: any }>, field: string, status = 400, code = 'VALIDATION_FAILED') {
  const before = await written();
  const res = await send();
  expect(res.status).not.toBe(500);
  const problem = expectProblem(res, status, code) as Problem;
  if (status === 400 && code === 'VALIDATION_FAILED') {
    expect(Array.isArray(problem.errors)).toBe(true);
    const fields = problem.errors!.map((e) => e.field);
    expect({ field, named: fields.some((f) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`)) }).toEqual({ field, named: true });
    expect(problem.errors!.length).toBeLessThanOrEqual(100);
    for (const e of problem.errors!) expect(e.message.length).toBeLessThanOrEqual(500);
  }
  expect(await written()).toEqual(before);
  return problem;
}

const post = (u: TestUser, body: unknown) => as(t, u).post(CASES).send(body as object);

describe('concurrent registration (issue 5, acceptance 1: gapless numbers under concurrency)', () => {
  it('50 parallel POST /cases by caseworkers and managers of one org → 50 × 201, numbers {CODE}-{YYYY}-000001..000050, counter 50', async () => {
    const registrars = [cwA1, cwA2, cwA12, mgrA];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const who = registrars[i % registrars.length];
        const site = who === cwA2 ? A.sites[1] : who === mgrA ? A.sites[i % 2] : A.sites[0];
        return post(who, withField(validBody(site.id), 'identity.givenName', `Parallel ${i}`));
      }),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = responses.map((r) => r.body.caseNumber as string).sort();
    const expected = Array.from({ length: 50 }, (_, i) => `${A.org.code}-${YEAR}-${String(i + 1).padStart(6, '0')}`);
    expect(numbers).toEqual(expected);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(50);
    // The rows say the same: one number each, one consent each, one case.created each.
    const rows = await t.db.rows<{ case_number: string }>('SELECT case_number FROM cases WHERE owning_organization_id = $1 ORDER BY case_number', [A.org.id]);
    expect(rows.map((r) => r.case_number)).toEqual(expected);
    expect(await t.db.row('SELECT value FROM counters WHERE scope = $1 AND year = $2', [`case:${A.org.id}`, YEAR])).toEqual({ value: 50 });
    const ids = responses.map((r) => r.body.id);
    expect((await t.db.row<{ n: number }>("SELECT count(*)::int AS n FROM consents WHERE case_id = ANY($1::uuid[]) AND purpose = 'registration'", [ids]))!.n).toBe(50);
    expect((await t.db.row<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE entity_id = ANY($1::text[]) AND action = 'case.created'", [ids]))!.n).toBe(50);
  });

  it('another organization’s numbers start at 000001, independently, also while A registers concurrently', async () => {
    const [a, ...bs] = await Promise.all([
      post(mgrA, validBody(A.sites[0].id)),
      ...Array.from({ length: 10 }, () => post(cwB, validBody(B.sites[0].id))),
    ]);
    expect(a.status).toBe(201);
    expect(a.body.caseNumber).toBe(`${A.org.code}-${YEAR}-000051`);
    expect(bs.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(bs.map((r) => r.body.caseNumber).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${B.org.code}-${YEAR}-${String(i + 1).padStart(6, '0')}`));
    expect(await t.db.row('SELECT value FROM counters WHERE scope = $1 AND year = $2', [`case:${B.org.id}`, YEAR])).toEqual({ value: 10 });
    expect(await t.db.row('SELECT value FROM counters WHERE scope = $1 AND year = $2', [`case:${A.org.id}`, YEAR])).toEqual({ value: 51 });
  });

  it('refused registrations racing good ones take no number: the series stays gapless', async () => {
    const good = () => post(cwA1, validBody(A.sites[0].id));
    const badSite = () => post(cwA1, validBody(A.sites[1].id)); // not their site: 403 inside the transaction
    const noConsent = () => post(cwA1, withField(validBody(A.sites[0].id), 'consent', undefined));
    const responses = await Promise.all(Array.from({ length: 15 }, (_, i) => [good, badSite, noConsent][i % 3]()));
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 15 }, (_, i) => [201, 403, 400][i % 3]));
    const numbers = responses.filter((r) => r.status === 201).map((r) => r.body.caseNumber as string).sort();
    expect(numbers).toEqual(Array.from({ length: 5 }, (_, i) => `${A.org.code}-${YEAR}-${String(52 + i).padStart(6, '0')}`));
    expect(await t.db.row('SELECT value FROM counters WHERE scope = $1 AND year = $2', [`case:${A.org.id}`, YEAR])).toEqual({ value: 56 });
  });
});

describe('POST /cases with bad input → 400 VALIDATION_FAILED naming the field, nothing written (issue 5, acceptance 4)', () => {
  const site = () => A.sites[0].id;

  it('the valid body used below is accepted (control)', async () => {
    const res = await post(cwA1, validBody(site()));
    expect(res.status).toBe(201);
  });

  const cases: [string, (b: Record<string, any>) => unknown, string][] = [
    // unknown fields are refused, not stripped
    ['an unknown top-level field', (b) => ({ ...b, isAdmin: true }), 'isAdmin'],
    ['an unknown top-level field naming a server-set column', (b) => ({ ...b, caseNumber: 'X-2026-000001' }), 'caseNumber'],
    ['an unknown nested field identity.isAdmin', (b) => withField(b, 'identity.isAdmin', true), 'identity.isAdmin'],
    ['an unknown field in journey.moneySpent', (b) => withField(b, 'journey.moneySpent.rate', 2), 'journey.moneySpent.rate'],
    ['an unknown field in a document', (b) => withField(b, 'documents', [{ type: 'passport', owner: 'x' }]), 'documents[0].owner'],
    ['an unknown field in consent', (b) => withField(b, 'consent.status', 'active'), 'consent.status'],
    // codes from maintained lists
    ['nationality "XX"', (b) => withField(b, 'identity.nationality', 'XX'), 'identity.nationality'],
    ['nationality "gin" (lower case)', (b) => withField(b, 'identity.nationality', 'gin'), 'identity.nationality'],
    ['nationality "GN" (alpha-2)', (b) => withField(b, 'identity.nationality', 'GN'), 'identity.nationality'],
    ['nationality "XXX" (not assigned)', (b) => withField(b, 'identity.nationality', 'XXX'), 'identity.nationality'],
    ['nationality 324 (numeric)', (b) => withField(b, 'identity.nationality', 324), 'identity.nationality'],
    ['journey.intendedDestination "SPA"', (b) => withField(b, 'journey.intendedDestination', 'SPA'), 'journey.intendedDestination'],
    ['documents[0].issuingCountry "GN"', (b) => withField(b, 'documents', [{ type: 'passport', issuingCountry: 'GN' }]), 'documents[0].issuingCountry'],
    ['language "xx1"', (b) => withField(b, 'identity.languages', ['fra', 'xx1']), 'identity.languages'],
    ['language "fr" (ISO 639-1)', (b) => withField(b, 'identity.languages', ['fr']), 'identity.languages'],
    ['languages as a string', (b) => withField(b, 'identity.languages', 'fra'), 'identity.languages'],
    ['languages repeated', (b) => withField(b, 'identity.languages', ['fra', 'fra']), 'identity.languages'],
    // dates
    ['a future dateOfBirth', (b) => withField(b, 'identity.dateOfBirth', `${YEAR + 1}-01-01`), 'identity.dateOfBirth'],
    ['an impossible date 2001-02-30', (b) => withField(b, 'identity.dateOfBirth', '2001-02-30'), 'identity.dateOfBirth'],
    ['a date-time instead of a date', (b) => withField(b, 'identity.dateOfBirth', '1999-04-02T00:00:00Z'), 'identity.dateOfBirth'],
    ['a date as a number', (b) => withField(b, 'identity.dateOfBirth', 19990402), 'identity.dateOfBirth'],
    ['birthYear in the future range', (b) => withField(withField(b, 'identity.dateOfBirth', undefined), 'identity.birthYear', 2200), 'identity.birthYear'],
    ['birthYear 1850', (b) => withField(withField(b, 'identity.dateOfBirth', undefined), 'identity.birthYear', 1850), 'identity.birthYear'],
    ['a future departureDate', (b) => withField(b, 'journey.departureDate', `${YEAR + 1}-06-01`), 'journey.departureDate'],
    // sizes
    ['a 10,000-character givenName', (b) => withField(b, 'identity.givenName', 'A'.repeat(10_000)), 'identity.givenName'],
    ['a 10,000-character familyName', (b) => withField(b, 'identity.familyName', 'é'.repeat(10_000)), 'identity.familyName'],
    ['an empty givenName', (b) => withField(b, 'identity.givenName', ''), 'identity.givenName'],
    ['otherNames: 10,000 items', (b) => withField(b, 'identity.otherNames', Array.from({ length: 10_000 }, (_, i) => `n${i}`)), 'identity.otherNames'],
    ['otherNames: 10,000 items of 101 characters', (b) => withField(b, 'identity.otherNames', Array(10_000).fill('x'.repeat(101))), 'identity.otherNames'],
    ['journey.route: 10,000 items', (b) => withField(b, 'journey.route', Array.from({ length: 10_000 }, (_, i) => `Place ${i}`)), 'journey.route'],
    ['languages: 10,000 items', (b) => withField(b, 'identity.languages', Array(10_000).fill('fra')), 'identity.languages'],
    ['documents: 10,000 items', (b) => withField(b, 'documents', Array(10_000).fill({ type: 'passport' })), 'documents'],
    ['consent.organizationIds: 10,000 items', (b) => withField(b, 'consent.organizationIds', Array.from({ length: 10_000 }, () => randomUUID())), 'consent.organizationIds'],
    ['vulnerabilities: 10,000 items', (b) => withField(b, 'vulnerabilities', Array(10_000).fill('elderly')), 'vulnerabilities'],
    // enums
    ['an unknown vulnerability flag', (b) => withField(b, 'vulnerabilities', ['elderly', 'rich']), 'vulnerabilities'],
    ['a vulnerability flag twice', (b) => withField(b, 'vulnerabilities', ['elderly', 'elderly']), 'vulnerabilities'],
    ['vulnerabilities as objects', (b) => withField(b, 'vulnerabilities', [{ flag: 'elderly' }]), 'vulnerabilities'],
    ['an unknown reason for migration', (b) => withField(b, 'journey.reasonsForMigration', ['tourism']), 'journey.reasonsForMigration'],
    ['sex "F"', (b) => withField(b, 'identity.sex', 'F'), 'identity.sex'],
    ['an unknown consent basis', (b) => withField(b, 'consent.basis', 'implied'), 'consent.basis'],
    // types
    ['sex: 5', (b) => withField(b, 'identity.sex', 5), 'identity.sex'],
    ['identity: "x"', (b) => withField(b, 'identity', 'x'), 'identity'],
    ['identity: []', (b) => withField(b, 'identity', []), 'identity'],
    ['identity: null', (b) => withField(b, 'identity', null), 'identity'],
    ['givenName: 42', (b) => withField(b, 'identity.givenName', 42), 'identity.givenName'],
    ['givenName: ["Aminata"]', (b) => withField(b, 'identity.givenName', ['Aminata']), 'identity.givenName'],
    ['givenName: null', (b) => withField(b, 'identity.givenName', null), 'identity.givenName'],
    ['birthDateEstimated: "yes"', (b) => withField(b, 'identity.birthDateEstimated', 'yes'), 'identity.birthDateEstimated'],
    ['journey.route: "Bamako"', (b) => withField(b, 'journey.route', 'Bamako'), 'journey.route'],
    ['journey.route: [1, 2]', (b) => withField(b, 'journey.route', [1, 2]), 'journey.route'],
    ['household.size: 2.5', (b) => withField(b, 'household.size', 2.5), 'household.size'],
    ['household.size: 0', (b) => withField(b, 'household.size', 0), 'household.size'],
    ['contact: "+22370000000"', (b) => withField(b, 'contact', '+22370000000'), 'contact'],
    ['contact.phone not a phone number', (b) => withField(b, 'contact.phone', 'call me maybe'), 'contact.phone'],
    // missing
    ['missing identity', (b) => withField(b, 'identity', undefined), 'identity'],
    ['missing identity.givenName', (b) => withField(b, 'identity.givenName', undefined), 'identity.givenName'],
    ['missing identity.sex', (b) => withField(b, 'identity.sex', undefined), 'identity.sex'],
    ['missing siteId', (b) => withField(b, 'siteId', undefined), 'siteId'],
    ['missing consent.method', (b) => withField(b, 'consent.method', undefined), 'consent.method'],
    // ids
    ['a malformed siteId', (b) => withField(b, 'siteId', 'site-1'), 'siteId'],
    ['a siteId UUID with a trailing character', (b) => withField(b, 'siteId', `${A.sites[0].id}0`), 'siteId'],
    ['an unknown siteId (well-formed)', (b) => withField(b, 'siteId', randomUUID()), 'siteId'],
    ['a malformed householdId', (b) => withField(b, 'householdId', '42'), 'householdId'],
    ['a malformed consent.organizationIds item', (b) => withField(b, 'consent.organizationIds', ['not-a-uuid']), 'consent.organizationIds'],
    // money
    ['moneySpent.currency "XXY"', (b) => withField(b, 'journey.moneySpent.currency', 'XXY'), 'journey.moneySpent.currency'],
    ['moneySpent.currency "xof" (lower case)', (b) => withField(b, 'journey.moneySpent.currency', 'xof'), 'journey.moneySpent.currency'],
    ['moneySpent.amount negative', (b) => withField(b, 'journey.moneySpent.amount', -1), 'journey.moneySpent.amount'],
    ['moneySpent.amount fractional', (b) => withField(b, 'journey.moneySpent.amount', 10.5), 'journey.moneySpent.amount'],
    ['moneySpent.amount above the limit', (b) => withField(b, 'journey.moneySpent.amount', 1e15), 'journey.moneySpent.amount'],
    ['moneySpent.amount: true', (b) => withField(b, 'journey.moneySpent.amount', true), 'journey.moneySpent.amount'],
    ['moneySpent.amount: "" (not 0)', (b) => withField(b, 'journey.moneySpent.amount', ''), 'journey.moneySpent.amount'],
    ['moneySpent.amount: [5]', (b) => withField(b, 'journey.moneySpent.amount', [5]), 'journey.moneySpent.amount'],
    ['moneySpent.amount: "1e3"', (b) => withField(b, 'journey.moneySpent.amount', '1e3'), 'journey.moneySpent.amount'],
    ['household.size: false', (b) => withField(b, 'household.size', false), 'household.size'],
    ['moneySpent without a currency', (b) => withField(b, 'journey.moneySpent', { amount: 5 }), 'journey.moneySpent.currency'],
    // characters PostgreSQL text and jsonb cannot hold
    ['a NUL character in givenName', (b) => withField(b, 'identity.givenName', 'Ami\u0000nata'), 'identity.givenName'],
    ['a NUL character in a route place', (b) => withField(b, 'journey.route', ['Gao\u0000']), 'journey.route'],
    ['an unpaired surrogate in journey.placeOfOrigin (jsonb)', (b) => withField(b, 'journey.placeOfOrigin', 'Kindia \ud800'), 'journey.placeOfOrigin'],
    ['an unpaired surrogate in familyName', (b) => withField(b, 'identity.familyName', '\udc00Traoré'), 'identity.familyName'],
    ['a blank givenName (spaces only)', (b) => withField(b, 'identity.givenName', '   '), 'identity.givenName'],
  ];

  it.each(cases)('%s', async (_label, mutate, field) => {
    await expectRefused(() => post(cwA1, mutate(validBody(site()))), field);
  });

  it('a body that is not an object (an array, a string, a number) → 400, nothing written', async () => {
    for (const body of [[validBody(site())], '"x"', '42', 'null']) {
      const before = await written();
      const res = await as(t, cwA1).post(CASES).set('content-type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await written()).toEqual(before);
    }
  });

  it('malformed JSON → 400 MALFORMED_JSON; a non-JSON content type → 415; nothing written', async () => {
    await expectRefused(() => as(t, cwA1).post(CASES).set('content-type', 'application/json').send('{"siteId": '), '', 400, 'MALFORMED_JSON');
    await expectRefused(() => as(t, cwA1).post(CASES).set('content-type', 'text/plain').send(JSON.stringify(validBody(site()))), '', 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a body over 1 MiB → 413 PAYLOAD_TOO_LARGE, nothing written', async () => {
    const body = withField(validBody(site()), 'identity.givenName', 'A'.repeat(1024 * 1024 + 10));
    await expectRefused(() => post(cwA1, body), '', 413, 'PAYLOAD_TOO_LARGE');
    // ...also when the bulk is an array of many small items.
    const many = withField(validBody(site()), 'journey.route', Array(200_000).fill('Gao'));
    expect(JSON.stringify(many).length).toBeGreaterThan(1024 * 1024);
    await expectRefused(() => post(cwA1, many), '', 413, 'PAYLOAD_TOO_LARGE');
  });

  it('errors list every bad field at once (not only the first)', async () => {
    const body = withField(withField(withField(validBody(site()), 'identity.nationality', 'XX'), 'identity.sex', 5), 'extra', 1);
    const problem = await expectRefused(() => post(cwA1, body), 'identity.nationality');
    expect(problem.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['identity.nationality', 'identity.sex', 'extra']));
  });
});

describe('PATCH /cases/{id} with bad input → 400, version unchanged, nothing written', () => {
  let id: string;
  beforeAll(async () => {
    const res = await post(cwA1, validBody(A.sites[0].id));
    expect(res.status).toBe(201);
    id = res.body.id;
  });
  const patch = (body: unknown, version = '"1"') => as(t, cwA1).patch(`${CASES}/${id}`).set('if-match', version).send(body as object);

  const patches: [string, unknown, string][] = [
    ['an unknown field', { status: 'closed' }, 'status'],
    ['a server-set field (version)', { version: 7 }, 'version'],
    ['a server-set field (caseNumber)', { caseNumber: 'X-2026-000001' }, 'caseNumber'],
    ['an unknown nested field', { identity: { isAdmin: true } }, 'identity.isAdmin'],
    ['nationality "XX"', { identity: { nationality: 'XX' } }, 'identity.nationality'],
    ['a future dateOfBirth', { identity: { dateOfBirth: `${YEAR + 1}-01-01` } }, 'identity.dateOfBirth'],
    ['an impossible date', { identity: { dateOfBirth: '2001-02-30' } }, 'identity.dateOfBirth'],
    ['an empty givenName', { identity: { givenName: '' } }, 'identity.givenName'],
    ['a blank familyName', { identity: { familyName: '  ' } }, 'identity.familyName'],
    ['a 10,000-character givenName', { identity: { givenName: 'x'.repeat(10_000) } }, 'identity.givenName'],
    ['route of 10,000 items', { journey: { route: Array(10_000).fill('Gao') } }, 'journey.route'],
    ['an unknown vulnerability', { vulnerabilities: ['rich'] }, 'vulnerabilities'],
    ['identity: "x"', { identity: 'x' }, 'identity'],
    ['contact.phone: 5', { contact: { phone: 5 } }, 'contact.phone'],
    ['moneySpent in "XXY"', { journey: { moneySpent: { amount: 1, currency: 'XXY' } } }, 'journey.moneySpent.currency'],
    ['a malformed householdId', { householdId: 'h1' }, 'householdId'],
    ['contact: null (the section is an object, not nullable)', { contact: null }, 'contact'],
    ['documents: null', { documents: null }, 'documents'],
    ['journey: null', { journey: null }, 'journey'],
    ['vulnerabilities: "elderly" (not a list)', { vulnerabilities: 'elderly' }, 'vulnerabilities'],
    ['household: null', { household: null }, 'household'],
    ['sensitive: [] (not an object)', { sensitive: [] }, 'sensitive'],
    ['identity.givenName: null', { identity: { givenName: null } }, 'identity.givenName'],
    ['identity.sex: null', { identity: { sex: null } }, 'identity.sex'],
  ];

  it.each(patches)('%s', async (_label, body, field) => {
    await expectRefused(() => patch(body), field);
    expect(await t.db.row('SELECT version FROM cases WHERE id = $1', [id])).toEqual({ version: 1 });
    const res = await as(t, cwA1).get(`${CASES}/${id}`).expect(200);
    expect(res.headers.etag).toBe('"1"');
  });

  it('a body over 1 MiB → 413, version unchanged', async () => {
    await expectRefused(() => patch({ contact: { address: 'x'.repeat(1024 * 1024 + 1) } }), '', 413, 'PAYLOAD_TOO_LARGE');
    expect(await t.db.row('SELECT version FROM cases WHERE id = $1', [id])).toEqual({ version: 1 });
  });

  it('the same valid edit is then accepted (control): 200, version 2', async () => {
    const res = await patch({ contact: { phone: '+22376000000' } });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
  });
});

describe('GET /cases with bad query parameters → 400 naming the parameter', () => {
  const queries: [string, string][] = [
    ['limit=201', 'limit'],
    ['limit=1000000', 'limit'],
    ['limit=0', 'limit'],
    ['limit=-5', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=2.5', 'limit'],
    ['nationality=XX', 'nationality'],
    ['nationality=gin', 'nationality'],
    ['status=pending', 'status'],
    ['siteId=site-1', 'siteId'],
    ['assignedTo=me', 'assignedTo'],
    ['vulnerability=rich', 'vulnerability'],
    ['registeredFrom=2026-02-30', 'registeredFrom'],
    ['registeredTo=yesterday', 'registeredTo'],
    [`q=${'a'.repeat(201)}`, 'q'],
    ['q=%00', 'q'],
    ['q=ami%00nata', 'q'],
    ['unknown=1', 'unknown'],
  ];
  it.each(queries)('GET /cases?%s', async (query, field) => {
    await expectRefused(() => as(t, mgrA).get(`${CASES}?${query}`), field);
  });

  it('a forged cursor → 400 INVALID_CURSOR', async () => {
    const res = await as(t, mgrA).get(`${CASES}?cursor=${encodeURIComponent('eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA')}`);
    expectProblem(res, 400, 'INVALID_CURSOR');
  });

  it('limit=200 is accepted (the documented maximum)', async () => {
    const res = await as(t, mgrA).get(`${CASES}?limit=200`).expect(200);
    expect(res.body.items.length).toBeLessThanOrEqual(200);
  });
});
