import fc from 'fast-check';
import { type CountCell, marginGroups, protectCount, protectStat, suppressTable } from './suppression.js';

/** Cells of a GROUP BY over `records` by the dimensions `dims` (zero cells absent, as in SQL). */
function aggregate(records: readonly string[][], dims: readonly number[]): CountCell[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const key = JSON.stringify(dims.map((d) => r[d]));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => ({ key: JSON.parse(key) as string[], count }));
}

/**
 * What a margin lets anyone subtract: margin − visible cells. Either nothing is hidden (remainder
 * 0), or the margin is itself below k (suppressed), or the remainder spreads over ≥ 2 suppressed
 * cells adding up to ≥ k — never one suppressed cell's value alone. `groups`: the margins to
 * check (default: the total and every one-dimension-fewer margin).
 */
function checkMargins(cells: CountCell[], hidden: Set<number>, k: number, groups = marginGroups(cells)) {
  for (const group of groups) {
    const h = group.filter((i) => hidden.has(i));
    const v = group.filter((i) => !hidden.has(i));
    const margin = group.reduce((s, i) => s + cells[i].count, 0);
    const remainder = margin - v.reduce((s, i) => s + cells[i].count, 0);
    if (!h.length) {
      expect(remainder).toBe(0);
      continue;
    }
    if (margin < k) continue;
    // A lone cell is its coarser margin: no suppression can hide it from that other report.
    if (group.length === 1) continue;
    expect(h.length).toBeGreaterThanOrEqual(2);
    expect(remainder).toBeGreaterThanOrEqual(k);
  }
}

describe('suppressTable (issue 11: k-anonymity of report cells)', () => {
  it('suppresses counts of 1 to k−1, keeps 0 and counts of k and more', () => {
    const cells: CountCell[] = [
      { key: ['GIN'], count: 12 },
      { key: ['SEN'], count: 4 },
      { key: ['MLI'], count: 5 },
      { key: ['CIV'], count: 7 },
    ];
    const s = suppressTable(cells, 5, { count: 28 });
    // SEN is 4 (primary); alone it would be total − visible, so the smallest visible cell (MLI, 5) goes too.
    expect([...s.suppressed].sort()).toEqual([1, 2]);
    expect(s.total).toBe(false);
  });

  it('suppresses a total below k, and nothing when every cell is at least k', () => {
    expect(suppressTable([{ key: ['a'], count: 3 }], 5, { count: 3 })).toEqual({ suppressed: new Set([0]), total: true });
    expect(suppressTable([{ key: ['a'], count: 5 }, { key: ['b'], count: 9 }], 5, { count: 14 })).toEqual({ suppressed: new Set(), total: false });
  });

  it('two suppressed cells adding up to less than k take a third (1 + 1 would read as "both 1")', () => {
    const cells: CountCell[] = [
      { key: ['a'], count: 1 },
      { key: ['b'], count: 1 },
      { key: ['c'], count: 40 },
      { key: ['d'], count: 8 },
    ];
    expect([...suppressTable(cells, 5).suppressed].sort()).toEqual([0, 1, 3]);
  });

  it('protects rows and columns of a two-dimensional table, repeating until stable', () => {
    // month × sex: one small cell in 2026-01 needs a partner in its row and in its column.
    const cells: CountCell[] = [
      { key: ['2026-01', 'female'], count: 2 },
      { key: ['2026-01', 'male'], count: 30 },
      { key: ['2026-02', 'female'], count: 9 },
      { key: ['2026-02', 'male'], count: 25 },
    ];
    const s = suppressTable(cells, 5);
    expect([...s.suppressed].sort()).toEqual([0, 1, 2, 3]);
    checkMargins(cells, s.suppressed, 5);
  });

  it('a cell of enough events but too few persons is suppressed (six referrals of one migrant)', () => {
    const s = suppressTable([{ key: ['legal'], count: 6, persons: 1 }, { key: ['health'], count: 50, persons: 40 }, { key: ['shelter'], count: 30, persons: 30 }], 5);
    expect([...s.suppressed].sort()).toEqual([0, 2]);
  });

  it('refuses a k that is not a positive integer', () => {
    expect(() => suppressTable([], 0)).toThrow(/positive integer/);
    expect(() => suppressTable([], 2.5)).toThrow(/positive integer/);
  });

  it('protectStat and protectCount hide what stands on fewer than k', () => {
    expect(protectStat(0.8, 5, 5, false)).toBe(0.8);
    expect(protectStat(0.8, 4, 5, false)).toBeNull();
    expect(protectStat(0.8, 50, 5, true)).toBeNull();
    expect(protectStat(null, 50, 5, false)).toBeNull();
    expect(protectCount(0, 5, false)).toBe(0);
    expect(protectCount(3, 5, false)).toBeNull();
    expect(protectCount(5, 5, false)).toBe(5);
    expect(protectCount(9, 5, true)).toBeNull();
  });

  // Random small datasets (records over three dimensions with small domains, so small cells are
  // common) and random groupings: no published count in 1 … k−1, and no suppressed cell can be
  // recovered from the total or from any margin a coarser report returns.
  it('property: no visible count under k, no suppressed cell recoverable from any margin', () => {
    const record = fc.tuple(fc.constantFrom('GIN', 'SEN', 'MLI', 'CIV', 'GMB'), fc.constantFrom('female', 'male', 'other'), fc.constantFrom('2026-01', '2026-02', '2026-03', '2026-04'));
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 0, maxLength: 150 }),
        fc.subarray([0, 1, 2], { minLength: 1 }),
        fc.integer({ min: 2, max: 10 }),
        (records, dims, k) => {
          const cells = aggregate(records, dims);
          const s = suppressTable(cells, k, { count: records.length });
          cells.forEach((c, i) => {
            if (!s.suppressed.has(i)) expect(c.count === 0 || c.count >= k).toBe(true);
          });
          if (!s.total) expect(records.length === 0 || records.length >= k).toBe(true);
          // The total: total − visible cells is 0, or spreads over ≥ 2 suppressed cells, or the total is suppressed.
          const visible = cells.reduce((sum, c, i) => sum + (s.suppressed.has(i) ? 0 : c.count), 0);
          if (!s.total && records.length - visible > 0) expect(s.suppressed.size).toBeGreaterThanOrEqual(2);
          // The one margin a response returns (its total): strictly.
          checkMargins(cells, s.suppressed, k, [cells.map((_, i) => i)]);
          // The margins coarser reports return: every group with cells to spare.
          checkMargins(cells, s.suppressed, k);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: the result does not depend on the order of the rows PostgreSQL returns', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'y', 'z'), fc.integer({ min: 1, max: 12 })), { maxLength: 9 }), fc.integer(), (raw, seed) => {
        const unique = new Map(raw.map(([a, b, n]) => [`${a}${b}`, { key: [a, b], count: n }]));
        const cells = [...unique.values()];
        const shuffled = [...cells].sort((x, y) => ((JSON.stringify(x.key).length * 31 + seed) % 7) - ((JSON.stringify(y.key).length * 17 + seed) % 5));
        const keysOf = (cs: CountCell[], s: Set<number>) => [...s].map((i) => JSON.stringify(cs[i].key)).sort();
        expect(keysOf(shuffled, suppressTable(shuffled, 5).suppressed)).toEqual(keysOf(cells, suppressTable(cells, 5).suppressed));
      }),
    );
  });
});
