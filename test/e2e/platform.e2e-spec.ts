import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { FixtureModule, WIDGETS_DDL } from '../support/fixture.module.js';

let t: TestApp;
const W = '/api/v1/test-widgets';

beforeAll(async () => {
  t = await startTestApp({ imports: [FixtureModule] });
  await t.db.rows(WIDGETS_DDL);
});
afterAll(() => t.close());

const widgetCount = async () => Number((await t.db.row<{ n: string }>('SELECT count(*) AS n FROM test_widgets'))!.n);

describe('bad input answers a problem+json with a code, never a 500 (issue 3)', () => {
  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    const before = await widgetCount();
    const res = await t.http.post(W).set('content-type', 'application/json').send('{"name": "a",');
    expectProblem(res, 400, 'MALFORMED_JSON');
    expect(await widgetCount()).toBe(before);
  });

  it('empty JSON body with a JSON content type → 400 MALFORMED_JSON', async () => {
    expectProblem(await t.http.post(W).set('content-type', 'application/json').send(''), 400, 'MALFORMED_JSON');
  });

  it('unknown field → 400 VALIDATION_FAILED listing the field, nothing written', async () => {
    const before = await widgetCount();
    const res = await t.http.post(W).send({ name: 'a', isAdmin: true });
    const body = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'isAdmin' })]));
    expect(await widgetCount()).toBe(before);
  });

  it('wrongly typed field → 400 VALIDATION_FAILED with the field', async () => {
    const res = await t.http.post(W).send({ name: 42, size: 'big' });
    const body = expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = (body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'size']));
  });

  it('a JSON array or scalar instead of an object → 400', async () => {
    expectProblem(await t.http.post(W).set('content-type', 'application/json').send('[1,2]'), 400, 'VALIDATION_FAILED');
    expectProblem(await t.http.post(W).set('content-type', 'application/json').send('"x"'), 400, 'VALIDATION_FAILED');
  });

  it('a body over 1 MiB → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.http.post(W).send({ name: 'x'.repeat(1024 * 1024 + 10) });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'content type %s on a JSON route → 415 UNSUPPORTED_MEDIA_TYPE',
    async (type) => {
      const before = await widgetCount();
      const res = await t.http.post(W).set('content-type', type).send('name=a');
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(await widgetCount()).toBe(before);
    },
  );

  it('a malformed UUID in a path → 400 VALIDATION_FAILED', async () => {
    for (const bad of ['123', 'not-a-uuid', "1' OR '1'='1", '00000000-0000-0000-0000-00000000000g']) {
      const res = await t.http.get(`${W}/${encodeURIComponent(bad)}`);
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
  });

  it('a well-formed but unknown id → 404 NOT_FOUND', async () => {
    expectProblem(await t.http.get(`${W}/6f1c1f9e-1b1a-4c4e-9a43-0a5d7a0c9e11`), 404, 'NOT_FOUND');
  });

  it('unknown route → 404 ROUTE_NOT_FOUND problem', async () => {
    expectProblem(await t.http.get('/api/v1/no-such-thing'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await t.http.post('/nowhere').send({}), 404, 'ROUTE_NOT_FOUND');
  });

  it('an unexpected error → bare 500 problem with a reference, no internals', async () => {
    const res = await t.http.get(`${W}/boom`).set('x-request-id', 'req-boom-1');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({ type: 'about:blank', title: 'Internal server error', status: 500, code: 'INTERNAL_ERROR', detail: 'Reference: req-boom-1' });
  });
});

describe('cursor pagination', () => {
  beforeAll(async () => {
    await t.db.rows("INSERT INTO test_widgets (name, created_at) SELECT 'w' || g, now() - g * interval '1 second' FROM generate_series(1, 7) g");
  });

  it('walks every row exactly once with limit and nextCursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.http.get(W).query({ limit: 3, ...(cursor ? { cursor } : {}) }).expect(200);
      seen.push(...res.body.items.map((w: { id: string }) => w.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    const all = await t.db.rows<{ id: string }>('SELECT id FROM test_widgets ORDER BY created_at DESC, id DESC');
    expect(seen).toEqual(all.map((r) => r.id));
    expect(pages).toBe(Math.ceil(all.length / 3));
  });

  it('defaults to 50 and answers {items, nextCursor}', async () => {
    const res = await t.http.get(W).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
    expect(res.body.nextCursor).toBeNull();
  });

  it('limit above 200, zero or not a number → 400', async () => {
    for (const limit of ['201', '0', 'abc', '-1', '1.5']) {
      expectProblem(await t.http.get(W).query({ limit }), 400, 'VALIDATION_FAILED');
    }
    await t.http.get(W).query({ limit: 200 }).expect(200);
  });

  it('a garbled or forged cursor → 400 INVALID_CURSOR', async () => {
    const good = (await t.http.get(W).query({ limit: 1 }).expect(200)).body.nextCursor as string;
    const [payload, sig] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify(['2099-01-01T00:00:00.000Z', '00000000-0000-0000-0000-000000000000'])).toString('base64url');
    for (const cursor of ['garbage', `${payload}.`, `${forgedPayload}.${sig}`, `${payload}.${sig}x`, `${payload}.${sig}.${sig}`, 'a'.repeat(1024)]) {
      expectProblem(await t.http.get(W).query({ cursor }), 400, 'INVALID_CURSOR');
    }
  });
});

