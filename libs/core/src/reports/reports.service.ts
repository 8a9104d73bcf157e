import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, APP_CONFIG, type AppConfig, Clock, DomainError } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import type { TableDefinition } from './report-definitions.js';
import { parseGroupBy, type ReportPeriod, reportPeriod } from './report-params.js';
import { FLOWS, REINTEGRATION, referralsReport, RETURNS, SHELTER_OCCUPANCY, SHELTER_STAYS } from './report-queries.repository.js';
import { readsOperationalNumbers } from './report.rules.js';
import { type ReportRawRow as RawRow, ReportsRepository } from './reports.repository.js';
import { type CountCell, protectCount, protectStat, suppressTable } from './suppression.js';

/** One published cell: its dimension values, `count` (null when suppressed) and measures. */
export type ReportRow = Record<string, string | number | boolean | string[] | null>;

export interface ReportTable {
  /** The definition, for CSV headers and HXL tags. */
  definition: TableDefinition;
  groupBy: string[];
  rows: ReportRow[];
  /** The total of the period (all groups together): `{count}` or `{count: null, suppressed: true}`, with the measures. */
  total: ReportRow;
}

export interface TableReport {
  k: number;
  from: string;
  to: string;
  table: ReportTable;
}

export interface ShelterReport {
  k: number;
  from: string;
  to: string;
  occupancy: ReportTable;
  stays: ReportTable;
}

export interface SummaryMetric {
  count: number | null;
  suppressed?: true;
}
export interface ReportSummary {
  at: Date;
  /** Set when the counts are suppressed (an analyst's view); absent for a manager's own operational numbers. */
  k?: number;
  metrics: Record<string, SummaryMetric>;
}

export interface ReportQuery {
  from?: string;
  to?: string;
  groupBy?: string;
}

