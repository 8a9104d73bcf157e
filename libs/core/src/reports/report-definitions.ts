/**
 * The reports (issue 11), as data: each is one SQL source (the actor's organization's rows in the
 * period), the dimensions it may be grouped by, and the measures computed per group. The engine
 * (reports.service.ts) turns a definition into ONE statement — the groups and the total, via
 * UNION ALL — so PostgreSQL aggregates and Node only suppresses and formats the aggregates.
 * The definitions themselves, SQL, are in report-queries.repository.ts; a new report is one more
 * definition there and one route.
 *
 * Only fields that survive anonymization are read (DESIGN §7: "statistics survive
 * anonymization"; the anonymization job keeps exactly these), so a report gives the same numbers
 * before and after a case is anonymized:
 *   cases: owning_organization_id, registered_at, site_id, sex, birth_year, nationality,
 *          journey.reasonsForMigration (codes), journey.intendedDestination (country code),
 *          vulnerability_flags (codes), status;
 *   referrals, stays, stay_extensions: organizations, sites, service types, statuses, timestamps.
 * Never names, date of birth, contact, documents, notes or the sensitive section.
 *
 * SQL parameters every source may use: $1 organization id, $2 period start, $3 period end
 * (exclusive), $4 now.
 */

export interface Dimension {
  /** SQL of the group's value (text), over the source's aliases. */
  sql: string;
  /** A LATERAL join producing the value: a multi-valued dimension (one row per distinct value, so count(*) counts each case once per value). */
  join?: string;
  /** CSV header and HXL hashtag of the column. */
  header: string;
  hxl: string;
  /** Labels added to the row (site and organization names): looked up after the query. */
  label?: 'site' | 'organization';
}

export interface Measure {
  /** Property of the JSON row and column of the CSV. */
  name: string;
  /** Aggregate SQL. */
  sql: string;
  /**
   * `count`: a secondary count, suppressed when 1 … k−1 (or when its cell is);
   * `stat`: a derived statistic, suppressed when fewer than k stand behind it (`n`, an aggregate);
   * `sum`: an amount summed over the cell's persons (budgets), suppressed when its cell is;
   * `list`: a text array describing a statistic (e.g. the scoring schemes behind the averages),
   *   suppressed like a `stat` (cell suppressed or fewer than `n`), published as is otherwise;
   * `flag`: a boolean describing a statistic, suppressed like a `stat`.
   */
  kind: 'count' | 'stat' | 'sum' | 'list' | 'flag';
  n?: string;
  header: string;
  hxl: string;
}

export interface TableDefinition {
  name: string;
  /** FROM and WHERE (without the keywords) of the actor's organization's rows in the period. */
  from: string;
  where: string;
  dimensions: Record<string, Dimension>;
  defaultGroupBy: readonly string[];
  maxGroupBy: number;
  /** Longest period, in days. */
  maxDays: number;
  /** Distinct persons behind a count of events (referrals, stays): a cell of fewer is suppressed. */
  persons?: string;
  count: { header: string; hxl: string };
  measures: readonly Measure[];
}

/** Age at registration from the birth year only (anonymization keeps the year): children told apart. */
export const REPORT_AGE_GROUPS = ['0-4', '5-11', '12-17', '18-24', '25-59', '60+', 'unknown'] as const;
