import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';

// The API serves the built web app at / (issue 20).
describe('web app served by the API', () => {
  let t: TestApp;
  let dir: string;
  const INDEX = '<!doctype html><html lang="fr"><head><script type="module" src="/assets/index-4f2a9c.js"></script></head><body><div id="root"></div></body></html>';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-4f2a9c.js'), 'console.log("app")');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await startTestApp({ env: { WEB_DIR: dir } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers / with index.html, never stored', async () => {
    const res = await t.http.get('/').set('accept', 'text/html,application/xhtml+xml').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toBe(INDEX);
  });

  it('serves hashed assets cached for a year, immutable, under the strict CSP', async () => {
    const res = await t.http.get('/assets/index-4f2a9c.js').expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('serves other files of the build without a long cache', async () => {
    const res = await t.http.get('/favicon.svg').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('opens a deep link or a reload on the app (SPA fallback) for a browser', async () => {
    for (const path of ['/cases/0b9f2f3e-1c1e-4d7a-9a57-7d1b3f1b9a10', '/cases?q=Ibrahim', '/sign-in']) {
      const res = await t.http.get(path).set('accept', 'text/html').expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toBe(INDEX);
    }
  });

  it('never answers the API, the docs or health with the app', async () => {
    expectProblem(await t.http.get('/api/v1/nothing-here').set('accept', 'text/html'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await t.http.get('/api/v1/cases').set('accept', 'text/html'), 401, 'UNAUTHENTICATED');
    expect((await t.http.get('/health/live').set('accept', 'text/html').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/docs').set('accept', 'text/html').expect(200)).text).toContain('swagger');
  });

  it('answers a missing file asked for by a script (not a page) with the 404 problem', async () => {
    expectProblem(await t.http.get('/assets/gone-123.js').set('accept', '*/*'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await t.http.post('/cases').set('accept', 'text/html').send({}), 404, 'ROUTE_NOT_FOUND');
  });

  it('leaves / to the API 404 when the app is not built', async () => {
    const bare = await startTestApp({ env: { WEB_DIR: join(dir, 'absent') } });
    try {
      expectProblem(await bare.http.get('/').set('accept', 'text/html'), 404, 'ROUTE_NOT_FOUND');
    } finally {
      await bare.close();
    }
  });
});
