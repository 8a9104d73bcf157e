import { randomUUID } from 'node:crypto';
import type { Role } from '@passerelle/core';
import type { TestUser } from '../support/factories.js';
import { isPrivileged, ROUTES } from './support/routes.js';
import {
  buildWorld,
  type Caller,
  defaultParams,
  documentedRoutes,
  fingerprint,
  ORG_ROLES,
  pathParams,
  prepare,
  refusal,
  send,
  type World,
} from './support/world.js';

/*
 * Broken object-level authorization (BOLA/IDOR, OWASP API1:2023) and broken function-level
 * authorization (API5:2023), generated from the route table (/docs-json): a route documented
 * tomorrow is attacked tomorrow, once it has its ROUTES entry (else the first test fails naming it).
 *
 * - every route with an id: every role of an unrelated organization, the platform admin, and
 *   every caller of the owning organization without rights (analyst, auditor, org admin, a
 *   caseworker of another site) → 403/404 problem+json, nothing changed; then the owner → 2xx on
 *   the same record (so the refusals were about who, not about a broken request);
 * - the same with an unknown id (404), and a child id under another parent (404);
 * - every list, filtered by the ids of another organization's records, reveals none of them;
 * - every admin and approval action, by every lesser role alone and by one account holding all
 *   of them at once → refused, nothing changed.
 * The role × route statuses themselves are the permission matrix's (test/e2e/permissions.e2e-spec.ts).
 */

let w: World;
let routes: string[] = [];
const lesser = new Map<string, TestUser>();

beforeAll(async () => {
  w = await buildWorld();
  routes = (await documentedRoutes(w.t)).routes;
}, 120_000);
afterAll(() => w?.t.close());

const sideOf = (caller: Caller) => caller.split(':')[0];
const STRANGERS: Caller[] = ['stranger:org_admin', 'stranger:caseworker', 'stranger:manager', 'stranger:analyst', 'stranger:auditor', 'platform:platform_admin'];
const HOME: Caller[] = ['home:org_admin', 'home:caseworker', 'home:manager', 'home:analyst', 'home:auditor', 'home:outsider'];

/** Who must be refused on `route`'s records. */
function attackersOf(route: string): Caller[] {
  const spec = ROUTES[route];
  if (spec.directory) return [];
  const entitled = new Set<Caller>([spec.owner, ...(spec.sameOrg ?? [])]);
  return [...STRANGERS, ...HOME].filter((c) => !entitled.has(c));
}

const idRoutes = () => routes.filter((r) => pathParams(r).length > 0);

