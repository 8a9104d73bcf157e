// Issue 6 (group activities), DESIGN §2, §7, §8: information, awareness, reception and listening
// sessions recorded with head counts by sex and age group, never names. Who records and reads them
// (403 for the roles that may not, 404 for another organization's), validation that names the
// field and writes nothing, the owner's list with filters and keyset pages, and the audit event.
import { randomUUID } from 'node:crypto';
import { OrganizationsService, type Role, SitesService, systemActor } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const ACTIVITIES = '/api/v1/activities';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const TODAY = day(0);

let t: TestApp;
let A: TestOrg; // two sites
let B: TestOrg; // another organization, one site
let inactiveOrg: TestOrg;
let inactiveSite: string;
let cwA: TestUser;
let mgrA: TestUser;
let analystA: TestUser;
let cwB: TestUser;
let analystB: TestUser;
const barred: Partial<Record<Role, TestUser>> = {};

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { sites: [{}, {}] });
  B = await makeOrg(t, { sites: [{}, {}] });
  inactiveOrg = await makeOrg(t, { sites: [] });
  await t.app.get(OrganizationsService).update(systemActor(), inactiveOrg.org.id, { active: false });
  inactiveSite = B.sites[1].id;
  await t.app.get(SitesService).update(systemActor(), inactiveSite, { active: false });
  // Caseworkers record at any site: their own sites are for cases, not for group activities.
  cwA = await makeUser(t, A, ['caseworker'], { siteIds: [A.sites[0].id] });
  mgrA = await makeUser(t, A, ['manager'], { siteIds: [] });
  analystA = await makeUser(t, A, ['analyst'], { siteIds: [] });
  cwB = await makeUser(t, B, ['caseworker']);
  analystB = await makeUser(t, B, ['analyst'], { siteIds: [] });
  barred.org_admin = await makeUser(t, A, ['org_admin']);
  barred.auditor = await makeUser(t, A, ['auditor']);
  barred.platform_admin = await makeUser(t, await makeOrg(t, { capabilities: [], sites: [] }), ['platform_admin']);
});
afterAll(() => t?.close());

// ---- helpers ------------------------------------------------------------------------------------

const body = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  siteId: A.sites[0].id,
  date: TODAY,
  type: 'information_session',
  topic: 'Risks of irregular migration through the desert',
  participants: [
    { sex: 'female', ageGroup: '18-59', count: 12 },
    { sex: 'male', ageGroup: '0-17', count: 5 },
    { sex: 'unknown', ageGroup: 'unknown', count: 3 },
  ],
  ...extra,
});

