// A seeded PRNG (mulberry32), so the same --seed gives the same dataset, and weighted pickers.

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
  const hex8 = () => u32().toString(16).padStart(8, '0');
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** A version-4 UUID from the PRNG (deterministic per seed). */
    uuid() {
      const a1 = hex8();
      const b = hex8();
      const c = hex8();
      const d = hex8();
      const variant = ((parseInt(c[0], 16) & 0x3) | 0x8).toString(16);
      return `${a1}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
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
