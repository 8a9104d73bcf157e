// Issue 5 / DESIGN §2 for cases (and issue 6 for referrals and the shared view), as a property over HTTP: for any user, GET /cases (paged to the
// end, with or without filters or a name query) returns exactly the cases for which GET /cases/{id}
// answers 200, every other case answers 404 (never 403), and both equal the design's rule, written
// here independently of the server's CASL rules: caseworkers see their organization's cases at
// their sites or assigned to them, managers all of their organization's, analysts none.
//
// The pool (2 organizations × 3 sites, users with random roles and site subsets, cases at random
// sites with random assignees, some closed) is built once through the API from PROPERTY_SEED; fast-
// check then picks the actors, page sizes, filters and reassignments.
import fc from 'fast-check';
import type { Role } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2_147_483_647);
const CASES = '/api/v1/cases';
const ORGS = 2;
const SITES = 3;
const USERS_PER_ORG = 5; // a manager (registers, assigns, closes), an analyst, a caseworker, two random
const CASES_PER_ORG = 13;
const NUM_RUNS = 40;
const CONSENT = { purpose: 'registration', basis: 'consent', method: 'verbal' };

const ROLE_SETS: Role[][] = [['caseworker'], ['caseworker'], ['caseworker'], ['manager'], ['analyst'], ['caseworker', 'analyst'], ['auditor']];
const GIVEN = ['Aminata', 'Mamadou', 'Fatoumata', 'Ousmane', 'Aïssata', 'Ibrahim', 'Mariam', 'Seydou', 'Kadiatou', 'Boubacar', 'Hawa', 'Moussa', 'Adama'];
const FAMILY = ['Traoré', 'Diallo', 'Coulibaly', 'Koné', 'Maïga', 'Touré', 'Sangaré', 'Keïta', 'Bah', 'Cissé', 'Doumbia', 'Sissoko', 'Ouédraogo'];
const NATIONALITIES = ['GIN', 'MLI', 'CIV', 'SEN', 'BFA'];

interface UserSpec {
  roles: Role[];
  sites: boolean[];
}
interface CaseSpec {
  site: number;
  assignee: number | null;
  closed: boolean;
  nationality: string;
}
interface OrgSpec {
  users: UserSpec[];
  cases: CaseSpec[];
}
const poolArb: fc.Arbitrary<OrgSpec[]> = fc.array(
  fc.record({
    users: fc.array(fc.record({ roles: fc.constantFrom(...ROLE_SETS), sites: fc.array(fc.boolean(), { minLength: SITES, maxLength: SITES }) }), {
      minLength: USERS_PER_ORG - 2,
      maxLength: USERS_PER_ORG - 2,
    }),
    cases: fc.array(
      fc.record({
        site: fc.nat(SITES - 1),
        assignee: fc.option(fc.nat(USERS_PER_ORG - 1), { nil: null, freq: 2 }),
        closed: fc.boolean(),
        nationality: fc.constantFrom(...NATIONALITIES),
      }),
      { minLength: CASES_PER_ORG, maxLength: CASES_PER_ORG },
    ),
  }),
  { minLength: ORGS, maxLength: ORGS },
);

interface PoolUser extends TestUser {
  org: number;
  roles: Role[];
  siteIds: string[];
  label: string;
  [fc.toStringMethod]: () => string;
}
interface PoolCase {
  id: string;
  org: number;
  siteId: string;
  assignedTo: string | null;
  status: 'open' | 'closed';
  nationality: string;
  name: string;
  /** The case's active referral consent (covering every organization), if any. */
  referralConsent: string | null;
  [fc.toStringMethod]: () => string;
}
interface PoolReferral {
  id: string;
  caseId: string;
  from: number;
  to: number;
  createdBy: string;
  status: 'pending' | 'accepted' | 'declined' | 'completed' | 'cancelled';
}

let t: TestApp;
const referrals: PoolReferral[] = [];
const orgs: TestOrg[] = [];
const users: PoolUser[] = [];
const cases: PoolCase[] = [];
const managerOf = (org: number) => users.find((u) => u.org === org && u.roles.includes('manager'))!;

