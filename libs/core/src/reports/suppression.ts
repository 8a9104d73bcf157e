/**
 * Small-cell suppression of aggregate tables (issue 11): pure, applied to rows PostgreSQL has
 * already aggregated (never to case rows).
 *
 * 1. Primary: a cell counting 1 … k−1 (or whose distinct persons are fewer than k) is suppressed.
 * 2. Complementary: a report returns its `total`, the margin of all its cells; a coarser report
 *    (the same period grouped by one dimension fewer) returns the margins of the cells that agree
 *    on all dimensions but one. Within every such margin group a suppressed cell must not be
 *    recoverable by subtraction: the group's suppressed cells number at least 2 and add up to at
 *    least k, else the group's next-smallest visible cell is suppressed too — preferring cells
 *    that are not alone in another group, since a coarser report shows such a cell's value as
 *    its margin anyway. This repeats until no group changes (suppressing a cell can expose it in
 *    another group), so it ends: the suppressed set only grows. A group left with no visible
 *    cell has a margin equal to its suppressed sum. Guaranteed for the margins of one response
 *    (its total); across reports, best effort (a lone cell cannot be hidden from its margin).
 * 3. Derived statistics (rates, medians, averages) of a suppressed cell, or computed over fewer
 *    than k persons or events, are suppressed too (`protectStat`).
 *
 * Zero cells are absent (GROUP BY yields none): an absent cell is a true 0 and discloses no one.
 */

export interface CountCell {
  /** The cell's dimension values, in the report's groupBy order. */
  key: readonly (string | null)[];
  count: number;
  /** Distinct persons behind `count` when it counts events (referrals, stays); else `count` is persons. */
  persons?: number;
}

export interface Suppression {
  /** Indexes of the cells to publish as `count: null, suppressed: true`. */
  suppressed: Set<number>;
  /** Whether the table's total must be suppressed. */
  total: boolean;
}

/** A count published as is: 0 or at least k. */
export const isPublishable = (count: number, k: number) => count === 0 || count >= k;

const keyOf = (key: readonly (string | null)[], without: number) => JSON.stringify(key.filter((_, i) => i !== without));

/** Margin groups: for each dimension, the cells sharing every other dimension's value; plus all cells. */
export function marginGroups(cells: readonly CountCell[]): number[][] {
  const width = cells[0]?.key.length ?? 0;
  const groups: number[][] = [cells.map((_, i) => i)];
  // With one dimension, summing it out is the whole table: the group above.
  for (let d = 0; width > 1 && d < width; d++) {
    const byRest = new Map<string, number[]>();
    cells.forEach((c, i) => {
      const k = keyOf(c.key, d);
      const g = byRest.get(k);
      if (g) g.push(i);
      else byRest.set(k, [i]);
    });
    groups.push(...byRest.values());
  }
  return groups;
}

const compareKeys = (a: CountCell, b: CountCell) => (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1);

export function suppressTable(cells: readonly CountCell[], k: number, total?: { count: number; persons?: number }): Suppression {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer (got ${k})`);
  const suppressed = new Set<number>();
  cells.forEach((c, i) => {
    if (c.count > 0 && (c.count < k || (c.persons !== undefined && c.persons < k))) suppressed.add(i);
  });
  const groups = marginGroups(cells);
  // Cells alone in some margin group: a coarser report publishes their value as that margin.
  const alone = new Set(groups.filter((g) => g.length === 1).map((g) => g[0]));
  let changed = suppressed.size > 0;
  while (changed) {
    changed = false;
    for (const group of groups) {
      const hidden = group.filter((i) => suppressed.has(i));
      if (!hidden.length) continue;
      let sum = hidden.reduce((s, i) => s + cells[i].count, 0);
      let n = hidden.length;
      if (n >= 2 && sum >= k) continue;
      // Next-smallest visible cells first (ties by key, so the result is deterministic).
      const visible = group
        .filter((i) => !suppressed.has(i) && cells[i].count > 0)
        .sort((a, b) => Number(alone.has(a)) - Number(alone.has(b)) || cells[a].count - cells[b].count || compareKeys(cells[a], cells[b]));
      for (const i of visible) {
        if (n >= 2 && sum >= k) break;
        suppressed.add(i);
        sum += cells[i].count;
        n++;
        changed = true;
      }
    }
  }
  const totalHidden = total !== undefined && total.count > 0 && (total.count < k || (total.persons !== undefined && total.persons < k));
  return { suppressed, total: totalHidden };
}

/** A derived statistic: null when its cell is suppressed or fewer than k persons or events stand behind it. */
export function protectStat(value: number | null | undefined, n: number, k: number, cellSuppressed: boolean): number | null {
  if (cellSuppressed || value === null || value === undefined || n < k) return null;
  return value;
}

/** A secondary count (e.g. extensions approved) shown beside a cell: null when 1 … k−1 or its cell is suppressed. */
export function protectCount(count: number, k: number, cellSuppressed: boolean): number | null {
  if (cellSuppressed || !isPublishable(count, k)) return null;
  return count;
}
