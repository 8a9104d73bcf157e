// Issue 9 / DESIGN §2 for returns, as a property over HTTP: for any user, GET /returns (paged to
// the end, with or without a status filter) returns exactly the returns for which
// GET /returns/{id} answers 200, every other one answers 404 (never 403), and both equal the rule
// written here independently of the server's CASL rules: a return is seen by the managers of the
// case's organization, and by its caseworkers when the case is at one of their sites or assigned
// to them — now, after any reassignment; nobody else (analysts, auditors, other organizations).
import fc from 'fast-check';
import type { Role } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2_147_483_647);
const ORGS = 2;
const SITES = 2;
const RANDOM_USERS = 4;
const CASES_PER_ORG = 8;
const NUM_RUNS = 25;
const ROLE_SETS: Role[][] = [['caseworker'], ['caseworker'], ['manager'], ['analyst'], ['auditor'], ['caseworker', 'analyst']];
const STATUSES = ['draft', 'submitted', 'cancelled'] as const;

interface PoolUser {
  user: TestUser;
  org: number;
  roles: Role[];
  siteIds: string[];
}
interface PoolReturn {
  id: string;
  caseId: string;
  org: number;
  siteId: string;
  assignee: string | null;
  status: (typeof STATUSES)[number];
}

let t: TestApp;
const orgs: TestOrg[] = [];
const managers: TestUser[] = [];
const users: PoolUser[] = [];
const returns: PoolReturn[] = [];

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  const rnd = fc.sample(
    fc.record({
      users: fc.array(fc.record({ roles: fc.constantFrom(...ROLE_SETS), sites: fc.array(fc.boolean(), { minLength: SITES, maxLength: SITES }) }), { minLength: ORGS * RANDOM_USERS, maxLength: ORGS * RANDOM_USERS }),
      cases: fc.array(fc.record({ site: fc.nat(SITES - 1), assignee: fc.option(fc.nat(RANDOM_USERS - 1), { nil: null }), status: fc.constantFrom(...STATUSES) }), {
        minLength: ORGS * CASES_PER_ORG,
        maxLength: ORGS * CASES_PER_ORG,
      }),
    }),
    { seed: SEED, numRuns: 1 },
  )[0];
  for (let o = 0; o < ORGS; o++) {
    const org = await makeOrg(t, { capabilities: ['return'], sites: Array.from({ length: SITES }, () => ({})) });
    orgs.push(org);
    managers.push(await makeUser(t, org, ['manager']));
    for (let i = 0; i < RANDOM_USERS; i++) {
      const spec = rnd.users[o * RANDOM_USERS + i];
      const siteIds = org.sites.filter((_, k) => spec.sites[k]).map((s) => s.id);
      users.push({ user: await makeUser(t, org, spec.roles, { siteIds }), org: o, roles: spec.roles, siteIds });
    }
    for (let k = 0; k < CASES_PER_ORG; k++) {
      const spec = rnd.cases[o * CASES_PER_ORG + k];
      const mgr = as(t, managers[o]);
      const siteId = org.sites[spec.site].id;
      const c = await mgr
        .post('/api/v1/cases')
        .send({ siteId, identity: { givenName: 'Awa', familyName: `Sidibé ${o}-${k}`, sex: 'female', birthYear: 1998, nationality: 'MLI' }, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } })
        .expect(201);
      const candidate = spec.assignee === null ? null : users.filter((x) => x.org === o)[spec.assignee];
      const assignee = candidate && candidate.roles.some((r) => r === 'caseworker' || r === 'manager') ? candidate.user.user.id : null;
      if (assignee) await mgr.post(`/api/v1/cases/${c.body.id}/assign`).send({ userId: assignee }).expect(200);
      const r = await mgr.post(`/api/v1/cases/${c.body.id}/returns`).send({ destinationCountry: 'GIN', destinationLocality: 'Kankan', mode: 'road' }).expect(201);
      if (spec.status === 'cancelled') await mgr.post(`/api/v1/returns/${r.body.id}/cancel`).send({ reason: 'changed their mind' }).expect(200);
      if (spec.status === 'submitted') {
        await mgr.post(`/api/v1/cases/${c.body.id}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201);
        await mgr
          .post(`/api/v1/cases/${c.body.id}/screenings`)
          .send({ wishesToReturn: true, countryOfReturn: 'GIN', nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'valid', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' })
          .expect(201);
        await mgr.post(`/api/v1/returns/${r.body.id}/submit`).send({}).expect(200);
      }
      returns.push({ id: r.body.id, caseId: c.body.id, org: o, siteId, assignee, status: spec.status });
    }
  }
}, 180_000);
afterAll(() => t?.close());

/** The rule, from DESIGN §1–2 and issue 9, independent of the server's rules. */
function mayRead(u: PoolUser, r: PoolReturn): boolean {
  if (u.org !== r.org) return false;
  if (u.roles.includes('manager')) return true;
  return u.roles.includes('caseworker') && (u.siteIds.includes(r.siteId) || r.assignee === u.user.user.id);
}
const canList = (u: PoolUser) => u.roles.includes('manager') || u.roles.includes('caseworker');

async function listAll(u: PoolUser, limit: number, status: string | null): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ limit: String(limit), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await as(t, u.user).get(`/api/v1/returns?${q}`);
    expect(res.status).toBe(200);
    out.push(...res.body.items.map((x) => x.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

describe(`returns: the list never shows what a single read refuses, and vice versa (seed ${SEED})`, () => {
  it('over random users, page sizes, status filters and reassignments', async () => {
    const actor = fc.nat(users.length - 1);
    const reassign = fc.option(fc.record({ ret: fc.nat(returns.length - 1), to: fc.nat(RANDOM_USERS) }), { nil: null });
    await fc.assert(
      fc.asyncProperty(actor, fc.integer({ min: 1, max: 7 }), fc.option(fc.constantFrom(...STATUSES), { nil: null }), reassign, async (i, limit, status, move) => {
        if (move) {
          // A manager reassigns a case: the caseworkers who see its return change at once.
          const r = returns[move.ret];
          const pool = users.filter((x) => x.org === r.org && x.roles.some((role) => role === 'caseworker' || role === 'manager'));
          const to = pool[move.to % Math.max(pool.length, 1)];
          if (to) {
            await as(t, managers[r.org]).post(`/api/v1/cases/${r.caseId}/assign`).send({ userId: to.user.user.id }).expect(200);
            r.assignee = to.user.user.id;
          }
        }
        const u = users[i];
        const expected = returns.filter((r) => mayRead(u, r) && (!status || r.status === status)).map((r) => r.id);
        if (canList(u)) expect((await listAll(u, limit, status)).sort()).toEqual(expected.sort());
        else expectProblem(await as(t, u.user).get('/api/v1/returns'), 403, 'FORBIDDEN');
        for (const r of returns) {
          const res = await as(t, u.user).get(`/api/v1/returns/${r.id}`);
          if (mayRead(u, r)) expect(res.status).toBe(200);
          else expectProblem(res, 404, 'NOT_FOUND');
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