async function record(u: TestUser, extra: Record<string, unknown> = {}) {
  const res = await as(t, u).post(ACTIVITIES).send(body(extra));
  if (res.status !== 201) throw new Error(`recording failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; date: string; [k: string]: unknown };
}

const count = async (table: string) => (await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))!.n;
const written = async () => ({ activities: await count('activities'), participants: await count('activity_participants'), audit: (await t.db.row<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'activity.recorded'"))!.n });

/** 400 VALIDATION_FAILED naming `field`, and nothing written. */
async function expectRefused(u: TestUser, payload: Record<string, unknown>, field: string) {
  const before = await written();
  const res = await as(t, u).post(ACTIVITIES).send(payload);
  const problem = expectProblem(res, 400, 'VALIDATION_FAILED') as { errors: { field: string; message: string }[] };
  expect(problem.errors.map((e) => e.field)).toContain(field);
  expect(await written()).toEqual(before);
  return problem;
}

/** Every item of a list, page by page. */
async function listAll(u: TestUser, query: Record<string, string>, limit: number) {
  const items: { id: string; date: string }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const params = new URLSearchParams({ ...query, limit: String(limit) });
    if (cursor) params.set('cursor', cursor);
    const res = await as(t, u).get(`${ACTIVITIES}?${params}`).expect(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor as string | null;
    if (!cursor) return items;
  }
  throw new Error('the list did not end');
}

// ---- recording ----------------------------------------------------------------------------------

describe('POST /activities (issue 6)', () => {
  it('a caseworker records an activity owned by their organization, with the total and no names; audited as activity.recorded', async () => {
    const res = await as(t, cwA).post(ACTIVITIES).send(body({ description: 'Held at the bus station' })).expect(201);
    expect(res.headers.location).toBe(`${ACTIVITIES}/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(String),
      owningOrganizationId: A.org.id,
      siteId: A.sites[0].id,
      date: TODAY,
      type: 'information_session',
      topic: 'Risks of irregular migration through the desert',
      description: 'Held at the bus station',
      facilitatingOrganizationIds: [A.org.id],
      participants: [
        { sex: 'female', ageGroup: '18-59', count: 12 },
        { sex: 'male', ageGroup: '0-17', count: 5 },
        { sex: 'unknown', ageGroup: 'unknown', count: 3 },
      ],
      totalParticipants: 20,
      createdBy: cwA.user.id,
      createdAt: expect.any(String),
    });
    expect(await t.db.rows('SELECT sex, age_group, count, owning_organization_id FROM activity_participants WHERE activity_id = $1 ORDER BY sex, age_group', [res.body.id])).toEqual([
      { sex: 'female', age_group: '18-59', count: 12, owning_organization_id: A.org.id },
      { sex: 'male', age_group: '0-17', count: 5, owning_organization_id: A.org.id },
      { sex: 'unknown', age_group: 'unknown', count: 3, owning_organization_id: A.org.id },
    ]);
    const events = await t.db.rows<{ action: string; actor_user_id: string; organization_id: string; entity_type: string; changes: Record<string, { new: unknown }> }>(
      'SELECT action, actor_user_id, organization_id, entity_type, changes FROM audit_events WHERE entity_id = $1 ORDER BY seq',
      [res.body.id],
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'activity.recorded', actor_user_id: cwA.user.id, organization_id: A.org.id, entity_type: 'Activity' });
    expect(events[0].changes).toMatchObject({ topic: { new: 'Risks of irregular migration through the desert' }, totalParticipants: { new: 20 }, siteId: { new: A.sites[0].id } });
  });

  it("a manager records one at another organization's site (the site directory is public); the activity stays theirs", async () => {
    const res = await as(t, mgrA).post(ACTIVITIES).send(body({ siteId: B.sites[0].id, type: 'awareness_campaign', facilitatingOrganizationIds: [B.org.id, A.org.id] })).expect(201);
    expect(res.body).toMatchObject({ owningOrganizationId: A.org.id, siteId: B.sites[0].id, facilitatingOrganizationIds: [B.org.id, A.org.id], createdBy: mgrA.user.id });
    // B does not see it: it is A's record.
    expectProblem(await as(t, cwB).get(`${ACTIVITIES}/${res.body.id}`), 404, 'NOT_FOUND');
  });

  it('participants are listed in a stable order, whatever order they were sent in (a caseworker, at a site not theirs)', async () => {
    const res = await as(t, cwA)
      .post(ACTIVITIES)
      .send(body({ siteId: A.sites[1].id, participants: [{ sex: 'unknown', ageGroup: '60+', count: 1 }, { sex: 'female', ageGroup: '60+', count: 2 }, { sex: 'female', ageGroup: '0-17', count: 4 }] }))
      .expect(201);
    expect(res.body.participants).toEqual([
      { sex: 'female', ageGroup: '0-17', count: 4 },
      { sex: 'female', ageGroup: '60+', count: 2 },
      { sex: 'unknown', ageGroup: '60+', count: 1 },
    ]);
    expect(res.body.totalParticipants).toBe(7);
  });

  it('a retry with the same Idempotency-Key records once and answers the first response', async () => {
    const key = `activity-${randomUUID()}`;
    const before = await written();
    const first = await as(t, cwA).post(ACTIVITIES).set('idempotency-key', key).send(body()).expect(201);
    const again = await as(t, cwA).post(ACTIVITIES).set('idempotency-key', key).send(body()).expect(201);
    expect(again.body).toEqual(first.body);
    expect(await written()).toEqual({ activities: before.activities + 1, participants: before.participants + 3, audit: before.audit + 1 });
    expectProblem(await as(t, cwA).post(ACTIVITIES).set('idempotency-key', key).send(body({ topic: 'Another topic' })), 422, 'IDEMPOTENCY_KEY_REUSED');
  });
});