describe('the route table covers the API', () => {
  it('every documented route has a ROUTES entry (test/security/support/routes.ts)', () => {
    expect(routes.filter((r) => !ROUTES[r])).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('every admin or approval action declares the roles allowed to perform it', () => {
    expect(routes.filter((r) => isPrivileged(r) && !ROUTES[r]?.privileged)).toEqual([]);
  });
});

describe('BOLA: a record of another organization, or one without rights to it → 403/404, nothing changed', () => {
  // describe.each needs the routes at collection time: the document is fetched in beforeAll, so
  // iterate inside one test per route family instead and name every failing route.
  it('every route with an id: attackers refused, then the owner succeeds on the same record', async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const route of idRoutes()) {
      const spec = ROUTES[route];
      const attackers = attackersOf(route);
      if (!attackers.length) continue;
      const cell = await prepare(w, route, spec);
      const before = await fingerprint(w.t, Object.values(cell.params));
      for (const caller of attackers) {
        const res = await send(w, route, caller, cell);
        tried++;
        const why = refusal(res);
        if (why) failures.push(`${route} as ${caller}: ${why}`);
      }
      const after = await fingerprint(w.t, Object.values(cell.params));
      if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${route}: refused attempts changed the data ${diff(before, after)}`);
      const ok = await send(w, route, spec.owner, cell);
      if (ok.status >= 300) failures.push(`${route}: the owner ${spec.owner} got ${ok.status} ${ok.body?.code} (the attacks were not tested on a valid request)`);
    }
    console.info(`BOLA: ${tried} attacks on ${idRoutes().length} routes with an id`);
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(200);
  });

  it('an unknown id in any path parameter → 404 NOT_FOUND for the owner, nothing changed', async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const route of idRoutes()) {
      const spec = ROUTES[route];
      const cell = await prepare(w, route, spec);
      for (const name of pathParams(route)) {
        tried++;
        const forged = { ...cell, params: { ...cell.params, [name]: randomUUID() } };
        const before = await fingerprint(w.t, Object.values(cell.params));
        const res = await send(w, route, spec.owner, forged);
        if (res.status !== 404 || res.body?.code !== 'NOT_FOUND') failures.push(`${route} {${name}} unknown: ${res.status} ${res.body?.code}`);
        if (JSON.stringify(await fingerprint(w.t, Object.values(cell.params))) !== JSON.stringify(before)) failures.push(`${route} {${name}} unknown: data changed`);
      }
    }
    console.info(`BOLA unknown ids: ${tried} requests`);
    expect(failures).toEqual([]);
  });

  it('a child id under another parent (/cases/A/consents/<consent of B>…) → 404, nothing changed', async () => {
    const failures: string[] = [];
    const nested = idRoutes().filter((r) => pathParams(r).length > 1);
    for (const route of nested) {
      const spec = ROUTES[route];
      const cell = await prepare(w, route, spec);
      const [parent] = pathParams(route);
      const other = defaultParams(w)[route.split(' ')[1].split('/')[3]]();
      if (other === cell.params[parent]) {
        failures.push(`${route}: its setup must use a fresh parent record, so that another one can be swapped in`);
        continue;
      }
      const swapped = { ...cell, params: { ...cell.params, [parent]: other } };
      const before = await fingerprint(w.t, [...Object.values(cell.params), other]);
      const res = await send(w, route, spec.owner, swapped);
      if (res.status !== 404) failures.push(`${route} with another ${parent}: ${res.status} ${res.body?.code}`);
      if (JSON.stringify(await fingerprint(w.t, [...Object.values(cell.params), other])) !== JSON.stringify(before)) failures.push(`${route}: data changed`);
    }
    expect(nested.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it('no list reveals another organization’s records, whatever ids its filters are given', async () => {
    const { doc } = await documentedRoutes(w.t);
    const failures: string[] = [];
    let tried = 0;
    const lists = routes.filter((r) => r.startsWith('GET ') && pathParams(r).length === 0);
    for (const route of lists) {
      const op = doc.paths[route.split(' ')[1]].get;
      const idFilters = (op.parameters ?? []).filter((p) => p.in === 'query' && (p.schema?.format === 'uuid' || /Id$|^assignedTo$/.test(p.name))).map((p) => p.name);
      const spec = ROUTES[route];
      const base = (await prepare(w, route, spec)).query ?? {};
      const queries = [{}, base, ...idFilters.flatMap((name) => [...w.secrets(), w.home.sites[0].id, w.homeShelter].map((id) => ({ [name]: id })))];
      for (const caller of STRANGERS) {
        for (const query of queries) {
          const res = await send(w, route, caller, { params: {}, query });
          tried++;
          if (res.status >= 500) failures.push(`${route}?${new URLSearchParams(query)} as ${caller}: ${res.status}`);
          const leaked = w.secrets().filter((id) => JSON.stringify(res.body ?? '').includes(id) || (res.text ?? '').includes(id));
          if (leaked.length) failures.push(`${route}?${new URLSearchParams(query)} as ${caller} revealed ${leaked.join(', ')}`);
        }
      }
    }
    console.info(`BOLA lists: ${tried} filtered list requests by outsiders`);
    expect(failures).toEqual([]);
  });
});

describe('broken function-level authorization: admin and approval actions by every lesser role → refused', () => {
  beforeAll(async () => {
    const orgs = { home: w.home, partner: w.partner, platform: w.platform };
    for (const [side, org] of Object.entries(orgs)) {
      for (const role of ORG_ROLES) lesser.set(`${side}:${role}`, await w.userWith(org, [role]));
    }
  }, 120_000);

  it('each lesser role alone, and all of them in one account, are refused; nothing changes; the owner then succeeds', async () => {
    const failures: string[] = [];
    let tried = 0;
    const privileged = routes.filter((r) => ROUTES[r]?.privileged);
    for (const route of privileged) {
      const spec = ROUTES[route];
      const side = sideOf(spec.owner);
      const org = side === 'home' ? w.home : side === 'partner' ? w.partner : w.platform;
      const weaker = ORG_ROLES.filter((r) => !spec.privileged!.includes(r as Role));
      const attempts: [string, TestUser][] = weaker.map((r) => [r, lesser.get(`${side}:${r}`)!]);
      attempts.push([`${weaker.join('+')} in one account`, await w.userWith(org, weaker as Role[])]);
      const cell = await prepare(w, route, spec);
      const before = await fingerprint(w.t, Object.values(cell.params));
      for (const [label, user] of attempts) {
        const [method, path] = route.split(' ');
        const url = path.replace(/\{(\w+)\}/g, (_, n: string) => cell.params[n]);
        const req = w.t.http[method.toLowerCase() as 'post' | 'patch'](url).set({ authorization: `Bearer ${user.token}`, ...cell.headers });
        const res = await (cell.body === undefined ? req : req.send(cell.body as object));
        tried++;
        const why = refusal(res);
        if (why) failures.push(`${route} as ${side}:${label}: ${why}`);
      }
      if (JSON.stringify(await fingerprint(w.t, Object.values(cell.params))) !== JSON.stringify(before)) failures.push(`${route}: refused attempts changed the data`);
      const ok = await send(w, route, spec.owner, cell);
      if (ok.status >= 300) failures.push(`${route}: the owner ${spec.owner} got ${ok.status} ${ok.body?.code}`);
    }
    console.info(`BFLA: ${tried} attempts on ${privileged.length} admin and approval routes`);
    expect(failures).toEqual([]);
    expect(privileged.length).toBeGreaterThanOrEqual(12);
  });
});

function diff(a: Record<string, unknown>, b: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).map((k) => [k, [a[k], b[k]]])));
}
