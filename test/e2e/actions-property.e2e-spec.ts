// Issue 20 / API.md "Browser session and permitted actions", as a property over HTTP: over random
// users (roles × organizations × sites × assignment) and records in random states, for each
// record type and each action of its vocabulary, the endpoint the action names is never refused
// for permission or state (403, 404, 409 INVALID_TRANSITION / CONFLICT / CASE_ANONYMIZED) when the
// record's `actions` (read by that user just before) lists it, and always is when it does not.
// What needs other rows (an eligible screening, a consent, what departure needs, a case without a
// stay or return in progress) keeps its own codes and may still answer a listed action.
// Listed actions succeed and change the world, so later steps meet records in other states.
import fc from 'fast-check';
import { CASE_ACTIONS, EXTENSION_ACTIONS, LETTER_ACTIONS, MOVEMENT_ACTIONS, PLAN_ACTION_NAMES, REFERRAL_ACTIONS, RETURN_ACTIONS, type Role, STAY_ACTIONS } from '@passerelle/core';
import { FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, RETURN_BODY, type TestOrg, type TestUser } from '../support/factories.js';

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2_147_483_647);
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 400);
const RANDOM_USERS = 4;
const ROLE_SETS: Role[][] = [['caseworker'], ['caseworker'], ['manager'], ['analyst'], ['caseworker', 'manager']];
const TODAY = '2026-11-23';

/** Refusals for permission or state: what an unlisted action gets, what a listed one never does. */
const REFUSED = new Set(['FORBIDDEN', 'CAPABILITY_REQUIRED', 'SELF_APPROVAL_FORBIDDEN', 'NOT_FOUND', 'INVALID_TRANSITION', 'CONFLICT', 'CASE_ANONYMIZED']);

type Kind = 'case' | 'referral' | 'return' | 'stay' | 'extension' | 'movement' | 'letter' | 'plan';
interface Rec {
  kind: Kind;
  id: string;
  org: number;
  caseId?: string;
  stayId?: string;
}
interface PoolUser {
  user: TestUser;
  org: number;
  label: string;
}
type Agent = ReturnType<typeof as>;
type Res = { status: number; body: Record<string, unknown> & { code?: string; actions?: string[] }; headers: Record<string, string> };

const VOCABULARY: Record<Kind, readonly string[]> = {
  case: CASE_ACTIONS,
  referral: REFERRAL_ACTIONS,
  return: RETURN_ACTIONS,
  stay: STAY_ACTIONS,
  extension: EXTENSION_ACTIONS,
  // edit (adding or removing returns) needs a second approved return to name: left to the movement tests.
  movement: MOVEMENT_ACTIONS.filter((a) => a !== 'edit'),
  letter: LETTER_ACTIONS,
  plan: PLAN_ACTION_NAMES,
};

let t: TestApp;
const clock = new FixedClock(new Date(`${TODAY}T08:00:00Z`));
const orgs: TestOrg[] = [];
const staff: { m1: TestUser; m2: TestUser; cw: TestUser }[] = [];
const users: PoolUser[] = [];
const records: Rec[] = [];
const caseOrg = new Map<string, number>();