describe('POST /activities with bad input → 400 VALIDATION_FAILED naming the field, nothing written', () => {
  it('a (sex, age group) pair counted twice', async () => {
    const problem = await expectRefused(
      cwA,
      body({ participants: [{ sex: 'female', ageGroup: '18-59', count: 2 }, { sex: 'male', ageGroup: '18-59', count: 3 }, { sex: 'female', ageGroup: '18-59', count: 4 }] }),
      'participants[2]',
    );
    expect(problem.errors).toEqual([{ field: 'participants[2]', message: expect.stringContaining('participants[0]') }]);
  });

  it('a date in the future, or not a real date', async () => {
    await expectRefused(cwA, body({ date: day(2) }), 'date');
    await expectRefused(cwA, body({ date: '2026-02-30' }), 'date');
    await expectRefused(cwA, body({ date: '20/11/2026' }), 'date');
  });

  it('names, anywhere: unknown fields are refused, not stripped', async () => {
    await expectRefused(cwA, body({ names: ['Aminata Traoré', 'Moussa Keita'] }), 'names');
    await expectRefused(cwA, body({ participants: [{ sex: 'female', ageGroup: '18-59', count: 1, name: 'Aminata Traoré' }] }), 'participants[0].name');
  });

  it('an unknown or inactive facilitating organization, each named by its position', async () => {
    const problem = await expectRefused(cwA, body({ facilitatingOrganizationIds: [A.org.id, randomUUID(), inactiveOrg.org.id] }), 'facilitatingOrganizationIds[1]');
    expect(problem.errors.map((e) => e.field)).toEqual(['facilitatingOrganizationIds[1]', 'facilitatingOrganizationIds[2]']);
    await expectRefused(cwA, body({ facilitatingOrganizationIds: [] }), 'facilitatingOrganizationIds');
    await expectRefused(cwA, body({ facilitatingOrganizationIds: ['not-a-uuid'] }), 'facilitatingOrganizationIds');
    await expectRefused(cwA, body({ facilitatingOrganizationIds: [A.org.id, A.org.id] }), 'facilitatingOrganizationIds');
  });

  it('an unknown or inactive site', async () => {
    await expectRefused(cwA, body({ siteId: randomUUID() }), 'siteId');
    await expectRefused(cwA, body({ siteId: inactiveSite }), 'siteId');
    await expectRefused(cwA, body({ siteId: 'site-1' }), 'siteId');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a count of 0', { participants: [{ sex: 'female', ageGroup: '18-59', count: 0 }] }, 'participants[0].count'],
    ['a count over 100000', { participants: [{ sex: 'female', ageGroup: '18-59', count: 100_001 }] }, 'participants[0].count'],
    ['a fractional count', { participants: [{ sex: 'female', ageGroup: '18-59', count: 2.5 }] }, 'participants[0].count'],
    ['an unknown sex', { participants: [{ sex: 'f', ageGroup: '18-59', count: 1 }] }, 'participants[0].sex'],
    ['an unknown age group', { participants: [{ sex: 'male', ageGroup: '18-65', count: 1 }] }, 'participants[0].ageGroup'],
    ['no participants', { participants: [] }, 'participants'],
    ['participants missing', { participants: undefined }, 'participants'],
    ['an unknown type', { type: 'party' }, 'type'],
    ['a blank topic', { topic: '   ' }, 'topic'],
    ['a topic over 500 characters', { topic: 'x'.repeat(501) }, 'topic'],
    ['no topic', { topic: undefined }, 'topic'],
  ])('%s', async (_, change, field) => {
    await expectRefused(cwA, body(change), field);
  });
});