const mayList = (u: PoolUser) => u.roles.some((r) => r === 'caseworker' || r === 'manager');
const live = (r: PoolReferral) => r.status === 'pending' || r.status === 'accepted';
/** DESIGN §2: a live referral to the user's organization, with the case's referral consent active. */
const sharedWith = (u: PoolUser, c: PoolCase) =>
  mayList(u) && u.org !== c.org && c.referralConsent !== null && referrals.some((r) => r.caseId === c.id && r.to === u.org && live(r));
/** DESIGN §2, from the pool's own records: the oracle the server must agree with. */
function sees(u: PoolUser, c: PoolCase): boolean {
  if (u.org !== c.org) return sharedWith(u, c);
  if (u.roles.includes('manager')) return true;
  return u.roles.includes('caseworker') && (u.siteIds.includes(c.siteId) || c.assignedTo === u.user.id);
}
/** DESIGN §4: the receiving organization sees its referrals; the sender's managers all, caseworkers their cases' and their own. */
function seesReferral(u: PoolUser, r: PoolReferral): boolean {
  if (!mayList(u)) return false;
  if (u.org === r.to) return true;
  if (u.org !== r.from) return false;
  if (u.roles.includes('manager')) return true;
  const c = cases.find((x) => x.id === r.caseId)!;
  return u.siteIds.includes(c.siteId) || c.assignedTo === u.user.id || r.createdBy === u.user.id;
}

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_MINUTE: '1000000' } });
  const [pool] = fc.sample(poolArb, { numRuns: 1, seed: SEED });
  for (const [o, spec] of pool.entries()) {
    const org = await makeOrg(t, { sites: Array.from({ length: SITES }, () => ({})) });
    orgs.push(org);
    const members: PoolUser[] = [];
    // Every organization has a manager, an analyst and a caseworker; the rest is random.
    const [first, ...rest] = spec.users;
    const specs: UserSpec[] = [{ roles: ['manager'], sites: [false, false, false] }, { roles: ['analyst'], sites: [true, true, true] }, { ...first, roles: ['caseworker'] }, ...rest];
    for (const [i, u] of specs.entries()) {
      const siteIds = org.sites.filter((_, s) => u.sites[s]).map((s) => s.id);
      const made = await makeUser(t, org, u.roles, { siteIds });
      const label = `org${o}.user${i} [${u.roles.join('+')}] sites ${u.sites.map((b, s) => (b ? s : '')).join('')}`;
      members.push({ ...made, org: o, roles: u.roles, siteIds, label, [fc.toStringMethod]: () => label });
    }
    users.push(...members);
    const manager = members[0];
    for (const [k, c] of spec.cases.entries()) {
      const siteId = org.sites[c.site].id;
      // Registered by a caseworker of the site when there is one, else by the manager.
      const registrar = members.find((m) => m.roles.includes('caseworker') && m.siteIds.includes(siteId)) ?? manager;
      const name = { givenName: GIVEN[(k + o) % GIVEN.length], familyName: FAMILY[(k * 5 + o) % FAMILY.length] };
      const res = await as(t, registrar)
        .post(CASES)
        .send({ siteId, identity: { ...name, sex: 'unknown', birthYear: 1980 + k, nationality: c.nationality }, consent: CONSENT });
      if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
      const label = `org${o}.case${k} site ${c.site}`;
      const pc: PoolCase = { id: res.body.id, org: o, siteId, assignedTo: null, status: 'open', nationality: c.nationality, name: `${name.givenName} ${name.familyName}`, referralConsent: null, [fc.toStringMethod]: () => label };
      const assignee = c.assignee === null ? null : members[c.assignee];
      if (assignee && mayList(assignee)) {
        await as(t, manager).post(`${CASES}/${pc.id}/assign`).send({ userId: assignee.user.id }).expect(200);
        pc.assignedTo = assignee.user.id;
      }
      if (c.closed) {
        await as(t, manager).post(`${CASES}/${pc.id}/close`).send({ reason: 'lost_contact' }).expect(200);
        pc.status = 'closed';
      }
      cases.push(pc);
    }
  }
}, 180_000);
afterAll(() => t?.close());