const SCREENING = { wishesToReturn: true, countryOfReturn: 'GIN', nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'valid', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' };

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  const rnd = fc.sample(
    fc.record({
      users: fc.array(fc.record({ roles: fc.constantFrom(...ROLE_SETS), sites: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }) }), { minLength: 2 * RANDOM_USERS, maxLength: 2 * RANDOM_USERS }),
      cases: fc.array(fc.record({ site: fc.nat(1), assignee: fc.option(fc.nat(RANDOM_USERS + 2), { nil: null }) }), { minLength: 16, maxLength: 16 }),
      referrals: fc.array(fc.constantFrom('pending', 'accepted', 'declined', 'completed', 'cancelled'), { minLength: 6, maxLength: 6 }),
      returns: fc.array(fc.record({ status: fc.constantFrom('draft', 'submitted', 'submitted', 'approved', 'cancelled', 'departed'), submitter: fc.constantFrom('m1', 'm2', 'cw') }), { minLength: 6, maxLength: 6 }),
      stays: fc.array(fc.constantFrom('active', 'checked_out', 'pending_by_m1', 'pending_by_cw', 'rejected'), { minLength: 4, maxLength: 4 }),
      letters: fc.array(fc.constantFrom('active', 'revoked'), { minLength: 2, maxLength: 2 }),
      closed: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      plans: fc.array(
        fc.record({ status: fc.constantFrom('draft', 'empty', 'submitted', 'approved', 'in_progress', 'rejected'), submitter: fc.constantFrom('m1', 'm2', 'cw'), site: fc.nat(1) }),
        { minLength: 4, maxLength: 4 },
      ),
    }),
    { seed: SEED, numRuns: 1 },
  )[0];

  // Organization 0 holds every capability; organization 1 no `return`, `indulgence_letter` nor `reintegration` (403 CAPABILITY_REQUIRED).
  const capabilities = [
    ['information', 'health', 'shelter', 'return', 'indulgence_letter', 'reintegration'],
    ['information', 'health', 'shelter'],
  ] as const;
  for (let o = 0; o < 2; o++) {
    const org = await makeOrg(t, { capabilities: [...capabilities[o]], sites: [{}, {}, { kind: 'shelter', services: ['shelter'], bedCapacity: 50 }] });
    orgs.push(org);
    const s = { m1: await makeUser(t, org, ['manager']), m2: await makeUser(t, org, ['manager']), cw: await makeUser(t, org, ['caseworker']) };
    staff.push(s);
    users.push({ user: s.m1, org: o, label: `manager 1 of ${o}` }, { user: s.m2, org: o, label: `manager 2 of ${o}` }, { user: s.cw, org: o, label: `caseworker of ${o}` });
    for (let i = 0; i < RANDOM_USERS; i++) {
      const spec = rnd.users[o * RANDOM_USERS + i];
      const siteIds = org.sites.filter((_, k) => k < 2 && spec.sites[k]).map((x) => x.id);
      users.push({ user: await makeUser(t, org, spec.roles, { siteIds }), org: o, label: `${spec.roles.join('+')} at ${siteIds.length} site(s) of ${o}` });
    }
  }

  const caseUsers = (o: number) => users.filter((u) => u.org === o && u.user.user.roles.some((r) => r === 'caseworker' || r === 'manager'));
  const cases: string[][] = [[], []];
  for (let o = 0; o < 2; o++) {
    const m1 = as(t, staff[o].m1);
    for (let k = 0; k < 8; k++) {
      const spec = rnd.cases[o * 8 + k];
      const c = await m1
        .post('/api/v1/cases')
        .send({
          siteId: orgs[o].sites[spec.site].id,
          identity: { givenName: 'Awa', familyName: `Sidibé ${o}-${k}`, sex: 'female', birthYear: 1998, nationality: 'GIN' },
          sensitive: { narrative: 'protection narrative' },
          consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
        })
        .expect(201);
      const id = c.body.id as string;
      cases[o].push(id);
      caseOrg.set(id, o);
      const pool = caseUsers(o);
      if (spec.assignee !== null && pool.length) await m1.post(`/api/v1/cases/${id}/assign`).send({ userId: pool[spec.assignee % pool.length].user.user.id }).expect(200);
      await m1.post(`/api/v1/cases/${id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [orgs[1 - o].org.id] }).expect(201);
      await m1.post(`/api/v1/cases/${id}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201);
      await m1.post(`/api/v1/cases/${id}/screenings`).send(SCREENING).expect(201);
      records.push({ kind: 'case', id, org: o });
    }
  }

  // Referrals: three each way, in random states.
  for (let o = 0; o < 2; o++) {
    for (let k = 0; k < 3; k++) {
      const caseId = cases[o][k];
      const sender = as(t, staff[o].m1);
      const receiver = as(t, staff[1 - o].m1);
      const r = await sender
        .post(`/api/v1/cases/${caseId}/referrals`)
        .send({ toOrganizationId: orgs[1 - o].org.id, serviceType: 'health', urgency: 'normal', reason: 'needs care', sharedSections: ['identity'] })
        .expect(201);
      const id = r.body.id as string;
      const status = rnd.referrals[o * 3 + k];
      if (status === 'accepted' || status === 'completed') await receiver.post(`/api/v1/referrals/${id}/accept`).send({}).expect(200);
      if (status === 'completed') await receiver.post(`/api/v1/referrals/${id}/complete`).send({ outcome: 'seen' }).expect(200);
      if (status === 'declined') await receiver.post(`/api/v1/referrals/${id}/decline`).send({ reason: 'no room' }).expect(200);
      if (status === 'cancelled') await sender.post(`/api/v1/referrals/${id}/cancel`).send({ reason: 'no longer needed' }).expect(200);
      records.push({ kind: 'referral', id, org: o, caseId });
    }
  }

  // Returns (organization 0): cases 0–5, submitted by either manager or the caseworker (maker-checker).
  const [m1, m2, cw] = [as(t, staff[0].m1), as(t, staff[0].m2), as(t, staff[0].cw)];
  for (let k = 0; k < 6; k++) {
    const spec = rnd.returns[k];
    const caseId = cases[0][k];
    const id = (await m1.post(`/api/v1/cases/${caseId}/returns`).send(RETURN_BODY).expect(201)).body.id as string;
    const submitter = { m1, m2, cw }[spec.submitter];
    if (spec.status === 'cancelled') await m1.post(`/api/v1/returns/${id}/cancel`).send({ reason: 'changed their mind' }).expect(200);
    if (['submitted', 'approved', 'departed'].includes(spec.status)) await submitter.post(`/api/v1/returns/${id}/submit`).send({}).expect(200);
    if (['approved', 'departed'].includes(spec.status)) await (spec.submitter === 'm2' ? m1 : m2).post(`/api/v1/returns/${id}/approve`).send({}).expect(200);
    if (spec.status === 'departed') await m1.post(`/api/v1/returns/${id}/depart`).send({}).expect(200);
    records.push({ kind: 'return', id, org: 0, caseId });
  }
  // A movement: a planned convoy with an approved return of its own (case 6).
  {
    const id = (await m1.post(`/api/v1/cases/${cases[0][6]}/returns`).send(RETURN_BODY).expect(201)).body.id as string;
    await cw.post(`/api/v1/returns/${id}/submit`).send({}).expect(200);
    await m1.post(`/api/v1/returns/${id}/approve`).send({}).expect(200);
    const mv = await m1.post('/api/v1/movements').send({ departureDate: '2026-12-01', carrier: 'Sonef', returnIds: [id] }).expect(201);
    records.push({ kind: 'return', id, org: 0, caseId: cases[0][6] }, { kind: 'movement', id: mv.body.id, org: 0 });
  }

  // Stays: two per organization (cases 6 and 7 of organization 1, case 7 of organization 0 and its case 2).
  const stayCases = [
    [cases[0][7], cases[0][2]],
    [cases[1][6], cases[1][7]],
  ];
  for (let o = 0; o < 2; o++) {
    for (let k = 0; k < 2; k++) {
      const spec = rnd.stays[o * 2 + k];
      const [sm1, sm2, scw] = [as(t, staff[o].m1), as(t, staff[o].m2), as(t, staff[o].cw)];
      const stay = await sm1.post('/api/v1/stays').send({ caseId: stayCases[o][k], siteId: orgs[o].sites[2].id }).expect(201);
      const stayId = stay.body.id as string;
      records.push({ kind: 'stay', id: stayId, org: o, caseId: stayCases[o][k] });
      if (spec === 'checked_out') await sm1.post(`/api/v1/stays/${stayId}/check-out`).send({}).expect(200);
      if (spec.startsWith('pending') || spec === 'rejected') {
        const x = await (spec === 'pending_by_cw' ? scw : sm1).post(`/api/v1/stays/${stayId}/extensions`).send({ days: 3, reason: 'awaiting the convoy' }).expect(201);
        if (spec === 'rejected') await sm2.post(`/api/v1/stays/${stayId}/extensions/${x.body.id}/reject`).send({ reason: 'no' }).expect(200);
        records.push({ kind: 'extension', id: x.body.id, stayId, org: o });
      }
    }
  }

  // Letters (organization 0): issued for case 0 and 1, some revoked.
  for (let k = 0; k < 2; k++) {
    const l = await (k ? cw : m1)
      .post(`/api/v1/cases/${cases[0][k]}/letters`)
      .send({ validFrom: TODAY, validUntil: '2026-12-10', purpose: 'transit', route: { from: 'Gao', to: 'Bamako', via: ['Gossi'] } })
      .expect(201);
    if (rnd.letters[k] === 'revoked') await m1.post(`/api/v1/letters/${l.body.id}/revoke`).send({ reason: 'lost' }).expect(200);
    records.push({ kind: 'letter', id: l.body.id, org: 0, caseId: cases[0][k] });
  }

  // Reintegration plans (organization 0): returnee cases of their own (never closed here: a closed case's submit is the endpoint's 409).
  for (const [k, spec] of rnd.plans.entries()) {
    const caseId = (
      await m1
        .post('/api/v1/cases')
        .send({
          siteId: orgs[0].sites[spec.site].id,
          migrantCategory: 'returnee',
          identity: { givenName: 'Moussa', familyName: `Keïta ${k}`, sex: 'male', birthYear: 1994, nationality: 'MLI' },
          consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
        })
        .expect(201)
    ).body.id as string;
    await m1.post(`/api/v1/cases/${caseId}/consents`).send({ purpose: 'reintegration', basis: 'consent', method: 'signed' }).expect(201);
    const id = (await m1.post(`/api/v1/cases/${caseId}/reintegration-plan`).send({ summary: 'Back in Kayes' }).expect(201)).body.id as string;
    const plans = `/api/v1/reintegration-plans/${id}`;
    let itemId: string | null = null;
    if (spec.status !== 'empty') itemId = (await m1.post(`${plans}/items`).send({ type: 'livestock_fattening', description: 'sheep', budgetXof: 300_000 }).expect(201)).body.id;
    if (['submitted', 'approved', 'in_progress', 'rejected'].includes(spec.status)) await { m1, m2, cw }[spec.submitter].post(`${plans}/submit`).expect(200);
    const checker = spec.submitter === 'm2' ? m1 : m2;
    if (['approved', 'in_progress'].includes(spec.status)) await checker.post(`${plans}/approve`).expect(200);
    if (spec.status === 'rejected') await checker.post(`${plans}/reject`).send({ reason: 'too costly' }).expect(200);
    if (spec.status === 'in_progress') await m1.post(`${plans}/items/${itemId}/deliver`).send({ deliveredOn: '2026-11-20', evidenceNote: 'receipt signed' }).expect(200);
    records.push({ kind: 'plan', id, org: 0, caseId });
  }

  // Closed cases: the plain ones (organization 1's cases 3–5 have nothing in progress).
  for (let k = 0; k < 2; k++) if (rnd.closed[k]) await as(t, staff[1].m1).post(`/api/v1/cases/${cases[1][3 + k]}/close`).send({ reason: 'continued_journey' }).expect(200);
}, 240_000);
afterAll(() => t?.close());

