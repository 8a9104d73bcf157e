import { describe, expect, it, vi } from 'vitest';
import { fieldErrors, Problem, problemMessage, toProblem, unwrap } from './problems';

/** A translate function that shows what it was asked: the key, or the default, and `until`. */
const t = (key: string, options?: Record<string, unknown>) =>
  key === 'problems.generic' ? 'GENERIC' : `${key}${options?.until ? ` until ${String(options.until)}` : ''}`;

const problemResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...headers } });

describe('toProblem', () => {
  it('no answer at all is NETWORK (status 0)', () => {
    const p = toProblem(new TypeError('Failed to fetch'));
    expect(p).toBeInstanceOf(Problem);
    expect(p.code).toBe('NETWORK');
    expect(p.status).toBe(0);
  });

  it('a problem body keeps its code, detail and errors[]', () => {
    const body = {
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'person.familyName: must not be empty',
      errors: [{ field: 'person.familyName', message: 'must not be empty' }],
    };
    const p = toProblem(body, problemResponse(400, body));
    expect(p.status).toBe(400);
    expect(p.code).toBe('VALIDATION_FAILED');
    expect(p.detail).toBe('person.familyName: must not be empty');
    expect(p.errors).toEqual([{ field: 'person.familyName', message: 'must not be empty' }]);
  });

  it('an answer that is not a problem: SERVER_ERROR from 500 up, UNEXPECTED_ANSWER under', () => {
    expect(toProblem(undefined, new Response('oops', { status: 502 })).code).toBe('SERVER_ERROR');
    expect(toProblem('<html>', new Response('<html>', { status: 404 })).code).toBe('UNEXPECTED_ANSWER');
  });

  it('Retry-After (seconds) is kept on the problem', () => {
    const body = { status: 423, code: 'ACCOUNT_LOCKED' };
    const p = toProblem(body, problemResponse(423, body, { 'retry-after': '900' }));
    expect(p.body.retryAfter).toBe(900);
  });

  it('a Problem passes through unchanged', () => {
    const p = new Problem(409, 'CONFLICT');
    expect(toProblem(p)).toBe(p);
  });
});

describe('unwrap', () => {
  it('returns the data of a successful answer', async () => {
    await expect(unwrap(Promise.resolve({ data: { id: 1 }, response: new Response('{}', { status: 200 }) }))).resolves.toEqual({ id: 1 });
  });

  it('a rejected call (the network dropped) throws NETWORK', async () => {
    await expect(unwrap(Promise.reject(new TypeError('Failed to fetch')))).rejects.toMatchObject({ code: 'NETWORK', status: 0 });
  });

  it('an error answer throws the Problem with the body code and errors[]', async () => {
    const body = { status: 409, code: 'VERSION_CONFLICT', errors: [{ field: 'version', message: 'stale' }] };
    const error = await unwrap(Promise.resolve({ error: body, response: problemResponse(409, body) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Problem);
    expect(error).toMatchObject({ status: 409, code: 'VERSION_CONFLICT', errors: [{ field: 'version', message: 'stale' }] });
  });

  it('a non-ok answer without an error body is still a failure', async () => {
    await expect(unwrap(Promise.resolve({ data: undefined, response: new Response(null, { status: 503 }) }))).rejects.toMatchObject({ code: 'SERVER_ERROR' });
  });
});

describe('problemMessage', () => {
  it('chooses the sentence by the code', () => {
    expect(problemMessage(t, new Problem(401, 'INVALID_CREDENTIALS'))).toBe('problems.INVALID_CREDENTIALS');
  });

  it('anything not a problem becomes NETWORK, never raw text', () => {
    expect(problemMessage(t, new Error('boom'))).toBe('problems.NETWORK');
  });

  it('an unknown code falls back to the generic sentence', () => {
    const seen: Array<Record<string, unknown> | undefined> = [];
    const spy = (key: string, options?: Record<string, unknown>) => {
      seen.push(options);
      return t(key, options);
    };
    problemMessage(spy, new Problem(418, 'NO_SUCH_CODE'));
    expect(seen.at(-1)?.defaultValue).toBe('GENERIC');
  });

  it('Retry-After gives the "until" time: now + the seconds, as HH:mm in Bamako', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    vi.useFakeTimers({ now });
    try {
      const body = { status: 423, code: 'ACCOUNT_LOCKED' };
      const p = toProblem(body, problemResponse(423, body, { 'retry-after': '900' }));
      // Bamako is UTC all year: 10:00 + 15 min.
      expect(problemMessage(t, p)).toBe('problems.ACCOUNT_LOCKED until 10:15');
    } finally {
      vi.useRealTimers();
    }
  });

  it('no Retry-After, no "until"', () => {
    expect(problemMessage(t, new Problem(423, 'ACCOUNT_LOCKED'))).toBe('problems.ACCOUNT_LOCKED');
  });
});

describe('fieldErrors', () => {
  it('puts each errors[] entry on its field path', () => {
    const p = new Problem(400, 'VALIDATION_FAILED', undefined, [
      { field: 'person.familyName', message: 'must not be empty' },
      { field: 'person.dateOfBirth', message: 'in the future' },
    ]);
    expect(fieldErrors(t, p)).toEqual({ 'person.familyName': 'problems.invalidField', 'person.dateOfBirth': 'problems.invalidField' });
  });

  it('nothing for a problem without errors[] or for anything else', () => {
    expect(fieldErrors(t, new Problem(0, 'NETWORK'))).toEqual({});
    expect(fieldErrors(t, new Error('x'))).toEqual({});
  });
});
