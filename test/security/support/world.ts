import { randomBytes } from 'node:crypto';
import { type Role, SitesService, systemActor, UsersService } from '@passerelle/core';
import { startTestApp, type TestApp } from '../../support/app.js';
import { as, makeOrg, makeUser, PASSWORD, plannedMovement, returnOfCase, type TestOrg, type TestUser, yesNoSchemeBody } from '../../support/factories.js';

/**
 * The world the security suite attacks: one organization that owns the records ("home"), the
 * partner it refers cases to ("partner"), an unrelated organization ("stranger") and the platform.
 * Every request of the route table (ROUTES) is built against it. The route list itself comes from
 * /docs-json: a documented route without a ROUTES entry fails the suite, naming the route.
 */

export type Caller =
  | 'anonymous'
  | `home:${Exclude<Role, 'platform_admin'>}`
  | 'home:outsider'
  | `partner:${'caseworker' | 'manager'}`
  | `stranger:${Exclude<Role, 'platform_admin'>}`
  | 'platform:platform_admin';

const ORG_ROLES = ['org_admin', 'caseworker', 'manager', 'analyst', 'auditor'] as const;

/** One request: path parameters, query, body, headers. */
export interface Cell {
  params: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec {
  /** Who may make this request (the control: 2xx for them, after every refused attempt). */
  owner: Caller;
  /** A valid request for the owner; a fresh record where the owner's success changes its state. */
  setup?: (w: World) => Partial<Cell> | Promise<Partial<Cell>>;
  /** Callers of "home" (besides the owner) who may legitimately do this; the rest of home is refused. */
  sameOrg?: Caller[];
  /** Directory data (DESIGN §4): readable by every signed-in user, of any organization. */
  directory?: true;
  /**
   * Admin and approval actions (organizations, users, sites; approve, reject, assign, close,
   * reopen…): the roles allowed. Every other role of the owner's organization, alone or all of them
   * in one account, is refused.
   */
  privileged?: Role[];
  /** Ids that no user outside the owning side may learn from a list (leak detector). */
}

export interface World {
  t: TestApp;
  home: TestOrg;
  partner: TestOrg;
  stranger: TestOrg;
  platform: TestOrg;
  users: Map<Caller, TestUser>;
  /** A "home" caseworker, not a caller: the target of /users/{id}. */
  target: TestUser;
  homeShelter: string;
  homeCase: string;
  referredCase: string;
  liveReferral: string;
  homeActivity: string;
  homeStay: string;
  homeLetter: { id: string; verificationToken: string };
  homeAlert: string;
  /** Home's draft return (/returns/{id}), planned movement (/movements/{id}), draft plan on a returnee case, and scoring scheme. */
  homeReturn: string;
  homeMovement: string;
  homePlan: { id: string; caseId: string };
  homeScheme: string;
  /** Home managers who are not callers: they prepare the plans and request the anonymizations the callers decide (maker-checker). */
  planner: TestUser;
  requester: TestUser;
  /** Ids of home's private records: none may appear in what a stranger reads. */
  secrets(): string[];
  as(caller: Caller): ReturnType<typeof as>;
  unique(): string;
  freshCase(): Promise<string>;
  referableCase(): Promise<string>;
  freshReferral(status?: 'pending' | 'accepted'): Promise<string>;
  freshStay(): Promise<string>;
  freshExtension(): Promise<{ id: string; extId: string }>;
  freshLetter(): Promise<string>;
  freshAlert(): Promise<string>;
  /** A return of a fresh eligible case: drafted by the home manager, submitted by the home caseworker, approved by the home manager. */
  freshReturn(status?: 'draft' | 'submitted' | 'approved' | 'departed'): Promise<string>;
  freshMovement(): Promise<{ id: string; returnId: string }>;
  freshReturnee(): Promise<string>;
  /** A plan with one planned item, prepared by the planner; approved by the home manager. */
  freshPlan(status?: 'draft' | 'submitted' | 'approved' | 'in_progress'): Promise<{ id: string; itemId: string }>;
  planItem(): { type: string; description: string; budgetXof: number };
  planVersion(id: string): Promise<number>;
  schemeBody(): Record<string, unknown>;
  freshClosedCase(): Promise<string>;
  /** A pending anonymization request (by the requester) of a fresh closed case. */
  freshAnonymizationRequest(): Promise<string>;
  freshSession(): Promise<TestUser>;
  freshOrg(): Promise<TestOrg>;
  /** A fresh office of "home". */
  freshSite(): Promise<string>;
  caseVersion(id: string): Promise<number>;
  /** A user of `org` holding every role in `roles` at once (e.g. all the lesser roles). */
  userWith(org: TestOrg, roles: Role[]): Promise<TestUser>;
}

export const ANONYMOUS = 'anonymous';

export async function buildWorld(env: Record<string, string> = {}): Promise<World> {
  const t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_RATE_LIMIT_PER_MINUTE: '100000', LETTER_VERIFY_RATE_LIMIT_PER_MINUTE: '100000', ...env } });
  let seq = 0;
  const unique = () => `${++seq}${randomBytes(2).toString('hex')}`;
  const platform = await makeOrg(t, { capabilities: [], sites: [] });
  const caps = ['information', 'health', 'shelter', 'return', 'reintegration', 'indulgence_letter', 'legal', 'protection'] as const;
  const home = await makeOrg(t, { capabilities: [...caps], sites: [{}, {}] });
  const partner = await makeOrg(t, { capabilities: [...caps] });
  const stranger = await makeOrg(t, { capabilities: [...caps] });
  const users = new Map<Caller, TestUser>();
  for (const role of ORG_ROLES) {
    // Home's staff work at site 0 only; the outsider below works at site 1.
    users.set(`home:${role}`, await makeUser(t, home, [role], { siteIds: [home.sites[0].id] }));
    users.set(`stranger:${role}`, await makeUser(t, stranger, [role]));
  }
  users.set('home:outsider', await makeUser(t, home, ['caseworker'], { siteIds: [home.sites[1].id] }));
  users.set('partner:caseworker', await makeUser(t, partner, ['caseworker']));
  users.set('partner:manager', await makeUser(t, partner, ['manager']));
  users.set('platform:platform_admin', await makeUser(t, platform, ['platform_admin']));
  const target = await makeUser(t, home, ['caseworker'], { siteIds: [home.sites[0].id] });

  const asCaller = (caller: Caller) => as(t, users.get(caller)!);
  const mgr = () => asCaller('home:manager');
  const newCaseBody = () => ({
    siteId: home.sites[0].id,
    identity: { givenName: 'Aminata', familyName: `Traoré ${unique()}`, sex: 'female', birthYear: 1999, nationality: 'GIN' },
    consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
  });
  const freshCase = async (): Promise<string> => (await mgr().post('/api/v1/cases').send(newCaseBody()).expect(201)).body.id;
  const referableCase = async (): Promise<string> => {
    const id = await freshCase();
    await mgr().post(`/api/v1/cases/${id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed' }).expect(201);
    return id;
  };
  const referralBody = () => ({ toOrganizationId: partner.org.id, serviceType: 'health', urgency: 'normal', reason: `needs a doctor (${unique()})` });
  const freshReferral = async (status: 'pending' | 'accepted' = 'pending'): Promise<string> => {
    const id = (await mgr().post(`/api/v1/cases/${await referableCase()}/referrals`).send(referralBody()).expect(201)).body.id;
    if (status === 'accepted') await asCaller('partner:manager').post(`/api/v1/referrals/${id}/accept`).send({}).expect(200);
    return id;
  };
  const homeShelter = (await t.app.get(SitesService).create(systemActor(), home.org.id, { name: 'Home shelter', kind: 'shelter', bedCapacity: 1000, services: ['shelter'] })).id;
  const freshStay = async (): Promise<string> => (await mgr().post('/api/v1/stays').send({ caseId: await freshCase(), siteId: homeShelter }).expect(201)).body.id;
  const freshExtension = async () => {
    const id = await freshStay();
    const ext = await asCaller('home:caseworker').post(`/api/v1/stays/${id}/extensions`).send({ days: 3, reason: `awaiting the convoy (${unique()})` }).expect(201);
    return { id, extId: ext.body.id as string };
  };
  const letterBody = () => {
    const today = new Date();
    const later = new Date(today.getTime() + 14 * 86_400_000);
    return { validFrom: today.toISOString().slice(0, 10), validUntil: later.toISOString().slice(0, 10), purpose: `transit ${unique()}`, route: { from: 'Gao', to: 'Bamako', via: ['Mopti'] } };
  };
  const freshLetter = async (): Promise<string> => (await mgr().post(`/api/v1/cases/${await freshCase()}/letters`).send(letterBody()).expect(201)).body.id;
  const freshAlert = async (): Promise<string> =>
    (await t.db.row<{ id: string }>(
      `INSERT INTO alerts (recipient_user_id, organization_id, type, entity_type, entity_id, message, status, dedupe_key, created_at)
       VALUES ($1, $2, 'referral_overdue', 'Referral', $3, 'security suite alert', 'open', $4, now()) RETURNING id`,
      [users.get('home:caseworker')!.user.id, home.org.id, liveReferral, `security:${unique()}`],
    ))!.id;

  const freshReturn = async (status: 'draft' | 'submitted' | 'approved' | 'departed' = 'draft'): Promise<string> =>
    returnOfCase(mgr(), asCaller('home:caseworker'), await freshCase(), status);
  const freshMovement = async (): Promise<{ id: string; returnId: string }> => plannedMovement(mgr(), await freshReturn('approved'));
  const planner = await makeUser(t, home, ['manager'], { siteIds: [home.sites[0].id] });
  const requester = await makeUser(t, home, ['manager'], { siteIds: [home.sites[0].id] });
  const asPlanner = () => as(t, planner);
  const freshReturnee = async (): Promise<string> => {
    const id = (await asPlanner().post('/api/v1/cases').send({ ...newCaseBody(), migrantCategory: 'returnee' }).expect(201)).body.id;
    await asPlanner().post(`/api/v1/cases/${id}/consents`).send({ purpose: 'reintegration', basis: 'consent', method: 'signed' }).expect(201);
    return id;
  };
  const planItem = () => ({ type: 'market_gardening', description: `Market garden kit (${unique()})`, budgetXof: 250000 });
  const freshPlan = async (status: 'draft' | 'submitted' | 'approved' | 'in_progress' = 'draft'): Promise<{ id: string; itemId: string }> => {
    const caseId = await freshReturnee();
    const id = (await asPlanner().post(`/api/v1/cases/${caseId}/reintegration-plan`).send({}).expect(201)).body.id;
    const itemId = (await asPlanner().post(`/api/v1/reintegration-plans/${id}/items`).send(planItem()).expect(201)).body.id;
    if (status !== 'draft') await asPlanner().post(`/api/v1/reintegration-plans/${id}/submit`).expect(200);
    if (status === 'approved' || status === 'in_progress') await mgr().post(`/api/v1/reintegration-plans/${id}/approve`).expect(200);
    if (status === 'in_progress') await asPlanner().post(`/api/v1/reintegration-plans/${id}/items/${itemId}/cancel`).send({ reason: 'not needed' }).expect(200);
    return { id, itemId };
  };
  const schemeBody = () => yesNoSchemeBody(`security-scheme-${unique()}`);
  const freshClosedCase = async (): Promise<string> => {
    const id = await freshCase();
    await mgr().post(`/api/v1/cases/${id}/close`).send({ reason: 'continued_journey' }).expect(200);
    return id;
  };
  const freshAnonymizationRequest = async (): Promise<string> =>
    (await as(t, requester).post(`/api/v1/cases/${await freshClosedCase()}/anonymization-requests`).send().expect(201)).body.id;

  const homeCase = await freshCase();
  const referredCase = await referableCase();
  const liveReferral = (await mgr().post(`/api/v1/cases/${referredCase}/referrals`).send(referralBody()).expect(201)).body.id as string;
  const homeActivity = (
    await mgr()
      .post('/api/v1/activities')
      .send({ siteId: home.sites[0].id, date: new Date().toISOString().slice(0, 10), type: 'awareness_campaign', topic: `Risks (${unique()})`, participants: [{ sex: 'female', ageGroup: '18-59', count: 4 }] })
      .expect(201)
  ).body.id as string;
  const homeStay = await freshStay();
  const homeLetter = (await mgr().post(`/api/v1/cases/${homeCase}/letters`).send(letterBody()).expect(201)).body;
  const homeAlert = await freshAlert();
  const homeReturn = await freshReturn();
  const homeMovement = (await freshMovement()).id;
  const planCase = await freshReturnee();
  const homePlan = { id: (await asPlanner().post(`/api/v1/cases/${planCase}/reintegration-plan`).send({}).expect(201)).body.id as string, caseId: planCase };
  const homeScheme = (await asCaller('home:org_admin').post('/api/v1/scoring-schemes').send(schemeBody()).expect(201)).body.id as string;

  return {
    t,
    home,
    partner,
    stranger,
    platform,
    users,
    target,
    homeShelter,
    homeCase,
    referredCase,
    liveReferral,
    homeActivity,
    homeStay,
    homeLetter,
    homeAlert,
    homeReturn,
    homeMovement,
    homePlan,
    homeScheme,
    planner,
    requester,
    secrets: () => [homeCase, referredCase, liveReferral, homeActivity, homeStay, homeLetter.id, homeAlert, homeReturn, homeMovement, homePlan.id, homePlan.caseId, homeScheme],
    as: asCaller,
    unique,
    freshCase,
    referableCase,
    freshReferral,
    freshStay,
    freshExtension,
    freshLetter,
    freshAlert,
    freshReturn,
    freshMovement,
    freshReturnee,
    freshPlan,
    planItem,
    async planVersion(id: string) {
      return (await t.db.row<{ version: number }>('SELECT version FROM reintegration_plans WHERE id = $1', [id]))!.version;
    },
    schemeBody,
    freshClosedCase,
    freshAnonymizationRequest,
    async freshSession() {
      return makeUser(t, home, ['caseworker'], { siteIds: [home.sites[0].id] });
    },
    freshOrg: () => makeOrg(t, { capabilities: ['information'] }),
    async freshSite() {
      return (await t.app.get(SitesService).create(systemActor(), home.org.id, { name: `Office ${unique()}`, kind: 'office', services: [] })).id;
    },
    async caseVersion(id: string) {
      return (await t.db.row<{ version: number }>('SELECT version FROM cases WHERE id = $1', [id]))!.version;
    },
    async userWith(org: TestOrg, roles: Role[]) {
      const email = `combo.${unique()}@${org.org.code.toLowerCase()}.test`;
      const user = await t.app.get(UsersService).create(systemActor(), {
        organizationId: org.org.id,
        email,
        displayName: `Combined ${roles.join(' ')}`,
        password: PASSWORD,
        roles,
        siteIds: org.sites.map((s) => s.id),
      });
      const res = await t.http.post('/api/v1/auth/login').send({ email, password: PASSWORD }).expect(200);
      return { user, email, token: res.body.accessToken, refreshToken: res.body.refreshToken };
    },
  };
}

/** Every method + path of the OpenAPI document (`GET /api/v1/cases/{id}`). */
export async function documentedRoutes(t: TestApp): Promise<{ routes: string[]; doc: OpenApiDoc }> {
  const doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDoc;
  const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
  return { routes, doc };
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}
export interface OpenApiOperation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
}
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
}

export const pathParams = (route: string): string[] => [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

/** The request of `route` with `cell`, as `caller`. */
export function send(w: World, route: string, caller: Caller, cell: Cell) {
  const [method, path] = route.split(' ');
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(cell.params[name]));
  const m = method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  const base = caller === 'anonymous' ? w.t.http[m](url) : w.as(caller)[m](url);
  const req = base.set(cell.headers ?? {}).query(cell.query ?? {});
  return cell.body === undefined ? req : req.send(cell.body as object);
}

/** Path parameters by default: the records of "home". */
export function defaultParams(w: World): Record<string, () => string> {
  return {
    organizations: () => w.home.org.id,
    sites: () => w.home.sites[0].id,
    users: () => w.target.user.id,
    cases: () => w.homeCase,
    referrals: () => w.liveReferral,
    activities: () => w.homeActivity,
    stays: () => w.homeStay,
    letters: () => w.homeLetter.id,
    alerts: () => w.homeAlert,
    returns: () => w.homeReturn,
    movements: () => w.homeMovement,
    'reintegration-plans': () => w.homePlan.id,
    'scoring-schemes': () => w.homeScheme,
  };
}

/** The full request of `route` for its owner: ROUTES' setup plus default path parameters. */
export async function prepare(w: World, route: string, spec: RouteSpec | undefined): Promise<Cell> {
  if (!spec) throw new Error(`${route} has no entry in test/security/support/routes.ts: add one (owner, setup, who else may call it)`);
  const path = route.split(' ')[1];
  const setup = (await spec.setup?.(w)) ?? {};
  const params: Record<string, string> = { ...setup.params };
  for (const name of pathParams(route)) {
    params[name] ??= defaultParams(w)[path.split('/')[3]]?.();
    if (!params[name]) throw new Error(`no record to put in {${name}} of ${route}: add one to its setup in routes.ts`);
  }
  return { ...setup, params };
}

/**
 * What the database holds, as far as a request could have changed it: the row count of every
 * table, and a hash of every row whose id is one of `ids`. Denials are audited (issue 4), so
 * `access.denied` events are left out; everything else must not move after a refusal.
 */
export async function fingerprint(t: TestApp, ids: string[] = []): Promise<Record<string, string | number>> {
  const tables = await tablesOf(t);
  const counts = tables
    .map(({ table }) =>
      table === 'audit_events'
        ? `SELECT 'count:audit_events' AS k, count(*)::text AS v FROM audit_events WHERE action <> 'access.denied'`
        : `SELECT 'count:${table}' AS k, count(*)::text AS v FROM "${table}"`,
    )
    .join(' UNION ALL ');
  const rows = await t.db.rows<{ k: string; v: string }>(counts);
  const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (uuids.length) {
    const withId = tables.filter((x) => x.hasId);
    const hashes = withId.map(({ table }) => `SELECT '${table}:' || x.id AS k, md5(to_jsonb(x)::text) AS v FROM "${table}" x WHERE x.id = ANY($1::uuid[])`).join(' UNION ALL ');
    rows.push(...(await t.db.rows<{ k: string; v: string }>(hashes, [uuids])));
  }
  return Object.fromEntries(rows.map((r) => [r.k, r.v]));
}

let tableCache: { table: string; hasId: boolean }[] | null = null;
async function tablesOf(t: TestApp) {
  tableCache ??= await t.db.rows<{ table: string; hasId: boolean }>(
    `SELECT t.table_name AS table,
            EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'id' AND c.data_type = 'uuid') AS "hasId"
     FROM information_schema.tables t
     WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
       -- the audit trail's bookkeeping: follows audit_events, whose count stands for it
       AND t.table_name NOT IN ('migrations', 'audit_unsealed', 'audit_seals')
     ORDER BY 1`,
  );
  return tableCache;
}

/** A refusal of a record: 403 or 404 problem+json, no stack, no SQL. */
export function refusal(res: { status: number; headers: Record<string, string>; body: { code?: string } }): string | null {
  if (res.status !== 403 && res.status !== 404) return `status ${res.status} (${res.body?.code ?? ''})`;
  if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) return `content-type ${res.headers['content-type']}`;
  if (!['FORBIDDEN', 'NOT_FOUND', 'SELF_APPROVAL_FORBIDDEN', 'CAPABILITY_REQUIRED'].includes(res.body?.code ?? '')) return `code ${res.body?.code}`;
  return null;
}

export { ORG_ROLES };
