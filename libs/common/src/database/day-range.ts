import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A period of whole days, `from` and `to` included, on a timestamptz column: the days of Mali
 * (UTC+0 all year, no daylight saving; DESIGN §10), so a list filtered on 2026-03-01..2026-03-31
 * holds what was recorded on those days in Gao. Bound parameters are named after `key`, so two
 * ranges can sit in one query.
 */
export function whereDayRange<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, column: string, range: { from?: string | null; to?: string | null }, key = 'day'): SelectQueryBuilder<T> {
  if (range.from) qb.andWhere(`${column} >= (CAST(:${key}From AS date)::timestamp AT TIME ZONE 'UTC')`, { [`${key}From`]: range.from });
  if (range.to) qb.andWhere(`${column} < ((CAST(:${key}To AS date) + 1)::timestamp AT TIME ZONE 'UTC')`, { [`${key}To`]: range.to });
  return qb;
}