async function listAll(u: PoolUser, params: Record<string, string>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const res = await as(t, u).get(`${CASES}?${new URLSearchParams({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) })}`);
    expect({ actor: u.label, status: res.status }).toEqual({ actor: u.label, status: 200 });
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor;
    if (!cursor) {
      expect(new Set(ids).size).toBe(ids.length); // no page repeats a case
      return ids;
    }
  }
  throw new Error('the list did not end after 200 pages');
}

/** GET /cases/{id} for every case of the pool: the ids answering 200 (the others must be 404). */
async function readable(u: PoolUser): Promise<string[]> {
  const answers = await Promise.all(cases.map((c) => as(t, u).get(`${CASES}/${c.id}`)));
  const ok: string[] = [];
  for (const [i, res] of answers.entries()) {
    if (res.status === 200) {
      expect(res.body.id).toBe(cases[i].id);
      if (cases[i].org !== u.org) {
        // A shared view: identity and the listed section (vulnerabilities), never the rest.
        expect({ actor: u.label, case: cases[i].id, fields: Object.keys(res.body).filter((k) => ['contact', 'journey', 'sensitive', 'siteId', 'assignedTo'].includes(k)) }).toEqual({ actor: u.label, case: cases[i].id, fields: [] });
      }
      ok.push(cases[i].id);
    } else {
      // DESIGN §2: hidden is 404, never 403 (no existence leak).
      expect({ actor: u.label, case: cases[i].id, status: res.status }).toEqual({ actor: u.label, case: cases[i].id, status: 404 });
      expectProblem(res, 404, 'NOT_FOUND');
    }
  }
  return ok;
}

/**
 * GET `url` → 403 FORBIDDEN. The denial is audited after the answer is sent: wait for its event,
 * so that no audit write is still running when the app closes.
 */
