import { connect, type Socket } from 'node:net';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser } from '../support/factories.js';
import { raw } from './support/raw-socket.js';
import { ROUTES } from './support/routes.js';
import { bodySchema } from './support/fuzz.js';
import { buildWorld, documentedRoutes, fingerprint, type OpenApiDoc, prepare, send, type World } from './support/world.js';

/*
 * Resource limits (OWASP API4:2023): page sizes, body sizes, slow clients, rate limits. Generated
 * from the route table where the API has many doors (every list, every body); the rest by hand.
 * Already elsewhere: limit > 200 on GET /cases and bodies over 1 MiB on two routes
 * (test/e2e/platform, cases-input), the login bucket (auth) and the letter-check bucket
 * (letters-rate-limit): those are generalised here to every route.
 */

let w: World;
let doc: OpenApiDoc;
let documented: string[] = [];
let total = 0;

beforeAll(async () => {
  w = await buildWorld({ HTTP_HEADERS_TIMEOUT_SECONDS: '2', HTTP_REQUEST_TIMEOUT_SECONDS: '4' });
  ({ doc, routes: documented } = await documentedRoutes(w.t));
}, 120_000);
afterAll(() => {
  console.info(`resource limits: ${total} requests`);
  return w?.t.close();
});

const lists = () => documented.filter((r) => r.startsWith('GET ') && (doc.paths[r.split(' ')[1]].get.parameters ?? []).some((p) => p.name === 'limit'));

it('every list: limit above 200, zero, negative, fractional, exponent or not a number → 400 naming limit; 200 is accepted', async () => {
  const failures: string[] = [];
  for (const route of lists()) {
    const spec = ROUTES[route];
    const cell = await prepare(w, route, spec);
    for (const limit of ['201', '1000', '0', '-1', '1.5', '1e2', 'abc', '99999999999999999999', '', ' 50', '0x10']) {
      const res = await send(w, route, spec.owner, { ...cell, query: { ...cell.query, limit } });
      total++;
      const named = (res.body?.errors ?? []).some((e: { field: string }) => e.field === 'limit');
      if (res.status !== 400 || res.body?.code !== 'VALIDATION_FAILED' || !named) failures.push(`${route}?limit=${limit}: ${res.status} ${res.body?.code}`);
    }
    const ok = await send(w, route, spec.owner, { ...cell, query: { ...cell.query, limit: '200' } });
    total++;
    if (ok.status !== 200) failures.push(`${route}?limit=200: ${ok.status}`);
    const cursor = await send(w, route, spec.owner, { ...cell, query: { ...cell.query, cursor: 'A'.repeat(5000) } });
    total++;
    if (cursor.status !== 400) failures.push(`${route}?cursor=<5000 chars>: ${cursor.status}`);
  }
  expect(lists().length).toBeGreaterThanOrEqual(15);
  expect(failures).toEqual([]);
});

it('every route with a body: over 1 MiB → 413 PAYLOAD_TOO_LARGE, nothing written; a lying Content-Length too', async () => {
  const failures: string[] = [];
  const writes = documented.filter((r) => !r.startsWith('GET ') && bodySchema(doc, r));
  for (const route of writes) {
    const spec = ROUTES[route];
    const cell = await prepare(w, route, spec);
    const before = await fingerprint(w.t, Object.values(cell.params));
    const big = { ...(cell.body as object), padding: 'x'.repeat(1024 * 1024) };
    const res = await send(w, route, spec.owner, { ...cell, body: big });
    total++;
    if (res.status !== 413 || res.body?.code !== 'PAYLOAD_TOO_LARGE' || !/problem\+json/.test(res.headers['content-type'])) failures.push(`${route}: ${res.status} ${res.body?.code}`);
    if (JSON.stringify(await fingerprint(w.t, Object.values(cell.params))) !== JSON.stringify(before)) failures.push(`${route}: data changed`);
  }
  // Content-Length says 50 MiB: refused from the header, before a byte of body is read.
  const port = await listening();
  const head = await raw(port, 'POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\nConnection: close\r\n\r\n{"a":', 3000);
  total++;
  expect(head).toMatch(/^HTTP\/1\.1 413 /);
  expect(head).toMatch(/application\/problem\+json/);
  expect(writes.length).toBeGreaterThanOrEqual(20);
  expect(failures).toEqual([]);
});