/** The record as `who` reads it now (status, body, ETag): what a screen shows before a button is pressed. */
async function read(who: Agent, r: Rec): Promise<Res> {
  switch (r.kind) {
    case 'case':
      return who.get(`/api/v1/cases/${r.id}`);
    case 'referral':
      return who.get(`/api/v1/referrals/${r.id}`);
    case 'return':
      return who.get(`/api/v1/returns/${r.id}`);
    case 'stay':
      return who.get(`/api/v1/stays/${r.id}`);
    case 'movement':
      return who.get(`/api/v1/movements/${r.id}`);
    case 'letter':
      return who.get(`/api/v1/letters/${r.id}`);
    case 'plan':
      return who.get(`/api/v1/reintegration-plans/${r.id}`);
    case 'extension': {
      const res: Res = await who.get(`/api/v1/stays/${r.stayId}`);
      const x = res.status === 200 ? (res.body.extensions as { id: string; actions: string[] }[]).find((e) => e.id === r.id) : undefined;
      return x ? { ...res, body: x } : { ...res, status: 404, body: {} };
    }
  }
}

/** The endpoint `action` names, called with a valid body. */
function call(who: Agent, r: Rec, action: string, etag: string): Promise<Res> {
  const o = r.org;
  switch (`${r.kind}.${action}`) {
    case 'case.edit':
      return who.patch(`/api/v1/cases/${r.id}`).set('if-match', etag).send({ contact: { phone: '+22370000001' } });
    case 'case.assign':
      return who.post(`/api/v1/cases/${r.id}/assign`).send({ userId: staff[o].cw.user.id });
    case 'case.close':
      return who.post(`/api/v1/cases/${r.id}/close`).send({ reason: 'continued_journey' });
    case 'case.reopen':
      return who.post(`/api/v1/cases/${r.id}/reopen`).send({});
    case 'case.note':
      return who.post(`/api/v1/cases/${r.id}/notes`).send({ text: 'seen today' });
    case 'case.consent':
      return who.post(`/api/v1/cases/${r.id}/consents`).send({ purpose: 'photo', basis: 'consent', method: 'verbal' });
    case 'case.screen':
      return who.post(`/api/v1/cases/${r.id}/screenings`).send(SCREENING);
    case 'case.refer':
      return who
        .post(`/api/v1/cases/${r.id}/referrals`)
        .send({ toOrganizationId: orgs[1 - o].org.id, serviceType: 'health', urgency: 'normal', reason: 'needs care', sharedSections: ['identity'] });
    case 'case.letter':
      return who.post(`/api/v1/cases/${r.id}/letters`).send({ validFrom: TODAY, validUntil: '2026-12-01', purpose: 'transit', route: { from: 'Gao', to: 'Bamako' } });
    case 'case.return':
      return who.post(`/api/v1/cases/${r.id}/returns`).send(RETURN_BODY);
    case 'referral.accept':
    case 'referral.cancel':
    case 'referral.decline':
      return who.post(`/api/v1/referrals/${r.id}/${action}`).send(action === 'accept' ? {} : { reason: 'a reason' });
    case 'referral.complete':
      return who.post(`/api/v1/referrals/${r.id}/complete`).send({ outcome: 'seen' });
    case 'referral.recordService':
      return who.post(`/api/v1/cases/${r.caseId}/services`).send({ serviceType: 'health', date: '2026-11-20', description: 'consultation', referralId: r.id });
    case 'return.editPlan':
      return who.patch(`/api/v1/returns/${r.id}`).set('if-match', etag).send({ destinationLocality: 'Siguiri' });
    case 'return.editTravel':
      return who.patch(`/api/v1/returns/${r.id}`).set('if-match', etag).send({ travelDocument: { type: 'passport', number: 'P-0042' } });
    case 'return.reject':
    case 'return.cancel':
      return who.post(`/api/v1/returns/${r.id}/${action}`).send({ reason: 'a reason' });
    case 'return.arrive':
      return who.post(`/api/v1/returns/${r.id}/arrive`).send({ arrivedAt: clock.now().toISOString(), confirmedBy: 'IOM Guinea' });
    case 'return.submit':
    case 'return.approve':
    case 'return.depart':
      return who.post(`/api/v1/returns/${r.id}/${action}`).send({});
    case 'stay.checkOut':
      return who.post(`/api/v1/stays/${r.id}/check-out`).send({});
    case 'stay.requestExtension':
      return who.post(`/api/v1/stays/${r.id}/extensions`).send({ days: 2, reason: 'awaiting the convoy' });
    case 'extension.approve':
      return who.post(`/api/v1/stays/${r.stayId}/extensions/${r.id}/approve`).send({});
    case 'extension.reject':
      return who.post(`/api/v1/stays/${r.stayId}/extensions/${r.id}/reject`).send({ reason: 'no' });
    case 'movement.depart':
      return who.post(`/api/v1/movements/${r.id}/depart`).send({});
    case 'movement.cancel':
      return who.post(`/api/v1/movements/${r.id}/cancel`).send({ reason: 'insecurity on the road' });
    case 'letter.revoke':
      return who.post(`/api/v1/letters/${r.id}/revoke`).send({ reason: 'lost' });
    case 'letter.pdf':
      return who.get(`/api/v1/letters/${r.id}/pdf`);
    case 'plan.edit':
      return who.patch(`/api/v1/reintegration-plans/${r.id}`).set('if-match', etag).send({ summary: 'Back in Kayes, with a plan' });
    case 'plan.submit':
    case 'plan.approve':
    case 'plan.complete':
      return who.post(`/api/v1/reintegration-plans/${r.id}/${action}`);
    case 'plan.reject':
      return who.post(`/api/v1/reintegration-plans/${r.id}/reject`).send({ reason: 'too costly' });
    case 'plan.visit':
      return who.post(`/api/v1/reintegration-plans/${r.id}/visits`).send({ visitDate: '2026-11-20', visitType: 'follow_up', visitedBy: 'Awa', answers: {} });
    default:
      throw new Error(`no endpoint for ${r.kind}.${action}`);
  }
}

