import fc from 'fast-check';
import { DomainError } from '../errors/domain-error.js';
import { CursorCodec } from './cursor.js';

const codec = new CursorCodec('x'.repeat(40));
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'no error';
};

describe('CursorCodec', () => {
  it('round-trips any key', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.integer()), { minLength: 1, maxLength: 4 }), (values) => {
        expect(codec.decode('cases', codec.encode('cases', values), values.length)).toEqual(values);
      }),
    );
  });

  it('refuses any altered cursor', () => {
    const good = codec.encode('cases', ['2026-11-23T08:00:00.000Z', 'a1']);
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.constantFrom(...'ABCxyz019-_.'), (i, ch) => {
        fc.pre(good[i] !== ch);
        const bad = good.slice(0, i) + ch + good.slice(i + 1);
        expect(code(() => codec.decode('cases', bad, 2))).toBe('INVALID_CURSOR');
      }),
    );
  });

  it('binds a cursor to its list, arity and key', () => {
    const c = codec.encode('cases', ['a', 'b']);
    expect(code(() => codec.decode('referrals', c, 2))).toBe('INVALID_CURSOR');
    expect(code(() => codec.decode('cases', c, 3))).toBe('INVALID_CURSOR');
    expect(code(() => new CursorCodec('y'.repeat(40)).decode('cases', c, 2))).toBe('INVALID_CURSOR');
  });
});
