// A seeded PRNG (mulberry32), so the same --seed gives the same dataset, and weighted pickers.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function createRandom(seed = 12) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const u32 = () => (next() * 4294967296) >>> 0;
  const word = (x) => HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** A version-4 UUID from the PRNG (deterministic per seed). */
    uuid() {
      const a1 = word(u32());
      const b = u32();
      const c = u32();
      const d = word(u32());
      const b1 = HEX[b >>> 24] + HEX[(b >>> 16) & 255];
      const b2 = HEX[0x40 | ((b >>> 8) & 0x0f)] + HEX[b & 255];
      const c1 = HEX[0x80 | ((c >>> 24) & 0x3f)] + HEX[(c >>> 16) & 255];
      const c2 = HEX[(c >>> 8) & 255] + HEX[c & 255];
      return `${a1}-${b1}-${b2}-${c1}-${c2}${d}`;
    },
  };
}

/** A picker over [value, weight] pairs: cumulative weights + binary search. */
export function weighted(pairs) {
  const values = pairs.map((p) => p[0]);
  const cumulative = [];
  let total = 0;
  for (const [, w] of pairs) cumulative.push((total += w));
  return (rnd) => {
    const x = rnd.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return values[lo];
  };
}
