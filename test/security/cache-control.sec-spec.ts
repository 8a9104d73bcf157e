import { STORED_ENTITY_TYPES } from '@passerelle/core';
import { PASSWORD } from '../support/factories.js';
import { ROUTES } from './support/routes.js';
import { buildWorld, documentedRoutes, prepare, send, type World } from './support/world.js';

/*
 * Personal data and tokens are never kept by a browser, its back/forward cache or a proxy
 * (issue 28): a shared computer at a transit centre must not show the last user's cases.
 * Every GET of the route table, as its owner, the sign-in, refresh and sign-out answers, and
 * errors, carry Cache-Control: no-store; the public letter keys keep their long cache.
 */

let w: World;
let documented: string[] = [];

beforeAll(async () => {
  w = await buildWorld();
  ({ routes: documented } = await documentedRoutes(w.t));
}, 120_000);
afterAll(() => w?.t.close());

const CACHEABLE = ['GET /api/v1/public/letters/keys'];

it('every GET under /api/v1 of the route table, as its owner: 2xx with Cache-Control: no-store', async () => {
  const gets = documented.filter((r) => r.startsWith('GET /api/v1/') && !CACHEABLE.includes(r));
  const failures: string[] = [];
  for (const route of gets) {
    const spec = ROUTES[route];
    const res = await send(w, route, spec.owner, await prepare(w, route, spec));
    if (res.status >= 300 || res.headers['cache-control'] !== 'no-store') failures.push(`${route}: ${res.status} cache-control=${res.headers['cache-control']}`);
  }
  expect(gets.length).toBeGreaterThanOrEqual(50);
  expect(failures).toEqual([]);
});

it('sign-in, refresh and sign-out answers (tokens): no-store, cookie flow and body flow', async () => {
  for (const route of ['POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'POST /api/v1/auth/logout']) {
    const spec = ROUTES[route];
    const res = await send(w, route, spec.owner, await prepare(w, route, spec));
    expect([route, res.status < 300, res.headers['cache-control']]).toEqual([route, true, 'no-store']);
  }
  const web = await w.t.http.post('/api/v1/auth/login').set('x-requested-with', 'passerelle-web').send({ email: w.target.email, password: PASSWORD });
  expect([web.status, web.headers['cache-control']]).toEqual([200, 'no-store']);
});

it('errors under /api/v1 are no-store too: 401, 403, 404, 400, a failed sign-in', async () => {
  const answers = [
    await w.t.http.get('/api/v1/me'),
    await w.as('home:caseworker').get('/api/v1/audit-events'),
    await w.as('home:caseworker').get(`/api/v1/cases/00000000-0000-4000-8000-000000000000`),
    await w.as('home:caseworker').get('/api/v1/no-such-route'),
    await w.as('home:auditor').get('/api/v1/audit-events?entityType=spaceship'),
    await w.t.http.post('/api/v1/auth/login').send({ email: w.target.email, password: 'wrong password, wrong' }),
  ];
  expect(answers.map((r) => [r.status, r.headers['cache-control']])).toEqual([
    [401, 'no-store'],
    [403, 'no-store'],
    [404, 'no-store'],
    [404, 'no-store'],
    [400, 'no-store'],
    [401, 'no-store'],
  ]);
});

it('the public letter keys keep their long cache', async () => {
  const res = await w.t.http.get('/api/v1/public/letters/keys').expect(200);
  expect(res.headers['cache-control']).toBe('public, max-age=3600');
});

// Issue 28, audit entity types: everything the world's requests wrote is a type the filter knows.
it('every entity type the walk wrote to the audit trail is one the audit filter can name', async () => {
  const stored = (await w.t.db.rows<{ entity_type: string }>('SELECT DISTINCT entity_type FROM audit_events')).map((r) => r.entity_type);
  expect(stored.length).toBeGreaterThan(5);
  expect(stored.filter((s) => !(STORED_ENTITY_TYPES as readonly string[]).includes(s))).toEqual([]);
});