describe('Idempotency-Key', () => {
  it('same key and body → the first response replayed, the work done once', async () => {
    const before = await widgetCount();
    const first = await t.http.post(W).set('idempotency-key', 'k-same-1').send({ name: 'tent' }).expect(201);
    const again = await t.http.post(W).set('idempotency-key', 'k-same-1').send({ name: 'tent' }).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await widgetCount()).toBe(before + 1);
  });

  it('two concurrent identical requests do the work once and answer the same', async () => {
    const before = await widgetCount();
    const [a, b] = await Promise.all([
      t.http.post(W).set('idempotency-key', 'k-race-1').send({ name: 'blanket', size: 2 }),
      t.http.post(W).set('idempotency-key', 'k-race-1').send({ name: 'blanket', size: 2 }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect(await widgetCount()).toBe(before + 1);
  });

  it('same key with another body → 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
    await t.http.post(W).set('idempotency-key', 'k-reuse-1').send({ name: 'mat' }).expect(201);
    const before = await widgetCount();
    expectProblem(await t.http.post(W).set('idempotency-key', 'k-reuse-1').send({ name: 'other' }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await widgetCount()).toBe(before);
  });

  it('keys expire after 24 h: an expired key does the work again', async () => {
    const first = await t.http.post(W).set('idempotency-key', 'k-exp-1').send({ name: 'soap' }).expect(201);
    const row = await t.db.row<{ hours: number }>("SELECT round(extract(epoch FROM expires_at - created_at) / 3600) AS hours FROM idempotency_keys WHERE key = 'k-exp-1'");
    expect(Number(row!.hours)).toBe(24);
    await t.db.rows("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'k-exp-1'");
    const second = await t.http.post(W).set('idempotency-key', 'k-exp-1').send({ name: 'soap' }).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('a failed attempt is not stored: the retry runs again', async () => {
    expectProblem(await t.http.post(`${W}/fail`).set('idempotency-key', 'k-fail-1').send({ name: 'x' }), 409, 'CONFLICT');
    expect(await t.db.rows("SELECT 1 FROM idempotency_keys WHERE key = 'k-fail-1'")).toHaveLength(0);
    expectProblem(await t.http.post(`${W}/fail`).set('idempotency-key', 'k-fail-1').send({ name: 'x' }), 409, 'CONFLICT');
  });

  it('an invalid key → 400', async () => {
    expectProblem(await t.http.post(W).set('idempotency-key', 'x'.repeat(300)).send({ name: 'x' }), 400, 'VALIDATION_FAILED');
  });
});

describe('request ids, security headers, health and docs', () => {
  it('honours a sane X-Request-Id and generates one otherwise', async () => {
    const own = await t.http.get('/health/live').set('x-request-id', 'abc-123');
    expect(own.headers['x-request-id']).toBe('abc-123');
    const made = await t.http.get('/health/live').set('x-request-id', 'bad id with spaces <script>');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends helmet and rate-limit headers', async () => {
    const res = await t.http.get('/health/live').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
  });

  // A transit centre's LAN (issue 28): over plain http the browser must not be sent to https.
  it.each([['http://192.168.1.20:3000'], ['']])('PUBLIC_BASE_URL=%p (http): no HSTS, no upgrade-insecure-requests, the rest of the policy stays', async (publicBaseUrl) => {
    const lan = await startTestApp({ env: { PUBLIC_BASE_URL: publicBaseUrl } });
    try {
      for (const path of ['/health/live', '/docs', '/api/v1/me']) {
        const res = await lan.http.get(path);
        expect(res.headers['strict-transport-security']).toBeUndefined();
        expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    } finally {
      await lan.close();
    }
  });

  // Swagger's "Try it out" from any host name the API is reached by (issue 28).
  it('the OpenAPI servers entry is relative without PUBLIC_BASE_URL and names it when set', async () => {
    expect((await t.http.get('/docs-json').expect(200)).body.servers.map((s: { url: string }) => s.url)).toEqual(['https://passerelle.test']);
    const anyHost = await startTestApp({ env: { PUBLIC_BASE_URL: '' } });
    try {
      expect((await anyHost.http.get('/docs-json').expect(200)).body.servers.map((s: { url: string }) => s.url)).toEqual(['/']);
    } finally {
      await anyHost.close();
    }
  });

  it('/health/live and /health/ready answer 200 with the database up', async () => {
    expect((await t.http.get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('serves Swagger UI at /docs and the document at /docs-json', async () => {
    const ui = await t.http.get('/docs').expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });
});