// ---- reading ------------------------------------------------------------------------------------

describe('GET /activities and /activities/{id}: the owner’s activities only', () => {
  let mine: { id: string; date: string }[];
  let theirs: { id: string };
  const ctx = {} as { C: TestOrg; cw: TestUser; analyst: TestUser };

  beforeAll(async () => {
    // A fresh organization of its own, so the list holds exactly what this block records.
    const C = await makeOrg(t, { sites: [{}, {}] });
    const cw = await makeUser(t, C, ['caseworker']);
    const at = (d: number, siteId: string, type: string) => record(cw, { date: day(-d), siteId, type });
    mine = [
      await at(30, C.sites[0].id, 'information_session'),
      await at(10, C.sites[1].id, 'reception'),
      await at(10, C.sites[0].id, 'listening_session'),
      await at(10, C.sites[0].id, 'information_session'),
      await at(3, C.sites[1].id, 'information_session'),
      await at(1, B.sites[0].id, 'orientation'),
    ];
    theirs = await record(cwB, { siteId: C.sites[0].id, date: day(-10) });
    Object.assign(ctx, { C, cw, analyst: await makeUser(t, C, ['analyst'], { siteIds: [] }) });
  });
  const newestFirst = () => [...mine].sort((x, y) => (x.date === y.date ? (x.id < y.id ? 1 : -1) : x.date < y.date ? 1 : -1)).map((a) => a.id);

  it('newest first (date, then id, descending), page by page without gaps or repeats, for caseworkers and analysts alike', async () => {
    for (const limit of [1, 2, 4, 50]) {
      expect((await listAll(ctx.cw, {}, limit)).map((a) => a.id)).toEqual(newestFirst());
    }
    expect((await listAll(ctx.analyst, {}, 3)).map((a) => a.id)).toEqual(newestFirst());
    const page = await as(t, ctx.cw).get(`${ACTIVITIES}?limit=1`).expect(200);
    expect(page.body.items[0]).toMatchObject({ participants: expect.any(Array), totalParticipants: 20 });
  });

  it('filters: date range (inclusive), site, type, combined and paged', async () => {
    const ids = async (q: Record<string, string>, limit = 2) => (await listAll(ctx.cw, q, limit)).map((a) => a.id).sort();
    const where = (f: (i: number) => boolean) => mine.filter((_, i) => f(i)).map((a) => a.id).sort();
    expect(await ids({ from: day(-10), to: day(-3) })).toEqual(where((i) => i >= 1 && i <= 4));
    expect(await ids({ from: day(-10), to: day(-10) })).toEqual(where((i) => i >= 1 && i <= 3));
    expect(await ids({ to: day(-11) })).toEqual(where((i) => i === 0));
    expect(await ids({ siteId: ctx.C.sites[0].id })).toEqual(where((i) => [0, 2, 3].includes(i)));
    expect(await ids({ type: 'information_session' }, 1)).toEqual(where((i) => [0, 3, 4].includes(i)));
    expect(await ids({ type: 'information_session', siteId: ctx.C.sites[0].id, from: day(-20) })).toEqual(where((i) => i === 3));
    // Another organization's activity at C's site is not C's.
    expect(await ids({ siteId: ctx.C.sites[0].id })).not.toContain(theirs.id);
  });

  it('bad filters and cursors are 400', async () => {
    for (const [q, field] of [
      ['from=2026-13-01', 'from'],
      ['to=yesterday', 'to'],
      ['siteId=site-1', 'siteId'],
      ['type=party', 'type'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      [`from=${day(-1)}&to=${day(-5)}`, 'to'],
      ['names=x', 'names'],
    ]) {
      const problem = expectProblem(await as(t, ctx.cw).get(`${ACTIVITIES}?${q}`), 400, 'VALIDATION_FAILED') as { errors: { field: string }[] };
      expect(problem.errors.map((e) => e.field)).toContain(field);
    }
    expectProblem(await as(t, ctx.cw).get(`${ACTIVITIES}?cursor=forged.cursor`), 400, 'INVALID_CURSOR');
    // A cursor of another list is not one of this list.
    for (const familyName of ['Keita', 'Maïga']) {
      const identity = { givenName: 'Moussa', familyName, sex: 'male', nationality: 'MLI' };
      await as(t, mgrA).post('/api/v1/cases').send({ siteId: A.sites[0].id, identity, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } }).expect(201);
    }
    const caseCursor = (await as(t, mgrA).get('/api/v1/cases?limit=1').expect(200)).body.nextCursor;
    expect(caseCursor).toEqual(expect.any(String));
    expectProblem(await as(t, ctx.cw).get(`${ACTIVITIES}?cursor=${encodeURIComponent(caseCursor)}`), 400, 'INVALID_CURSOR');
  });

  it('one activity: 200 for its organization’s caseworkers and analysts; 404 for another organization’s users, as for an id that does not exist', async () => {
    const id = mine[0].id;
    const res = await as(t, ctx.analyst).get(`${ACTIVITIES}/${id}`).expect(200);
    expect(res.body).toMatchObject({ id, owningOrganizationId: ctx.C.org.id, totalParticipants: 20 });
    expect((await as(t, ctx.cw).get(`${ACTIVITIES}/${id}`).expect(200)).body).toEqual(res.body);
    for (const u of [cwA, mgrA, analystA, cwB, analystB]) expectProblem(await as(t, u).get(`${ACTIVITIES}/${id}`), 404, 'NOT_FOUND');
    expectProblem(await as(t, ctx.cw).get(`${ACTIVITIES}/${randomUUID()}`), 404, 'NOT_FOUND');
    expectProblem(await as(t, ctx.cw).get(`${ACTIVITIES}/not-a-uuid`), 400, 'VALIDATION_FAILED');
    // ...and another organization's list never holds it.
    for (const u of [cwB, analystB, analystA]) expect((await listAll(u, {}, 50)).map((a) => a.id)).not.toContain(id);
  });
});

