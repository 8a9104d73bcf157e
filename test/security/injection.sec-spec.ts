import { raw } from './support/raw-socket.js';
import { ROUTES } from './support/routes.js';
import { buildWorld, documentedRoutes, fingerprint, type OpenApiDoc, prepare, send, type World } from './support/world.js';

/*
 * Injection (OWASP API8:2023 misconfiguration / API10 unsafe consumption, CWE-89, CWE-113):
 *   - SQL metacharacters, pg_trgm- and regex-hostile strings, NUL and invalid UTF-8 in `q` and in
 *     every query parameter of every GET route (from /docs-json): a 200 or a 4xx problem+json,
 *     never a 5xx, never slower than 3 s (no pg_sleep ran, no search blew up), nothing changed;
 *   - CR/LF, obs-fold, NUL, non-ASCII and over-long values in `X-Request-Id` and
 *     `Idempotency-Key`, over a raw socket (Node's client refuses to send them): the response
 *     never carries an attacker's header, and a request id we echo (and log) is always sane.
 */

const PAYLOADS = [
  "'",
  "''",
  '"',
  '\\',
  "' OR '1'='1",
  "'; DROP TABLE cases; --",
  "1; SELECT pg_sleep(3)",
  "' || pg_sleep(3) || '",
  "'||(SELECT pg_sleep(3))||'",
  '$$; SELECT 1; $$',
  '%',
  '%%%%%%%%%%',
  '_',
  '%_%_%',
  '\\%',
  '[a-z]*',
  '.*.*.*.*.*.*.*.*.*.*',
  '(?<x>',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'é'.repeat(100),
  'e\u0301'.repeat(50),
  '\u202Eabc',
  '🧨',
  'a'.repeat(200),
  Array.from({ length: 60 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(' '),
  Array.from({ length: 20 }, () => 'aminata traore').join(' '),
  'NULL',
  'null',
  'undefined',
  'true',
  '-1',
  '1e308',
  '00000000-0000-0000-0000-000000000000',
  "00000000-0000-0000-0000-000000000000'",
  '2026-01-01T00:00:00Z; DROP',
  '::text',
  '/**/',
  '${7*7}',
];

let w: World;
let doc: OpenApiDoc;
let documented: string[] = [];
let total = 0;

beforeAll(async () => {
  w = await buildWorld();
  ({ doc, routes: documented } = await documentedRoutes(w.t));
}, 120_000);
afterAll(() => {
  console.info(`injection: ${total} requests`);
  return w?.t.close();
});

const LEAK = /\bat .+\.(ts|js):\d+|QueryFailedError|SELECT |syntax error|violates|node_modules|stack/;

it('every query parameter of every GET route: SQL and pattern metacharacters → 200 or 4xx, fast, no internals, nothing changed', async () => {
  const failures: string[] = [];
  const gets = documented.filter((r) => r.startsWith('GET '));
  const before = await fingerprint(w.t);
  for (const route of gets) {
    const params = (doc.paths[route.split(' ')[1]].get.parameters ?? []).filter((p) => p.in === 'query' && p.name !== 'limit');
    if (!params.length) continue;
    const spec = ROUTES[route];
    const cell = await prepare(w, route, spec);
    for (const p of params) {
      // Typed parameters (enum, uuid, date, number) get a sample; free text gets everything.
      const free = p.schema?.type === 'string' && !p.schema.enum && !p.schema.format;
      for (const payload of free ? PAYLOADS : PAYLOADS.filter((_, i) => i % 4 === 0)) {
        const t0 = Date.now();
        const res = await send(w, route, spec.owner, { ...cell, query: { ...cell.query, [p.name]: payload } });
        const ms = Date.now() - t0;
        total++;
        const label = `${route}?${p.name}=${JSON.stringify(payload.slice(0, 40))}`;
        if (res.status >= 500) failures.push(`${label}: ${res.status} ${res.text.slice(0, 200)}`);
        else if (res.status >= 400 && (!/problem\+json/.test(res.headers['content-type']) || !res.body?.code)) failures.push(`${label}: ${res.status} not a problem`);
        if (LEAK.test(res.text ?? '')) failures.push(`${label}: leaks ${res.text.slice(0, 200)}`);
        if (ms > 3000) failures.push(`${label}: took ${ms} ms`);
      }
    }
  }
  // Also what no schema lists: bracket syntax and arrays for scalar parameters.
  for (const query of ['q[$ne]=1', 'q[]=a&q[]=b', 'status[$gt]=', 'siteId[0]=x', 'q=a&q=b', '__proto__[isAdmin]=1', 'constructor[prototype][x]=1']) {
    const res = await w.as('home:caseworker').get(`/api/v1/cases?${query}`);
    total++;
    if (res.status >= 500 || (res.status >= 400 && !res.body?.code)) failures.push(`GET /api/v1/cases?${query}: ${res.status}`);
  }
  expect(failures).toEqual([]);
  // Reads are audited (case.viewed, letter checks): everything else is as it was.
  const after = await fingerprint(w.t);
  expect({ ...after, 'count:audit_events': 0 }).toEqual({ ...before, 'count:audit_events': 0 });
});

it('the search finds by name whatever surrounds it, and SQL in it matches nothing more', async () => {
  const all = await w.as('home:manager').get('/api/v1/cases').query({ q: "' OR '1'='1" });
  expect(all.status).toBe(200);
  expect(all.body.items).toEqual([]);
  total++;
});

it('path segments with SQL, traversal or encoded slashes → 400/404, never a 5xx', async () => {
  const failures: string[] = [];
  for (const segment of ["1' OR '1'='1", '..%2F..%2Fetc%2Fpasswd', '%00', '%E2%80%AE', 'null', '-1', '1e308', '%25', '%2e%2e', ' ', encodeURIComponent('\uFFFF')]) {
    for (const path of ['/api/v1/cases/', '/api/v1/letters/', '/api/v1/users/']) {
      const res = await w.as('home:manager').get(`${path}${segment}`);
      total++;
      if (![400, 404].includes(res.status) || !res.body?.code) failures.push(`${path}${segment}: ${res.status}`);
    }
  }
  expect(failures).toEqual([]);
});

describe('header injection (raw socket: CR/LF, obs-fold, NUL, non-ASCII, over-long)', () => {
  const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
  let port: number;
  beforeAll(async () => {
    await w.t.app.listen(0, '127.0.0.1');
    port = (w.t.app.getHttpServer().address() as { port: number }).port;
  });

  const token = () => w.users.get('home:caseworker')!.token;
  const request = (method: string, path: string, header: Buffer, body = '') =>
    Buffer.concat([
      Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token()}\r\nConnection: close\r\n`),
      header,
      Buffer.from(body ? `\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` : '\r\n\r\n'),
    ]);
  const VALUES: [string, Buffer][] = [
    ['CRLF + a header', Buffer.from('abc\r\nX-Injected: 1')],
    ['CRLF CRLF + a body', Buffer.from('abc\r\n\r\nHTTP/1.1 200 OK\r\nX-Injected: 1')],
    ['bare CR', Buffer.from('abc\rX-Injected: 1')],
    ['bare LF', Buffer.from('abc\nX-Injected: 1')],
    ['obs-fold', Buffer.from('abc\r\n X-Injected: 1')],
    ['NUL', Buffer.from('abc\u0000X-Injected: 1')],
    ['latin-1 bytes', Buffer.from([0x61, 0xe9, 0xff, 0x62])],
    ['UTF-8 RTL override', Buffer.from('abc\u202Eevil', 'utf8')],
    ['8 kB', Buffer.from('a'.repeat(8000))],
    ['percent-encoded CRLF', Buffer.from('abc%0d%0aX-Injected:%201')],
    ['log-like JSON', Buffer.from('","level":60,"msg":"forged')],
  ];

  it.each(['X-Request-Id', 'Idempotency-Key'])('%s: no response carries an attacker’s header; an echoed request id is always a sane token', async (name) => {
    const failures: string[] = [];
    for (const [label, value] of VALUES) {
      const header = Buffer.concat([Buffer.from(`${name}: `), value]);
      const probes = name === 'X-Request-Id' ? [request('GET', '/api/v1/me', header)] : [request('POST', `/api/v1/cases/${w.homeCase}/notes`, header, JSON.stringify({ text: 'header probe' }))];
      for (const probe of probes) {
        const before = await fingerprint(w.t);
        const res = await raw(port, probe, 3000);
        total++;
        const [head] = res.split('\r\n\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
        if (/^x-injected/im.test(head)) failures.push(`${name} ${label}: the response carries X-Injected`);
        if (status === 0 || status >= 500) failures.push(`${name} ${label}: status ${status}`);
        const echoed = /^x-request-id: (.*)$/im.exec(head)?.[1];
        if (echoed !== undefined && !SANE_ID.test(echoed)) failures.push(`${name} ${label}: echoed request id ${JSON.stringify(echoed)}`);
        // A refused Idempotency-Key writes nothing (and claims no key).
        if (status >= 400 && JSON.stringify(await fingerprint(w.t)) !== JSON.stringify(before)) failures.push(`${name} ${label}: ${status} but data changed`);
      }
    }
    expect(failures).toEqual([]);
    await w.t.http.get('/health/live').expect(200);
  });

  it('an Idempotency-Key of visible ASCII but with spaces, over 255 characters or non-ASCII → 400 problem+json, nothing written', async () => {
    for (const key of ['two words', 'k'.repeat(256), 'clé', '\t']) {
      const res = await w.as('home:caseworker').post(`/api/v1/cases/${w.homeCase}/notes`).set('idempotency-key', key).send({ text: 'x' });
      total++;
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await w.t.db.row<{ n: number }>("SELECT count(*)::int AS n FROM case_notes WHERE text = 'x'"))!.n).toBe(0);
  });
});
