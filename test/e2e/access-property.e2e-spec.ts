import { subject } from '@casl/ability';
import fc from 'fast-check';
import { type AppAbility } from '@passerelle/common';
import { ActivitiesService, buildAbility, CasesService, OrganizationsService, ROLES, type Role, SitesService, StaysService, systemActor, userActor, UsersService } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, PASSWORD, type TestUser } from '../support/factories.js';

/**
 * DESIGN §2 (issue 4, acceptance 3): a list never returns a record the single-record read would
 * refuse, and vice versa. Over random organizations, users with random roles and sites, cases
 * at random sites with random assignees, group activities and shelter stays, for a random actor: the paged list =
 * the records whose GET /{id} answers 200 (every other one answers 404, never 403) = the records
 * `ability.can('read', …)` allows. Who may read no such record at all gets 403 on the list (and, on
 * /activities/{id}, 403 too: issue 6 refuses those roles the routes, whatever the record).
 *
 * The pool is random too, drawn from SEED (set PROPERTY_SEED to replay a failure).
 */

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2_147_483_647);
const NUM_RUNS = 50;
const ORGS = 4;
const USERS_PER_ORG = 6;
/** Records fast-check picks per run for a single-record read. */
const PROBES = 10;

interface UserSpec {
  roles: Role[];
  sites: boolean[];
}
interface CaseSpec {
  site: number;
  /** Index of the org's user to assign the case to (ignored unless a caseworker or manager). */
  assignee: number | null;
}
interface OrgSpec {
  sites: number;
  users: UserSpec[];
  cases: CaseSpec[];
  /** Sites of the group activities the org records (another org's site is allowed: the index wraps). */
  activities: number[];
}
const poolArb: fc.Arbitrary<OrgSpec[]> = fc.array(
  fc.record({
    sites: fc.integer({ min: 1, max: 3 }),
    users: fc.array(fc.record({ roles: fc.subarray([...ROLES], { minLength: 1, maxLength: 3 }), sites: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) }), {
      minLength: USERS_PER_ORG,
      maxLength: USERS_PER_ORG,
    }),
    cases: fc.array(fc.record({ site: fc.nat(2), assignee: fc.option(fc.nat(USERS_PER_ORG - 1), { nil: null }) }), { minLength: 2, maxLength: 5 }),
    activities: fc.array(fc.nat(ORGS * 3 - 1), { minLength: 0, maxLength: 4 }),
  }),
  { minLength: ORGS, maxLength: ORGS },
);

interface Actor extends TestUser {
  ability: AppAbility;
  label: string;
  [fc.toStringMethod]: () => string;
}

let t: TestApp;
const actors: Actor[] = [];
let deniedSeq = 0;

/** The actor's ability as the server builds it: from the user's current row (DESIGN §2). */
async function abilityOf(userId: string): Promise<AppAbility> {
  const row = await t.db.row<{ id: string; organization_id: string; roles: string[]; site_ids: string[]; capabilities: string[] }>(
    `SELECT u.id, u.organization_id, u.roles, u.site_ids::text[] AS site_ids, o.capabilities
     FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`,
    [userId],
  );
  return buildAbility({ userId: row!.id, organizationId: row!.organization_id, roles: row!.roles, siteIds: row!.site_ids, capabilities: row!.capabilities });
}

