// Issue 8: the public letter check is rate limited per client IP, by default 60 requests a
// minute (LETTER_VERIFY_RATE_LIMIT_PER_MINUTE), in a bucket of its own: beyond it 429 problem+json
// with Retry-After; other addresses and the rest of the API are not affected. Its own file: the
// limit here is the default, which the other letter tests raise.
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';

const VERIFY = '/api/v1/public/letters/verify';
let t: TestApp;

beforeAll(async () => {
  // Behind a proxy the client is X-Forwarded-For: each test speaks for its own address.
  t = await startTestApp({ env: { TRUST_PROXY: 'true' } });
});
afterAll(() => t?.close());

const check = (ip: string) => t.http.get(VERIFY).query({ token: 'not.a.token' }).set('x-forwarded-for', ip);

describe('GET /public/letters/verify rate limit', () => {
  it('60 checks a minute from one address answer; the 61st is 429 RATE_LIMITED with Retry-After', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 60; i++) {
      const res = await check(ip);
      expect({ i, status: res.status, body: res.body }).toEqual({ i, status: 200, body: { result: 'invalid' } });
      expect(res.headers['x-ratelimit-limit']).toBe('60');
    }
    const limited = await check(ip);
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('its own bucket: another address still checks; the limited address still reaches the rest of the API', async () => {
    const ip = '203.0.113.8';
    for (let i = 0; i < 61; i++) await check(ip);
    expectProblem(await check(ip), 429, 'RATE_LIMITED');
    expect((await check('203.0.113.9')).status).toBe(200);
    const keys = await t.http.get('/api/v1/public/letters/keys').set('x-forwarded-for', ip);
    expect(keys.status).toBe(200);
    expect(keys.headers['x-ratelimit-limit']).toBe(String(t.config.rateLimitPerMinute));
    expect((await t.http.get('/health/live').set('x-forwarded-for', ip)).status).toBe(200);
  });
});
