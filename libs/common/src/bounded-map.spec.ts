import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('keeps at most max entries, forgetting the oldest', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(m.size).toBe(2);
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('a touched key is the newest: the least recently used goes first', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a', true)).toBe(1);
    m.set('c', 3);
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([1, undefined, 3]);
  });

  it('setting a key it has replaces the value without forgetting another', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 9);
    expect([m.get('a'), m.get('b'), m.size]).toEqual([9, 2, 2]);
  });
});
