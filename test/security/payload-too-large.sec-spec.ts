import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../support/app.js';
import { makeOrg, makeUser, type TestUser } from '../support/factories.js';
import { raw } from './support/raw-socket.js';

/*
 * A body over the limit is answered 413 PAYLOAD_TOO_LARGE in a way every client can read
 * (issue 28): the server used to answer and close while a Node fetch (undici) client was still
 * sending, and the client saw a connection reset (EPIPE, ECONNRESET) instead of the problem.
 * A real listening server and Node's own fetch in a process of its own, as a client library
 * would run (in the server's process the race hides: the client only writes when the server waits).
 */

let t: TestApp;
let user: TestUser;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  user = await makeUser(t, await makeOrg(t), ['caseworker']);
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
});
afterAll(() => t?.close());

/** Runs in the client process: each request's status, content type and code, or the network error instead. */
const CLIENT = `
const { BASE, TOKEN, SEQUENTIAL, PARALLEL, MB, CHUNKED } = process.env;
const size = Number(MB) * 1024 * 1024;
const body = () => {
  if (!CHUNKED) return JSON.stringify({ siteId: 'x', padding: 'x'.repeat(size) });
  let sent = 0;
  return new ReadableStream({ pull(c) { if (sent >= size) return c.close(); sent += 65536; c.enqueue(new Uint8Array(65536).fill(120)); } });
};
const one = async () => {
  try {
    const res = await fetch(BASE + '/api/v1/cases', { method: 'POST', headers: { authorization: 'Bearer ' + TOKEN, 'content-type': 'application/json' }, body: body(), duplex: 'half' });
    const text = await res.text();
    return res.status + ' ' + res.headers.get('content-type').split(';')[0] + ' ' + JSON.parse(text).code;
  } catch (e) {
    return 'network error: ' + (e.cause?.code ?? e.cause?.message ?? e.message);
  }
};
const got = [];
for (let i = 0; i < Number(SEQUENTIAL); i++) got.push(await one());
got.push(...(await Promise.all(Array.from({ length: Number(PARALLEL) }, one))));
process.stdout.write(JSON.stringify(got));
`;

async function client(env: { SEQUENTIAL: number; PARALLEL: number; MB: number; CHUNKED?: boolean }): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CLIENT], {
    env: { PATH: process.env.PATH, BASE: base, TOKEN: user.token, SEQUENTIAL: String(env.SEQUENTIAL), PARALLEL: String(env.PARALLEL), MB: String(env.MB), CHUNKED: env.CHUNKED ? '1' : '' },
    timeout: 50_000,
  });
  return JSON.parse(stdout);
}
const READABLE_413 = '413 application/problem+json PAYLOAD_TOO_LARGE';

it('20 sequential then 10 parallel 6 MB bodies through fetch: each reads 413 PAYLOAD_TOO_LARGE', async () => {
  expect(await client({ SEQUENTIAL: 20, PARALLEL: 10, MB: 6 })).toEqual(Array(30).fill(READABLE_413));
});

it('streamed (chunked) 6 MB bodies, no Content-Length: each reads 413 too', async () => {
  expect(await client({ SEQUENTIAL: 5, PARALLEL: 5, MB: 6, CHUNKED: true })).toEqual(Array(10).fill(READABLE_413));
});

it('the 413 is not held back until the body arrives, and a body past the discard bound is cut off', async () => {
  const port = Number(new URL(base).port);
  // 20 MB announced, 5 bytes sent: the answer comes at once, the connection stays open to drain.
  const head = await raw(port, 'POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20971520\r\n\r\n{"a":', 1500);
  expect(head).toMatch(/^HTTP\/1\.1 413 /);
  expect(head).not.toMatch(/connection: close/i);
  // Chunked without end: read and dropped up to 32 MiB, then the server hangs up.
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  const closed = await new Promise<number>((resolve) => {
    const s = connect(port, '127.0.0.1');
    let written = 0;
    const pump = () => {
      while (!s.destroyed && written < 200 * chunk.length) {
        written += chunk.length;
        if (!s.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`)) return void s.once('drain', pump);
      }
    };
    s.on('error', () => undefined);
    s.on('close', () => resolve(written));
    s.write('POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    pump();
  });
  expect(closed).toBeLessThan(200 * chunk.length);
});

it('the server keeps serving afterwards', async () => {
  const res = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${user.token}` } });
  expect(res.status).toBe(200);
});