/** Aggregated, de-identified reports of the actor's organization (issue 11). Read-only; every read audited. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: ReportsRepository,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get k(): number {
    return this.config.reportMinCell;
  }

  async flows(actor: Actor, q: ReportQuery): Promise<TableReport> {
    return this.tableReport(actor, FLOWS, q, {});
  }

  async referrals(actor: Actor, q: ReportQuery & { direction?: 'outgoing' | 'incoming' }): Promise<TableReport> {
    const direction = q.direction ?? 'outgoing';
    return this.tableReport(actor, referralsReport(direction), q, { direction });
  }

  async returns(actor: Actor, q: ReportQuery): Promise<TableReport> {
    return this.tableReport(actor, RETURNS, q, {});
  }

  async reintegration(actor: Actor, q: ReportQuery): Promise<TableReport> {
    return this.tableReport(actor, REINTEGRATION, q, {});
  }

  async shelter(actor: Actor, q: Omit<ReportQuery, 'groupBy'>): Promise<ShelterReport> {
    const org = this.orgOf(actor);
    const now = this.clock.now();
    const period = reportPeriod(q, now, SHELTER_OCCUPANCY.maxDays);
    const occupancy = await this.table(org, SHELTER_OCCUPANCY, [...SHELTER_OCCUPANCY.defaultGroupBy], period, now);
    const stays = await this.table(org, SHELTER_STAYS, [...SHELTER_STAYS.defaultGroupBy], period, now);
    await this.viewed(actor, 'shelter', { from: period.from, to: period.to });
    return { k: this.k, from: period.from, to: period.to, occupancy, stays };
  }

  /**
   * The home screen of a manager: their organization's operational numbers, now. A manager sees
   * every one of these cases and referrals anyway, so the exact counts disclose nothing; an
   * analyst (no personal data) gets them with counts of 1 … k−1 suppressed, and free beds
   * suppressed whenever the beds in use are (capacity is public in the directory).
   */
  async summary(actor: Actor): Promise<ReportSummary> {
    const org = this.orgOf(actor);
    const at = this.clock.now();
    const raw = await this.repo.summary(this.db.manager, org, at);
    const operational = readsOperationalNumbers(actor);
    const metrics: Record<string, SummaryMetric> = {};
    for (const [name, value] of Object.entries(raw)) {
      const hidden = !operational && (name === 'freeBeds' ? protectCount(raw.activeStays, this.k, false) === null : protectCount(value, this.k, false) === null);
      metrics[name] = hidden ? { count: null, suppressed: true } : { count: value };
    }
    await this.viewed(actor, 'summary', {});
    return { at, ...(operational ? {} : { k: this.k }), metrics };
  }

  private async tableReport(actor: Actor, def: TableDefinition, q: ReportQuery, extra: Record<string, string>): Promise<TableReport> {
    const org = this.orgOf(actor);
    const now = this.clock.now();
    const period = reportPeriod(q, now, def.maxDays);
    const groupBy = parseGroupBy(q.groupBy, Object.keys(def.dimensions), def.defaultGroupBy, def.maxGroupBy);
    const table = await this.table(org, def, groupBy, period, now);
    await this.viewed(actor, def.name, { from: period.from, to: period.to, groupBy: groupBy.join(','), ...extra });
    return { k: this.k, from: period.from, to: period.to, table };
  }

  /**
   * One statement (ReportsRepository.table): the groups and the total, then suppression in Node
   * over the aggregates only.
   */
  private async table(org: string, def: TableDefinition, groupBy: string[], period: ReportPeriod, now: Date): Promise<ReportTable> {
    const dims = groupBy.map((name) => def.dimensions[name]);
    const raw = await this.repo.table(this.db.manager, org, def, groupBy, period, now);
    const cellsRaw = raw.filter((r) => !r.is_total);
    const totalRaw = raw.find((r) => r.is_total)!;
    const cells: CountCell[] = cellsRaw.map((r) => ({ key: dims.map((_, i) => r[`d${i}`] as string), count: r.count, ...(def.persons ? { persons: r.persons! } : {}) }));
    const s = suppressTable(cells, this.k, { count: totalRaw.count, ...(def.persons ? { persons: totalRaw.persons! } : {}) });
    const labels = await this.labels(def, groupBy, cellsRaw);
    const rows = cellsRaw.map((r, i) => {
      const row: ReportRow = {};
      groupBy.forEach((name, d) => {
        row[name] = r[`d${d}`] as string;
        Object.assign(row, labels.get(`${name}:${String(r[`d${d}`])}`));
      });
      return Object.assign(row, this.measured(def, r, s.suppressed.has(i)));
    });
    return { definition: def, groupBy, rows, total: this.measured(def, totalRaw, s.total) };
  }

  /** `count` (or null + suppressed) and the measures, each protected. */
  private measured(def: TableDefinition, r: RawRow, suppressed: boolean): ReportRow {
    const out: ReportRow = suppressed ? { count: null, suppressed: true } : { count: r.count };
    def.measures.forEach((m, i) => {
      const raw = r[`m${i}`];
      const n = Number(r[`n${i}`] ?? 0);
      if (m.kind === 'list' || m.kind === 'flag') {
        // Describes a statistic: published only where that statistic could be.
        out[m.name] = suppressed || n < this.k || raw === null || raw === undefined ? null : (raw as string[] | boolean);
        return;
      }
      const value = raw === null ? null : Number(raw);
      if (m.kind === 'sum') out[m.name] = suppressed ? null : (value ?? 0);
      else out[m.name] = m.kind === 'count' ? protectCount(value ?? 0, this.k, suppressed) : protectStat(value, n, this.k, suppressed);
    });
    return out;
  }

  /** Names of the sites and organizations in the rows (reference data, public in the directory). */
  private async labels(def: TableDefinition, groupBy: string[], rows: RawRow[]): Promise<Map<string, ReportRow>> {
    const out = new Map<string, ReportRow>();
    for (const [d, name] of groupBy.entries()) {
      const label = def.dimensions[name].label;
      if (!label) continue;
      const ids = [...new Set(rows.map((r) => r[`d${d}`] as string))];
      if (!ids.length) continue;
      if (label === 'site') {
        for (const s of await this.repo.siteLabels(this.db.manager, ids)) {
          out.set(`${name}:${s.id}`, { siteName: s.name, siteAdm2Pcode: s.cercle_pcode });
        }
      } else {
        for (const o of await this.repo.organizationLabels(this.db.manager, ids)) {
          out.set(`${name}:${o.id}`, { organizationCode: o.code, organizationName: o.name });
        }
      }
    }
    return out;
  }

  private orgOf(actor: Actor): string {
    // The guard lets only analysts and managers in; a system actor has no organization to report on.
    if (!actor.organizationId) throw new DomainError('FORBIDDEN', 'Reports are of an organization');
    return actor.organizationId;
  }

  /** DESIGN §7: reading a report is audited as an aggregate read — its name and parameters, no personal data. */
  private viewed(actor: Actor, report: string, parameters: Record<string, string>): Promise<void> {
    return this.audit.record(null, actor, 'report.viewed', { type: 'Report', id: report, organizationId: actor.organizationId }, { details: { report, parameters } });
  }
}
