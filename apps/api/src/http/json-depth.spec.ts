import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth.js';

describe('jsonDepthExceeds (issue 13: deep nesting overflowed class-transformer)', () => {
  it('counts objects and arrays alike', () => {
    expect(jsonDepthExceeds('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[{"b":[1]}]}', 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[\\"' }), 1)).toBe(false);
  });

  it('accepts our DTOs and refuses a 300,000-deep array quickly', () => {
    expect(jsonDepthExceeds(JSON.stringify({ identity: { names: [{ x: [1] }] } }), MAX_JSON_DEPTH)).toBe(false);
    const started = Date.now();
    expect(jsonDepthExceeds('['.repeat(300_000) + ']'.repeat(300_000), MAX_JSON_DEPTH)).toBe(true);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
