import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TableDefinition } from './report-definitions.js';
import type { ReportPeriod } from './report-params.js';
import { SUMMARY_METRICS } from './report-queries.repository.js';

/** One aggregate row of a report statement: a group (`d0`…, `m0`…, `n0`…) or the total. */
export interface ReportRawRow {
  is_total: boolean;
  count: number;
  persons: number | null;
  [key: string]: unknown;
}

/**
 * The SQL engine of the reports (issue 11): a definition of report-queries.repository.ts run as
 * ONE statement, the summary's metrics as another, and the names of the sites and organizations
 * in the rows. Aggregates only; suppression is the service's, in Node. Takes `em` first.
 */
@Injectable()
export class ReportsRepository {
  /**
   * One statement: the groups (GROUP BY the chosen dimensions, multi-valued ones through their
   * LATERAL join) and the total (the same source, no dimension), ordered total last.
   */
  async table(em: EntityManager, org: string, def: TableDefinition, groupBy: string[], period: ReportPeriod, now: Date): Promise<ReportRawRow[]> {
    const dims = groupBy.map((name) => def.dimensions[name]);
    // Multi-valued dimensions join one row per distinct value of a case: count(*) counts cases,
    // and needs no DISTINCT (which would force a sort instead of a hash aggregate).
    const count = 'count(*)::int';
    const persons = def.persons ? `count(DISTINCT ${def.persons})::int` : 'NULL::int';
    const measures = def.measures.flatMap((m, i) => [`${m.sql} AS m${i}`, `${m.n ?? 'NULL'}::int AS n${i}`]);
    const groups = `SELECT false AS is_total, ${dims.map((d, i) => `${d.sql} AS d${i}`).join(', ')}, ${count} AS count, ${persons} AS persons, ${measures.join(', ') || 'NULL AS none'}
      FROM ${def.from} ${dims.map((d) => d.join ?? '').join(' ')} WHERE ${def.where}
      GROUP BY ${dims.map((_, i) => i + 2).join(', ')}`;
    const total = `SELECT true, ${dims.map(() => 'NULL').join(', ')}, count(*)::int, ${persons}, ${measures.join(', ') || 'NULL'} FROM ${def.from} WHERE ${def.where}`;
    // Every parameter typed once, whether or not this report's SQL uses it (an unused one has no type).
    const sql = `WITH params AS (SELECT $1::uuid, $2::timestamptz, $3::timestamptz, $4::timestamptz) ${groups} UNION ALL ${total} ORDER BY 1, ${dims.map((_, i) => i + 2).join(', ')}`;
    return (await em.query(sql, [org, period.start, period.end, now])) as ReportRawRow[];
  }

  /** The summary's metrics of the organization now, by name: one statement of scalar subqueries. */
  async summary(em: EntityManager, org: string, at: Date): Promise<Record<string, number>> {
    const [row] = (await em.query(`SELECT ${SUMMARY_METRICS.map((m, i) => `(${m.sql})::int AS m${i}`).join(', ')}`, [org, at])) as Record<string, number>[];
    return Object.fromEntries(SUMMARY_METRICS.map((m, i) => [m.name, Number(row[`m${i}`])]));
  }

  /** Names of sites (reference data, public in the directory). */
  siteLabels(em: EntityManager, ids: string[]): Promise<{ id: string; name: string; cercle_pcode: string | null }[]> {
    return em.query(`SELECT id::text, name, cercle_pcode FROM sites WHERE id::text = ANY($1)`, [ids]);
  }

  /** Codes and names of organizations (public in the directory). */
  organizationLabels(em: EntityManager, ids: string[]): Promise<{ id: string; code: string; name: string }[]> {
    return em.query(`SELECT id::text, code, name FROM organizations WHERE id::text = ANY($1)`, [ids]);
  }
}