describe('who may (issue 6): caseworkers and managers record; analysts read; org admins, auditors, platform admins neither', () => {
  let activity: string;
  beforeAll(async () => {
    activity = (await record(cwA)).id;
  });

  it.each(['org_admin', 'auditor', 'platform_admin'] as const)('%s: 403 on every route, nothing written', async (role) => {
    const u = barred[role]!;
    const before = await written();
    expectProblem(await as(t, u).post(ACTIVITIES).send(body()), 403, 'FORBIDDEN');
    expectProblem(await as(t, u).get(ACTIVITIES), 403, 'FORBIDDEN');
    expectProblem(await as(t, u).get(`${ACTIVITIES}/${activity}`), 403, 'FORBIDDEN');
    expect(await written()).toEqual(before);
  });

  it('an analyst reads but may not record (403, nothing written)', async () => {
    const before = await written();
    expectProblem(await as(t, analystA).post(ACTIVITIES).send(body()), 403, 'FORBIDDEN');
    expect(await written()).toEqual(before);
    expect((await as(t, analystA).get(`${ACTIVITIES}/${activity}`).expect(200)).body.id).toBe(activity);
  });

  it('anonymous: 401', async () => {
    expectProblem(await t.http.post(ACTIVITIES).send(body()), 401, 'UNAUTHENTICATED');
    expectProblem(await t.http.get(ACTIVITIES), 401, 'UNAUTHENTICATED');
    expectProblem(await t.http.get(`${ACTIVITIES}/${activity}`), 401, 'UNAUTHENTICATED');
  });
});
