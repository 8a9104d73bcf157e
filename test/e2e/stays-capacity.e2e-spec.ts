// Issue 7, acceptance 1 (DESIGN §5 "capacity is never exceeded, also under concurrent
// check-ins"): a 5-bed shelter, 40 check-ins of 40 different migrants sent at once over HTTP by
// four members of staff → exactly 5 × 201 and 35 × 409 SHELTER_FULL, and the database holds 5
// active stays. Twenty rounds, each on a fresh shelter; the winners are checked out in between,
// so every round starts from the same 40 migrants and an empty shelter.
import { performance } from 'node:perf_hooks';
import { CasesService, SitesService, systemActor } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { actorOf, as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const ROUNDS = 20;
const BEDS = 5;
const MIGRANTS = 40;

let t: TestApp;
let M: TestOrg;
let staff: TestUser[];
let cases: string[];

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  M = await makeOrg(t, { capabilities: ['shelter', 'health'], sites: [{ kind: 'shelter', services: ['shelter'], bedCapacity: 40 }] });
  staff = [await makeUser(t, M, ['caseworker']), await makeUser(t, M, ['caseworker']), await makeUser(t, M, ['manager']), await makeUser(t, M, ['caseworker', 'manager'])];
  const registrar = actorOf(M, staff[2]);
  cases = [];
  for (let i = 0; i < MIGRANTS; i++) {
    const c = await t.app.get(CasesService).register(registrar, {
      siteId: M.sites[0].id,
      identity: { givenName: 'Seydou', familyName: `Coulibaly ${i}`, sex: 'male', birthYear: 1990 + (i % 20), nationality: 'MLI' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
    cases.push(c.case.id);
  }
});
afterAll(() => t?.close());

it(`${ROUNDS} rounds: ${MIGRANTS} parallel check-ins into a ${BEDS}-bed shelter → exactly ${BEDS} × 201, ${MIGRANTS - BEDS} × 409 SHELTER_FULL, ${BEDS} active stays`, async () => {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const site = await t.app.get(SitesService).create(systemActor(), M.org.id, { name: `Shelter round ${round + 1}`, kind: 'shelter', bedCapacity: BEDS, services: ['shelter'] });
    const started = performance.now();
    const answers = await Promise.all(cases.map((caseId, i) => as(t, staff[i % staff.length]).post('/api/v1/stays').send({ caseId, siteId: site.id })));
    times.push(performance.now() - started);

    const won = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status !== 201);
    expect({ round, won: won.length, refused: refused.length }).toEqual({ round, won: BEDS, refused: MIGRANTS - BEDS });
    for (const r of refused) expectProblem(r, 409, 'SHELTER_FULL');
    const rows = await t.db.rows<{ id: string; case_id: string }>(`SELECT id, case_id FROM stays WHERE site_id = $1 AND status = 'active' ORDER BY id`, [site.id]);
    expect(rows.map((r) => r.id)).toEqual(won.map((r) => r.body.id as string).sort());
    expect(new Set(rows.map((r) => r.case_id)).size).toBe(BEDS);
    const occupancy = (await as(t, staff[0]).get(`/api/v1/sites/${site.id}/occupancy`).expect(200)).body;
    expect({ capacity: occupancy.capacity, occupied: occupancy.occupied, free: occupancy.free }).toEqual({ capacity: BEDS, occupied: BEDS, free: 0 });

    // Check the winners out (at once too), so the next round starts from the same 40 migrants.
    const outs = await Promise.all(won.map((r, i) => as(t, staff[i % staff.length]).post(`/api/v1/stays/${r.body.id}/check-out`).send({})));
    expect(outs.map((r) => r.status)).toEqual(won.map(() => 200));
    expect(await t.db.row(`SELECT count(*)::int AS n FROM stays WHERE status = 'active'`)).toEqual({ n: 0 });
  }
  // Nothing else was ever written: BEDS stays per round, each checked in and out once.
  expect(await t.db.row(`SELECT count(*)::int AS n FROM stays`)).toEqual({ n: ROUNDS * BEDS });
  expect(await t.db.row(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'stay.checked_in'`)).toEqual({ n: ROUNDS * BEDS });
  const sorted = [...times].sort((a, b) => a - b);
  const ms = (x: number) => `${Math.round(x)} ms`;
  console.info(`capacity race: ${ROUNDS} rounds of ${MIGRANTS} parallel check-ins; per round min ${ms(sorted[0])}, median ${ms(sorted[Math.floor(ROUNDS / 2)])}, max ${ms(sorted[ROUNDS - 1])}`);
}, 300_000);