let denials = 0;
async function expectDenied(u: PoolUser, url: string): Promise<void> {
  const requestId = `cases-property-denied-${++denials}-${SEED}`;
  expectProblem(await as(t, u).get(url).set('x-request-id', requestId), 403, 'FORBIDDEN');
  for (let i = 0; !(await t.db.row("SELECT 1 FROM audit_events WHERE request_id = $1 AND action = 'access.denied'", [requestId])); i++) {
    if (i > 100) throw new Error(`the denial of ${url} was not audited`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sorted = (ids: string[]) => [...ids].sort();
const actorArb = () => fc.constantFrom(...users);
const limitArb = fc.integer({ min: 1, max: 10 });
const params = (numRuns = NUM_RUNS) => ({ numRuns, seed: SEED });

/** A name query returns only visible cases, and finds the named case exactly when it is visible (shared views included). */
async function checkNameSearch(u: PoolUser, target: PoolCase): Promise<void> {
  const res = await as(t, u).get(`${CASES}?${new URLSearchParams({ q: target.name, limit: '200' })}`).expect(200);
  const found: string[] = res.body.items.map((i: { id: string }) => i.id);
  const visible = new Set(cases.filter((c) => sees(u, c)).map((c) => c.id));
  expect({ actor: u.label, leaked: found.filter((id) => !visible.has(id)) }).toEqual({ actor: u.label, leaked: [] });
  expect({ actor: u.label, target: target.id, found: found.includes(target.id) }).toEqual({ actor: u.label, target: target.id, found: visible.has(target.id) });
  // A row shows what the rules grant (the search judges it in SQL): the record (site, assignee)
  // of the organization's own cases only; the vulnerabilities of own cases and of shared ones
  // (every referral here shares them).
  for (const row of res.body.items as { id: string; siteId?: string; vulnerabilities?: string[] }[]) {
    const own = cases.find((c) => c.id === row.id)!.org === u.org;
    expect({ actor: u.label, row: row.id, record: 'siteId' in row, vulnerabilities: 'vulnerabilities' in row }).toEqual({ actor: u.label, row: row.id, record: own, vulnerabilities: true });
  }
}

/** Checks one actor: the list, the single reads and the oracle all agree; returns the visible ids. */
async function checkActor(u: PoolUser, limit: number): Promise<void> {
  const expected = sorted(cases.filter((c) => sees(u, c)).map((c) => c.id));
  const ok = sorted(await readable(u));
  expect({ actor: u.label, readable: ok }).toEqual({ actor: u.label, readable: expected });
  if (!mayList(u)) {
    // No rule to read any case (analysts, auditors): the list is refused outright.
    await expectDenied(u, CASES);
    return;
  }
  const listed = sorted(await listAll(u, {}, limit));
  expect({ actor: u.label, listed }).toEqual({ actor: u.label, listed: ok });
}

describe(`cases: list = single-record read = DESIGN §2 (seed ${SEED})`, () => {
  it('the pool has what the property needs: every role kind, cases of both organizations, assigned and closed ones', () => {
    expect(users).toHaveLength(ORGS * USERS_PER_ORG);
    for (const role of ['manager', 'caseworker', 'analyst'] as Role[]) expect(users.filter((u) => u.roles.includes(role)).length).toBeGreaterThanOrEqual(ORGS);
    expect(cases).toHaveLength(ORGS * CASES_PER_ORG);
    expect(new Set(cases.map((c) => c.org)).size).toBe(ORGS);
    expect(cases.some((c) => c.assignedTo)).toBe(true);
    expect(cases.some((c) => c.status === 'closed')).toBe(true);
    // Not everyone sees everything: the property would be vacuous otherwise.
    expect(users.filter(mayList).some((u) => cases.some((c) => c.org === u.org && !sees(u, c)))).toBe(true);
  });

  it('for any actor, GET /cases (all pages, any page size) = the cases GET /cases/{id} answers 200 for; all others 404', async () => {
    await fc.assert(
      fc.asyncProperty(actorArb(), limitArb, async (u, limit) => checkActor(u, limit)),
      params(),
    );
  });

  it('with filters (site, status, nationality, assignee), the list = the visible cases matching them', async () => {
    const filterArb = fc.record(
      {
        site: fc.tuple(fc.nat(ORGS - 1), fc.nat(SITES - 1)),
        status: fc.constantFrom('open', 'closed'),
        nationality: fc.constantFrom(...NATIONALITIES),
        assignee: fc.constantFrom(...users),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(actorArb().filter(mayList), limitArb, filterArb, async (u, limit, f) => {
        const query: Record<string, string> = {};
        if (f.site) query.siteId = orgs[f.site[0]].sites[f.site[1]].id;
        if (f.status) query.status = f.status;
        if (f.nationality) query.nationality = f.nationality;
        if (f.assignee) query.assignedTo = f.assignee.user.id;
        const expected = cases
          .filter((c) => sees(u, c))
          .filter((c) => (!query.siteId || c.siteId === query.siteId) && (!f.status || c.status === f.status) && (!f.nationality || c.nationality === f.nationality) && (!f.assignee || c.assignedTo === f.assignee.user.id))
          .map((c) => c.id);
        expect({ actor: u.label, query, listed: sorted(await listAll(u, query, limit)) }).toEqual({ actor: u.label, query, listed: sorted(expected) });
      }),
      params(),
    );
  });

  it('a name query returns only visible cases, and finds the named case exactly when it is visible', async () => {
    await fc.assert(
      fc.asyncProperty(actorArb().filter(mayList), fc.constantFrom(...cases), async (u, target) => checkNameSearch(u, target)),
      params(),
    );
  });

  it('after a reassignment, the previous and the new assignee (and anyone else) still get list = reads = the rule', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), fc.nat(USERS_PER_ORG * ORGS), actorArb(), limitArb, async (c, pick, other, limit) => {
        const candidates = users.filter((u) => u.org === c.org && mayList(u));
        const to = candidates[pick % candidates.length];
        const previous = users.find((u) => u.user.id === c.assignedTo);
        await as(t, managerOf(c.org)).post(`${CASES}/${c.id}/assign`).send({ userId: to.user.id }).expect(200);
        c.assignedTo = to.user.id;
        for (const u of new Set([to, ...(previous ? [previous] : []), other])) await checkActor(u, limit);
      }),
      params(15),
    );
  });
});

// ---- issue 6: referrals and the shared view ---------------------------------------------------------

async function listAllReferrals(u: PoolUser, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const res = await as(t, u).get(`/api/v1/referrals?${new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) })}`);
    expect({ actor: u.label, status: res.status }).toEqual({ actor: u.label, status: 200 });
    ids.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('the referral list did not end after 200 pages');
}

