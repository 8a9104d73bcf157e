import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACT_PATHS, safeUrl } from './redact.js';

function capture(obj: object): string {
  let out = '';
  const sink = new Writable({ write: (chunk, _e, done) => ((out += chunk.toString()), done()) });
  pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink).info(obj, 'msg');
  return out;
}

describe('log redaction', () => {
  it('never writes passwords, tokens or the sensitive section', () => {
    const line = capture({
      req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'sid=secret' } },
      body: { password: 'hunter2-hunter2', refreshToken: 'rt-secret', sensitive: { narrative: 'trafficked near Gao' } },
      password: 'top-secret-pw',
      sensitive: { narrative: 'gbv details' },
    });
    for (const secret of ['eyJsecret', 'sid=secret', 'hunter2', 'rt-secret', 'trafficked', 'top-secret-pw', 'gbv details']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('[redacted]');
  });

  it('drops query strings from logged URLs', () => {
    expect(safeUrl('/api/v1/public/letters/verify?token=abc')).toBe('/api/v1/public/letters/verify?…');
    expect(safeUrl('/health/live')).toBe('/health/live');
  });
});