it('a 20 kB URL or 1,000 repeated parameters → a 4xx, never a 5xx, and the server keeps serving', async () => {
  const port = await listening();
  const longUrl = await raw(port, `GET /api/v1/cases?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 3000);
  expect(longUrl).toMatch(/^HTTP\/1\.1 4\d\d /);
  const many = await w.as('home:caseworker').get(`/api/v1/cases?${Array.from({ length: 1000 }, () => 'status=open').join('&')}`);
  expectProblem(many, 400, 'VALIDATION_FAILED');
  const long = await w.as('home:caseworker').get(`/api/v1/cases?q=${'a'.repeat(2000)}`);
  expect(long.status).toBe(400);
  total += 3;
  await w.t.http.get('/health/live').expect(200);
});

// Requests Node's parser refuses before Fastify (issue 28): a problem with a code, not Fastify's bare JSON.
it.each([
  ['headers over 16 KiB', 431, 'HEADERS_TOO_LARGE', `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
  ['a request line that is not HTTP', 400, 'MALFORMED_REQUEST', 'GET /api/v1/me HTTX/9\r\nHost: x\r\n\r\n'],
  ['a broken header line', 400, 'MALFORMED_REQUEST', 'GET /api/v1/me HTTP/1.1\r\nHost x\r\n\r\n'],
])('%s → %i problem+json %s, no-store, connection closed', async (_label, status, code, text) => {
  const port = await listening();
  const res = await raw(port, text, 3000);
  const [head, body] = res.split('\r\n\r\n');
  expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  expect(head).toMatch(/content-type: application\/problem\+json/i);
  expect(head).toMatch(/cache-control: no-store/i);
  expect(head).toMatch(/connection: close/i);
  expect(JSON.parse(body)).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//) });
  await w.t.http.get('/health/live').expect(200);
});

describe('slow clients (slowloris) do not hold the server', () => {
  it('20 clients dribbling their headers a byte every 300 ms: others are served at once, and each slow one is cut off after the headers timeout (2 s here)', async () => {
    const port = await listening();
    const started = Date.now();
    const slow = Array.from({ length: 20 }, () => dribble(port, 'GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100), 300));
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      await w.t.http.get('/health/live').expect(200);
      expect(Date.now() - t0).toBeLessThan(1000);
    }
    const closed = await Promise.all(slow);
    total += 25;
    for (const c of closed) {
      expect(c.closedAfterMs).toBeLessThan(6000);
      // Node answers 408 Request Timeout before closing, or just closes.
      expect(c.received).toMatch(/^(HTTP\/1\.1 408 |$)/);
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a body sent a byte at a time is cut off after the request timeout (4 s here)', async () => {
    const port = await listening();
    const c = await dribble(port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n' + '{"email":"' + 'a'.repeat(900), 100, 20);
    total++;
    expect(c.closedAfterMs).toBeLessThan(8000);
    expect(c.closedAfterMs).toBeGreaterThan(1500);
  });
});

describe('rate limits answer 429 problem+json with Retry-After (login, public letter check, the rest)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3', LETTER_VERIFY_RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '20' } });
  });
  afterAll(() => t?.close());

  it.each([
    ['POST /api/v1/auth/login', () => t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.org', password: 'not the password' })],
    ['GET /api/v1/public/letters/verify', () => t.http.get('/api/v1/public/letters/verify').query({ token: 'a.b.c' })],
    ['GET /api/v1/public/letters/keys (the general bucket)', () => t.http.get('/api/v1/public/letters/keys')],
  ])('%s', async (_route, call) => {
    let res = await call();
    for (let i = 0; i < 25 && res.status !== 429; i++) res = await call();
    total += 25;
    expectProblem(res, 429, 'RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a flood of sign-ins from one address does not lock out a user signing in from another (the per-IP bucket, not the account)', async () => {
    const org = await makeOrg(t);
    const user = await makeUser(t, org, ['caseworker']).catch(() => null);
    // The bucket of 127.0.0.1 may already be spent by the test above; the account is not locked.
    const locked = await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM account_lockouts');
    expect(locked!.n).toBe(0);
    if (user) await as(t, user).get('/api/v1/me').expect(200);
  });
});

// ---- sockets ------------------------------------------------------------------------------------

let port: number | null = null;
async function listening(): Promise<number> {
  if (port) return port;
  await w.t.app.listen(0, '127.0.0.1');
  port = (w.t.app.getHttpServer().address() as { port: number }).port;
  return port;
}

/** Writes `text` one byte every `everyMs` (from byte `from` on; all before at once) until the server hangs up. */
function dribble(p: number, text: string, everyMs: number, from = 0): Promise<{ closedAfterMs: number; received: string }> {
  return new Promise((resolve) => {
    const s: Socket = connect(p, '127.0.0.1');
    const started = Date.now();
    let received = '';
    let i = from;
    let timer: NodeJS.Timeout;
    s.on('connect', () => {
      if (from) s.write(text.slice(0, from));
      timer = setInterval(() => {
        if (i < text.length && !s.destroyed) s.write(text[i++]);
      }, everyMs);
    });
    s.on('data', (d) => (received += d.toString('latin1')));
    const end = () => {
      clearInterval(timer);
      s.destroy();
      resolve({ closedAfterMs: Date.now() - started, received });
    };
    s.on('close', end);
    s.on('error', end);
    setTimeout(end, 15_000);
  });
}