/** Referrals: GET /referrals (all pages) = those GET /referrals/{id} answers 200 for = the rule; the rest 404. */
async function checkReferrals(u: PoolUser, limit: number): Promise<void> {
  const answers = await Promise.all(referrals.map((r) => as(t, u).get(`/api/v1/referrals/${r.id}`)));
  const ok: string[] = [];
  for (const [i, res] of answers.entries()) {
    const r = referrals[i];
    if (res.status === 200) {
      ok.push(r.id);
      // The receiver's `case` is the shared view while the referral is live and consented, else null.
      if (u.org === r.to) {
        const c = cases.find((x) => x.id === r.caseId)!;
        expect({ actor: u.label, referral: r.id, case: res.body.case !== null }).toEqual({ actor: u.label, referral: r.id, case: sharedWith(u, c) && live(r) });
      }
    } else {
      expect({ actor: u.label, referral: r.id, status: res.status }).toEqual({ actor: u.label, referral: r.id, status: 404 });
    }
  }
  expect({ actor: u.label, readable: sorted(ok) }).toEqual({ actor: u.label, readable: sorted(referrals.filter((r) => seesReferral(u, r)).map((r) => r.id)) });
  if (!mayList(u)) {
    await expectDenied(u, '/api/v1/referrals');
    return;
  }
  expect({ actor: u.label, listed: sorted(await listAllReferrals(u, limit)) }).toEqual({ actor: u.label, listed: sorted(ok) });
}

describe(`referrals: lists = single reads = DESIGN §2, §4, for receiving organizations too (seed ${SEED})`, () => {
  const STATUS_PATHS = ['pending', 'accepted', 'declined', 'completed', 'cancelled'] as const;

  it('after any referral (any outcome, consent kept or withdrawn), every actor’s case and referral lists agree with their single reads and the rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases.filter((c) => c.status === 'open')),
        fc.constantFrom(...STATUS_PATHS),
        fc.boolean(),
        actorArb(),
        limitArb,
        async (c, status, withdraw, other, limit) => {
          const sender = managerOf(c.org);
          const receiverOrg = 1 - c.org;
          const answerer = managerOf(receiverOrg);
          if (!c.referralConsent) {
            const k = await as(t, sender).post(`${CASES}/${c.id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed' }).expect(201);
            c.referralConsent = k.body.id;
          }
          const created = await as(t, sender)
            .post(`${CASES}/${c.id}/referrals`)
            .send({ toOrganizationId: orgs[receiverOrg].org.id, serviceType: 'health', urgency: 'normal', reason: 'property', sharedSections: ['vulnerabilities'] });
          expect(created.status).toBe(201);
          const r: PoolReferral = { id: created.body.id, caseId: c.id, from: c.org, to: receiverOrg, createdBy: sender.user.id, status: 'pending' };
          referrals.push(r);
          const step = async (who: PoolUser, action: string, body: object, to: PoolReferral['status']) => {
            await as(t, who).post(`/api/v1/referrals/${r.id}/${action}`).send(body).expect(200);
            r.status = to;
          };
          if (status === 'accepted' || status === 'completed') await step(answerer, 'accept', {}, 'accepted');
          if (status === 'completed') await step(answerer, 'complete', { outcome: 'done' }, 'completed');
          if (status === 'declined') await step(answerer, 'decline', { reason: 'no capacity' }, 'declined');
          if (status === 'cancelled') await step(sender, 'cancel', { reason: 'left' }, 'cancelled');
          if (withdraw) {
            await as(t, sender).post(`${CASES}/${c.id}/consents/${c.referralConsent}/withdraw`).send({}).expect(200);
            c.referralConsent = null;
          }
          const receivers = users.filter((u) => u.org === receiverOrg);
          for (const u of new Set([...receivers, other])) {
            await checkActor(u, limit);
            await checkReferrals(u, limit);
            // The name search scopes the shared view its own way (a probe per case): same answer.
            if (mayList(u)) await checkNameSearch(u, c);
          }
        },
      ),
      params(12),
    );
    // The runs made shared views and ended ones: the property was not vacuous.
    expect(referrals.some(live)).toBe(true);
    expect(referrals.some((r) => !live(r))).toBe(true);
  });
});
