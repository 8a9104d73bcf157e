import { describe, expect, it } from 'vitest';
import { newIdempotencyKey, SubmissionKey } from './ids';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newIdempotencyKey', () => {
  it('is a UUID v4 (version 4, RFC 4122 variant), lower case', () => {
    for (let i = 0; i < 200; i++) expect(newIdempotencyKey()).toMatch(UUID_V4);
  });

  it('is different every time', () => {
    const keys = new Set(Array.from({ length: 500 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(500);
  });
});

describe('SubmissionKey', () => {
  it('keeps the same key while the outcome is unknown (a retry after a dropped link)', () => {
    const k = new SubmissionKey();
    const first = k.current;
    expect(first).toMatch(UUID_V4);
    expect(k.current).toBe(first);
    expect(k.current).toBe(first);
  });

  it('takes a new key once the server has answered', () => {
    const k = new SubmissionKey();
    const first = k.current;
    k.answered();
    expect(k.current).toMatch(UUID_V4);
    expect(k.current).not.toBe(first);
    const second = k.current;
    expect(k.current).toBe(second);
  });

  it('two forms never share a key', () => {
    expect(new SubmissionKey().current).not.toBe(new SubmissionKey().current);
  });
});
