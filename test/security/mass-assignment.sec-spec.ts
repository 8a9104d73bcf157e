import { ROUTES } from './support/routes.js';
import { bodySchema, resolve } from './support/fuzz.js';
import { buildWorld, documentedRoutes, fingerprint, type OpenApiDoc, prepare, type Schema, send, type World } from './support/world.js';

/*
 * Mass assignment (OWASP API3:2023): a body that tries to set what the server owns — the owning
 * organization, status, version, roles, authorship, ids — is refused with 400 VALIDATION_FAILED
 * naming the field, and nothing changes. Tried on every route with a body (at the top level and in
 * every nested object), and on every action documented without a body. Fields a DTO does declare
 * (`roles` of POST /users, `organizationId` of a user) are inputs whose authorization the
 * permission matrix tests; here they are skipped at that level.
 *
 * Also: a reference in a body (siteId, caseId, userId…) to another organization's record is
 * refused (4xx) and changes nothing — BOLA through the body rather than the path.
 */

const SERVER_OWNED = [
  'id',
  'owningOrganizationId',
  'organizationId',
  'fromOrganizationId',
  'status',
  'version',
  'roles',
  'siteIds',
  'active',
  'createdBy',
  'updatedBy',
  'createdAt',
  'updatedAt',
  'caseNumber',
  'serialNumber',
  'passwordHash',
  'isAdmin',
  'requestedBy',
  'decidedBy',
  'submittedBy',
  'approvedBy',
  'respondBy',
  'outcome',
];
const VALUES: Record<string, unknown> = { version: 99, roles: ['platform_admin'], siteIds: [], active: false, isAdmin: true, status: 'closed' };

let w: World;
let doc: OpenApiDoc;
let documented: string[] = [];
let strangerCase: string;
/** An approved return and a scoring scheme of the unrelated organization. */
let strangerReturn: string;
let strangerScheme: string;
let total = 0;