describe(`actions: a listed action is not refused for permission or state, an unlisted one is (seed ${SEED})`, () => {
  it('over random users, records, states and actions', async () => {
    const tally = { listed: 0, unlisted: 0 };
    await fc.assert(
      // Half the time a user of the record's organization: most users of the other one meet a 404.
      fc.asyncProperty(fc.nat(1000), fc.boolean(), fc.nat(records.length - 1), fc.nat(1000), async (ui, sameOrg, ri, ai) => {
        const r = records[ri];
        const pool = sameOrg ? users.filter((x) => x.org === r.org) : users;
        const u = pool[ui % pool.length];
        const who = as(t, u.user);
        const vocabulary = VOCABULARY[r.kind];
        const action = vocabulary[ai % vocabulary.length];
        const seen = await read(who, r);
        expect([200, 403, 404]).toContain(seen.status);
        const actions = seen.status === 200 ? seen.body.actions : [];
        expect(Array.isArray(actions)).toBe(true);
        for (const a of actions ?? []) expect(vocabulary.includes(a) || a === 'edit').toBe(true);
        const listed = !!actions?.includes(action);
        const where = `${u.label} → ${r.kind} ${r.id} ${action} (listed: ${listed}, actions: ${JSON.stringify(actions)})`;
        if (r.kind === 'case' && action === 'readSensitive') {
          // No endpoint of its own: GET /cases/{id} shows the section exactly when it is listed.
          expect({ where, shown: seen.status === 200 && 'sensitive' in seen.body }).toEqual({ where, shown: listed });
          return;
        }
        const res = await call(who, r, action, seen.headers?.etag ?? '"1"');
        const code = String(res.body?.code ?? '');
        expect(res.status).toBeLessThan(500);
        if (listed) {
          tally.listed++;
          const refused = res.status === 403 || res.status === 404 || REFUSED.has(code);
          expect({ where, status: res.status, code, refused }).toEqual({ where, status: res.status, code, refused: false });
        } else {
          tally.unlisted++;
          const refused = [403, 404, 409].includes(res.status) && REFUSED.has(code);
          expect({ where, status: res.status, code, refused }).toEqual({ where, status: res.status, code, refused: true });
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    // The property says something only if both branches were walked.
    expect(tally.listed).toBeGreaterThan(NUM_RUNS / 20);
    expect(tally.unlisted).toBeGreaterThan(NUM_RUNS / 5);
  }, 120_000);

  it('maker-checker: approve and reject are never listed for the submitter or requester, and are refused to them', async () => {
    const [m1, m2, cw] = [as(t, staff[0].m1), as(t, staff[0].m2), as(t, staff[0].cw)];
    const caseId = (
      await m1
        .post('/api/v1/cases')
        .send({ siteId: orgs[0].sites[0].id, identity: { givenName: 'Mariam', familyName: 'Koné', sex: 'female', birthYear: 2000 }, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } })
        .expect(201)
    ).body.id as string;
    await m1.post(`/api/v1/cases/${caseId}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201);
    await m1.post(`/api/v1/cases/${caseId}/screenings`).send(SCREENING).expect(201);
    const id = (await m1.post(`/api/v1/cases/${caseId}/returns`).send(RETURN_BODY).expect(201)).body.id as string;
    expect((await m1.post(`/api/v1/returns/${id}/submit`).send({}).expect(200)).body.actions).toEqual(['editTravel', 'cancel']);
    expect((await m2.get(`/api/v1/returns/${id}`).expect(200)).body.actions).toEqual(['editTravel', 'approve', 'reject', 'cancel']);
    expect((await cw.get(`/api/v1/returns/${id}`).expect(200)).body.actions).toEqual(['editTravel', 'cancel']);
    expect((await m1.post(`/api/v1/returns/${id}/approve`).send({})).body.code).toBe('SELF_APPROVAL_FORBIDDEN');
    expect((await m2.post(`/api/v1/returns/${id}/approve`).send({}).expect(200)).body.actions).toEqual(['editTravel', 'depart', 'cancel']);

    const stayId = (await m1.post('/api/v1/stays').send({ caseId, siteId: orgs[0].sites[2].id }).expect(201)).body.id as string;
    const x = await m1.post(`/api/v1/stays/${stayId}/extensions`).send({ days: 3, reason: 'awaiting the convoy' }).expect(201);
    expect(x.body.actions).toEqual([]);
    const asM2 = (await m2.get(`/api/v1/stays/${stayId}`).expect(200)).body;
    expect(asM2.actions).toEqual(['checkOut']);
    expect(asM2.extensions.map((e: { actions: string[] }) => e.actions)).toEqual([['approve', 'reject']]);
    expect((await m1.post(`/api/v1/stays/${stayId}/extensions/${x.body.id}/approve`).send({})).body.code).toBe('SELF_APPROVAL_FORBIDDEN');
    const decided = await m2.post(`/api/v1/stays/${stayId}/extensions/${x.body.id}/approve`).send({}).expect(200);
    expect({ extension: decided.body.actions, stay: decided.body.stay.actions }).toEqual({ extension: [], stay: ['checkOut', 'requestExtension'] });
  });

  it('a list row carries the actions its single read does (computed from the row, no query a row)', async () => {
    const lists: [Kind, string][] = [
      ['case', '/api/v1/cases?limit=200'],
      ['referral', '/api/v1/referrals?limit=200'],
      ['return', '/api/v1/returns?limit=200'],
      ['letter', '/api/v1/letters?limit=200'],
    ];
    for (const u of users) {
      const who = as(t, u.user);
      for (const [kind, url] of lists) {
        const res: Res = await who.get(url);
        if (res.status !== 200) continue;
        for (const item of res.body.items as { id: string; actions: string[] }[]) {
          const rec = records.find((r) => r.kind === kind && r.id === item.id) ?? { kind, id: item.id, org: u.org };
          const single = await read(who, rec);
          expect({ who: u.label, kind, id: item.id, actions: item.actions }).toEqual({ who: u.label, kind, id: item.id, actions: single.body.actions });
        }
      }
    }
  }, 60_000);
});