/** Every item of a list, page by page through nextCursor. */
async function listAll(actor: Actor, url: string, limit: number): Promise<{ id: string; seq?: number }[]> {
  const items: { id: string; seq?: number }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const res = await as(t, actor).get(`${url}?${query}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) {
      // Keyset pages neither skip nor repeat a record.
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      return items;
    }
  }
  throw new Error(`${url} did not end after 1000 pages`);
}

const sorted = (ids: string[]) => [...ids].sort();

/**
 * GET `url` answers 403 FORBIDDEN. The denial is audited after the answer: wait for its event, so
 * that the audit-trail property never meets an event still being written.
 */
async function expectDenied(actor: Actor, url: string): Promise<void> {
  const requestId = `property-denied-${++deniedSeq}-${SEED}`;
  expectProblem(await as(t, actor).get(url).set('x-request-id', requestId), 403, 'FORBIDDEN');
  for (let i = 0; !(await t.db.row("SELECT 1 FROM audit_events WHERE request_id = $1 AND action = 'access.denied'", [requestId])); i++) {
    if (i > 100) throw new Error(`the denial of ${url} was not audited`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
  const [pool] = fc.sample(poolArb, { numRuns: 1, seed: SEED });
  const shelters: { org: string; manager: ReturnType<typeof userActor>; cases: string[] }[] = [];
  for (const [o, spec] of pool.entries()) {
    const org = await makeOrg(t, { sites: Array.from({ length: spec.sites }, () => ({})) });
    const members: Actor[] = [];
    for (const [i, u] of spec.users.entries()) {
      const siteIds = org.sites.filter((_, s) => u.sites[s]).map((s) => s.id);
      const user = await makeUser(t, org, u.roles, { siteIds });
      const label = `org${o}.user${i} [${u.roles.join(',')}] sites ${siteIds.length}/${org.sites.length}`;
      // fast-check prints a counterexample's actor by its label, not its tokens.
      members.push({ ...user, ability: await abilityOf(user.user.id), label, [fc.toStringMethod]: () => label });
    }
    actors.push(...members);
    // Cases at random sites, some assigned: registered by a manager no one signs in as.
    const registrar = await t.app.get(UsersService).create(systemActor(), {
      organizationId: org.org.id,
      email: `registrar.${o}.${SEED}@property.test`,
      displayName: 'Registrar',
      password: PASSWORD,
      roles: ['manager'],
    });
    const manager = userActor({ userId: registrar.id, organizationId: org.org.id, organizationCode: org.org.code, roles: ['manager'], siteIds: [], capabilities: org.org.capabilities });
    shelters.push({ org: org.org.id, manager, cases: [] });
    for (const [k, c] of spec.cases.entries()) {
      const site = org.sites[c.site % org.sites.length];
      const registered = await t.app.get(CasesService).register(manager, {
        siteId: site.id,
        identity: { givenName: 'Moussa', familyName: `Keita ${o}-${k}`, sex: 'male', birthYear: 1990 + k, nationality: 'MLI' },
        consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
      });
      shelters[o].cases.push(registered.case.id);
      const assignee = c.assignee === null ? null : members[c.assignee];
      if (assignee?.user.roles.some((r) => r === 'caseworker' || r === 'manager')) await t.app.get(CasesService).assign(manager, registered.case.id, assignee.user.id);
    }
    // Group activities, dated within the last weeks, at any organization's site created so far.
    const sites = (await t.db.rows<{ id: string }>('SELECT id FROM sites ORDER BY created_at, id')).map((s) => s.id);
    for (const [k, site] of spec.activities.entries()) {
      await t.app.get(ActivitiesService).record(manager, {
        siteId: sites[site % sites.length],
        date: new Date(Date.now() - (k * 7 + (site % 5)) * 86_400_000).toISOString().slice(0, 10),
        type: 'information_session',
        topic: `Risks of irregular migration ${o}-${k}`,
        participants: [{ sex: 'female', ageGroup: '18-59', count: 1 + k }],
      });
    }
    // Records no one signs in as: a deactivated user of each organization.
    const gone = await t.app.get(UsersService).create(systemActor(), {
      organizationId: org.org.id,
      email: `gone.${o}.${SEED}@property.test`,
      displayName: 'Deactivated',
      password: PASSWORD,
      roles: ['org_admin', 'caseworker'],
    });
    await t.app.get(UsersService).update(systemActor(), gone.id, { active: false });
  }
  // Each organization houses the first of its cases at a shelter of its own, and has already checked one out.
  for (const s of shelters) {
    const site = await t.app.get(SitesService).create(systemActor(), s.org, { name: 'Shelter', kind: 'shelter', bedCapacity: 10, services: ['shelter'] });
    const [first, second] = s.cases;
    const out = await t.app.get(StaysService).checkIn(s.manager, { caseId: first, siteId: site.id });
    await t.app.get(StaysService).checkOut(s.manager, out.stay.id);
    await t.app.get(StaysService).checkIn(s.manager, { caseId: second ?? first, siteId: site.id });
  }
  // ...and a deactivated organization with a site and an org admin.
  const closed = await makeOrg(t);
  await t.app.get(UsersService).create(systemActor(), { organizationId: closed.org.id, email: `closed.${SEED}@property.test`, displayName: 'Closed', password: PASSWORD, roles: ['org_admin'] });
  await t.app.get(OrganizationsService).update(systemActor(), closed.org.id, { active: false });
}, 120_000);
afterAll(() => t.close());

const actorArb = () => fc.integer({ min: 0, max: ORGS * USERS_PER_ORG - 1 }).map((i) => actors[i]);
const limitArb = fc.integer({ min: 1, max: 8 });
const params = () => ({ numRuns: NUM_RUNS, seed: SEED });

describe(`list = single-record read = ability.can("read") (DESIGN §2; seed ${SEED})`, () => {
  it('GET /me hands each user the rules the server enforces', async () => {
    for (const actor of actors) {
      const res = await as(t, actor).get('/api/v1/me').expect(200);
      expect(res.body.rules).toEqual(JSON.parse(JSON.stringify(actor.ability.rules)));
    }
  });

  it.each([
    { resource: 'users', type: 'User', sql: 'SELECT id, organization_id AS "organizationId", roles FROM users' },
    { resource: 'sites', type: 'Site', sql: 'SELECT id, organization_id AS "organizationId" FROM sites' },
    { resource: 'organizations', type: 'Organization', sql: 'SELECT id FROM organizations' },
    { resource: 'cases', type: 'Case', sql: 'SELECT id, owning_organization_id AS "owningOrganizationId", site_id AS "siteId", assigned_to AS "assignedTo" FROM cases' },
    { resource: 'activities', type: 'Activity', sql: 'SELECT id, owning_organization_id AS "owningOrganizationId" FROM activities', unlistable: 403 },
    { resource: 'stays', type: 'Stay', sql: 'SELECT id, owning_organization_id AS "owningOrganizationId" FROM stays' },
  ])('GET /api/v1/$resource lists exactly the records GET /api/v1/$resource/{id} answers 200 for', async ({ resource, type, sql, unlistable = 404 }) => {
    // Nothing in this file creates users, sites, organizations, cases, activities or stays once the pool is built.
    const records = await t.db.rows<{ id: string }>(sql);
    await fc.assert(
      fc.asyncProperty(actorArb(), limitArb, fc.subarray(records, { maxLength: Math.min(PROBES, records.length) }), async (actor, limit, probed) => {
        // A role that may read no such record (analysts and cases): 403 on the list.
        const mayList = actor.ability.can('read', type);
        if (!mayList) await expectDenied(actor, `/api/v1/${resource}`);
        const listed = mayList ? (await listAll(actor, `/api/v1/${resource}`, limit)).map((i) => i.id) : [];
        // The whole list against the rules, on every record...
        const allowed = records.filter((r) => actor.ability.can('read', subject(type, { ...r }))).map((r) => r.id);
        expect({ actor: actor.label, listed: sorted(listed) }).toEqual({ actor: actor.label, listed: sorted(allowed) });
        // ...and the single-record read against the list, on the records fast-check picked.
        const answers = await Promise.all(probed.map((r) => as(t, actor).get(`/api/v1/${resource}/${r.id}`)));
        for (const [i, res] of answers.entries()) {
          const id = probed[i].id;
          if (listed.includes(id)) {
            expect({ actor: actor.label, id, status: res.status }).toEqual({ actor: actor.label, id, status: 200 });
            expect(res.body.id).toBe(id);
          } else {
            // DESIGN §2: what a user may not see is 404, never 403 (no existence leak); a role
            // refused the route outright gets `unlistable` whatever the record, so nothing leaks either.
            const status = mayList ? 404 : unlistable;
            expect({ actor: actor.label, id, status: res.status }).toEqual({ actor: actor.label, id, status });
            expectProblem(res, status, status === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
          }
        }
      }),
      params(),
    );
  });

  it('GET /api/v1/audit-events lists exactly the events ability.can("read") allows (403 for who may read none)', async () => {
    await fc.assert(
      fc.asyncProperty(actorArb(), limitArb, async (actor, limit) => {
        const events = () => t.db.rows<{ id: string; seq: string; organizationId: string | null }>('SELECT id, seq, organization_id AS "organizationId" FROM audit_events');
        if (!actor.ability.can('read', 'AuditEvent')) {
          await expectDenied(actor, '/api/v1/audit-events');
          expect((await events()).filter((e) => actor.ability.can('read', subject('AuditEvent', { ...e })))).toEqual([]);
          return;
        }
        // Events keep coming (logins, denials): compare up to the newest one before the list.
        const [{ max }] = await t.db.rows<{ max: string }>('SELECT coalesce(max(seq), 0) AS max FROM audit_events');
        const upTo = Number(max);
        const listed = await listAll(actor, '/api/v1/audit-events', limit);
        const all = await events();
        const allowed = all.filter((e) => Number(e.seq) <= upTo && actor.ability.can('read', subject('AuditEvent', { ...e }))).map((e) => e.id);
        expect({ actor: actor.label, listed: sorted(listed.filter((e) => e.seq! <= upTo).map((e) => e.id)) }).toEqual({ actor: actor.label, listed: sorted(allowed) });
        const newer = all.filter((e) => listed.some((l) => l.id === e.id && l.seq! > upTo));
        expect(newer.every((e) => actor.ability.can('read', subject('AuditEvent', { ...e })))).toBe(true);
      }),
      params(),
    );
  });
});