beforeAll(async () => {
  w = await buildWorld();
  ({ doc, routes: documented } = await documentedRoutes(w.t));
  strangerCase = (
    await w
      .as('stranger:manager')
      .post('/api/v1/cases')
      .send({
        siteId: w.stranger.sites[0].id,
        identity: { givenName: 'Moussa', familyName: 'Keïta', sex: 'male', birthYear: 1990, nationality: 'MLI' },
        consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
      })
      .expect(201)
  ).body.id;
  const mgr = () => w.as('stranger:manager');
  await mgr().post(`/api/v1/cases/${strangerCase}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201);
  await mgr()
    .post(`/api/v1/cases/${strangerCase}/screenings`)
    .send({ wishesToReturn: true, countryOfReturn: 'GIN', nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'valid', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' })
    .expect(201);
  strangerReturn = (
    await mgr()
      .post(`/api/v1/cases/${strangerCase}/returns`)
      .send({ destinationCountry: 'GIN', destinationLocality: 'Kankan', mode: 'road', travelDocument: { type: 'laissez_passer', number: 'LP-GIN-0043' }, legs: [{ from: 'Gao', to: 'Niamey', departAt: '2026-12-01T06:00:00Z', carrier: 'Sonef' }] })
      .expect(201)
  ).body.id;
  await w.as('stranger:caseworker').post(`/api/v1/returns/${strangerReturn}/submit`).send({}).expect(200);
  await mgr().post(`/api/v1/returns/${strangerReturn}/approve`).send({}).expect(200);
  strangerScheme = (await w.as('stranger:org_admin').post('/api/v1/scoring-schemes').send(w.schemeBody()).expect(201)).body.id;
}, 120_000);
afterAll(() => {
  console.info(`mass assignment: ${total} requests`);
  return w?.t.close();
});

/** Every object inside `body` (its path) with the schema that describes it. */
function objectsOf(body: unknown, schema: Schema, path: string[] = []): { path: string[]; schema: Schema }[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const out = [{ path, schema }];
  for (const [k, v] of Object.entries(body)) {
    const prop = resolve(doc, schema.properties?.[k]);
    if (Array.isArray(v)) v.forEach((item, i) => out.push(...objectsOf(item, resolve(doc, prop.items), [...path, k, String(i)])));
    else out.push(...objectsOf(v, prop, [...path, k]));
  }
  return out;
}

const withKey = (body: unknown, path: string[], key: string, value: unknown): unknown => {
  const copy = JSON.parse(JSON.stringify(body));
  let node = copy;
  for (const k of path) node = node[k];
  node[key] = value;
  return copy;
};

const fieldName = (path: string[], key: string) => [...path, key].reduce((acc, k) => (/^\d+$/.test(k) ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');

const writes = () => documented.filter((r) => !r.startsWith('GET ') && ROUTES[r]);

it('every route with a body: server-owned fields at any level → 400 naming the field, nothing changed', async () => {
  const failures: string[] = [];
  for (const route of writes()) {
    const schema = bodySchema(doc, route);
    if (!schema) continue;
    const spec = ROUTES[route];
    const cell = await prepare(w, route, spec);
    const ids = Object.values(cell.params);
    for (const { path, schema: at } of objectsOf(cell.body ?? {}, schema)) {
      // A map (`additionalProperties`: a visit's answers by indicator code, a scheme's scales by
      // name) has data for keys, not fields: a key called `status` there sets no status. It must
      // still be refused or accepted cleanly (never a 5xx), and a refusal changes nothing.
      const isMap = !!at.additionalProperties && !at.properties;
      for (const key of SERVER_OWNED.filter((k) => !at.properties?.[k])) {
        const before = await fingerprint(w.t, ids);
        const res = await send(w, route, spec.owner, { ...cell, body: withKey(cell.body ?? {}, path, key, VALUES[key] ?? w.stranger.org.id) });
        total++;
        const field = fieldName(path, key);
        if (isMap) {
          if (res.status >= 500 || res.status < 200) failures.push(`${route} ${field} (a key of a map): ${res.status} ${res.body?.code}`);
          else if (res.status >= 400 && JSON.stringify(await fingerprint(w.t, ids)) !== JSON.stringify(before)) failures.push(`${route} ${field}: refused, yet data changed`);
          continue;
        }
        const named = (res.body?.errors ?? []).some((e: { field: string }) => e.field === field);
        if (res.status !== 400 || res.body?.code !== 'VALIDATION_FAILED' || !named) failures.push(`${route} ${field}: ${res.status} ${res.body?.code} ${JSON.stringify(res.body?.errors ?? '').slice(0, 200)}`);
        if (JSON.stringify(await fingerprint(w.t, ids)) !== JSON.stringify(before)) failures.push(`${route} ${field}: data changed`);
      }
    }
    // The control: the unaltered body is accepted.
    const ok = await send(w, route, spec.owner, cell);
    if (ok.status >= 300) failures.push(`${route}: the valid body got ${ok.status} ${ok.body?.code}`);
  }
  expect(failures).toEqual([]);
});

it('every action documented without a body: a body setting status, version, owner or roles → 400, nothing changed', async () => {
  const failures: string[] = [];
  const bodiless = writes().filter((r) => !bodySchema(doc, r));
  for (const route of bodiless) {
    const spec = ROUTES[route];
    const cell = await prepare(w, route, spec);
    const ids = Object.values(cell.params);
    for (const key of SERVER_OWNED) {
      const before = await fingerprint(w.t, ids);
      const res = await send(w, route, spec.owner, { ...cell, body: { [key]: VALUES[key] ?? w.stranger.org.id } });
      total++;
      if (res.status !== 400 || res.body?.code !== 'VALIDATION_FAILED') failures.push(`${route} {${key}}: ${res.status} ${res.body?.code}`);
      if (JSON.stringify(await fingerprint(w.t, ids)) !== JSON.stringify(before)) failures.push(`${route} {${key}}: data changed`);
    }
    const ok = await send(w, route, spec.owner, { ...cell, body: {} });
    if (ok.status >= 300) failures.push(`${route}: {} got ${ok.status} ${ok.body?.code}`);
  }
  expect(bodiless.length).toBeGreaterThanOrEqual(5);
  expect(failures).toEqual([]);
});

it('a body referring to another organization’s site, case or user → 4xx, nothing changed', async () => {
  const stranger = {
    site: w.stranger.sites[0].id,
    case: strangerCase,
    user: w.users.get('stranger:caseworker')!.user.id,
    return: strangerReturn,
    scheme: strangerScheme,
  };
  // References to the directory (which organization to refer to, whom a consent covers) are
  // legitimately any organization's; every other id names a record of one's own.
  // Group activities are recorded at any organization's site (issue 6: the directory is public).
  // Movements take one's own approved returns; visits score with a shipped scheme or one's own.
  const kindOf = (route: string, key: string): keyof typeof stranger | null => {
    if (/^(toOrganizationId|organizationIds|organizationId)$/.test(key)) return null;
    if (route === 'POST /api/v1/activities' && key === 'siteId') return null;
    if (/site/i.test(key)) return 'site';
    if (/case/i.test(key)) return 'case';
    if (/user|assigned/i.test(key)) return 'user';
    if (/^returnIds?$/.test(key)) return 'return';
    if (/scheme/i.test(key)) return 'scheme';
    return null;
  };
  const failures: string[] = [];
  let tried = 0;
  for (const route of writes()) {
    const schema = bodySchema(doc, route);
    if (!schema) continue;
    const spec = ROUTES[route];
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const p = resolve(doc, prop);
      const isId = p.format === 'uuid' || resolve(doc, p.items).format === 'uuid';
      const kind = kindOf(route, key);
      if (!isId || !kind) continue;
      const cell = await prepare(w, route, spec);
      const ids = [...Object.values(cell.params), stranger[kind]];
      const before = await fingerprint(w.t, ids);
      const value = p.type === 'array' ? [stranger[kind]] : stranger[kind];
      const res = await send(w, route, spec.owner, { ...cell, body: { ...(cell.body as object), [key]: value } });
      tried++;
      total++;
      if (res.status < 400 || res.status >= 500) failures.push(`${route} ${key} = another organization's ${kind}: ${res.status} ${res.body?.code}`);
      if (JSON.stringify(await fingerprint(w.t, ids)) !== JSON.stringify(before)) failures.push(`${route} ${key}: data changed`);
    }
  }
  console.info(`foreign references: ${tried} requests`);
  expect(tried).toBeGreaterThanOrEqual(10);
  expect(failures).toEqual([]);
});
