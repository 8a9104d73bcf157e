import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import { type ReportTable, reportCsv, ReportsService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { ApiProblems } from '../http/openapi.js';
import {
  FlowsQueryDto,
  ReferralsReportQueryDto,
  ReintegrationReportQueryDto,
  ReportSummaryDto,
  ReturnsReportQueryDto,
  ShelterCsvQueryDto,
  ShelterReportDto,
  ShelterReportQueryDto,
  TableReportDto,
  toSummaryResponse,
  toTableResponse,
} from './report.dto.js';

const CSV_DOC = {
  description: 'CSV: a header row, an HXL hashtag row, then one row per published cell (suppressed counts empty, suppressed=true)',
  content: { 'text/csv': { schema: { type: 'string', maxLength: 50_000_000 } } },
} as const;

function csvFile(name: string, period: { from: string; to: string }, table: ReportTable): StreamableFile {
  const body = Buffer.from(reportCsv(table, period), 'utf8');
  return new StreamableFile(body, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${name}_${period.from}_${period.to}.csv"`, length: body.length });
}

/**
 * Aggregated, de-identified reports of your own organization (issue 11): analysts and managers;
 * every count of 1 … k−1 suppressed, and the cells that would let one be recovered from a margin.
 * Each read is audited (report.viewed, with the parameters).
 */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('flows')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'Registrations of your organization’s cases in a period (default: the last 12 months), grouped by up to 3 dimensions' })
  @ApiOkResponse({ type: TableReportDto })
  @ApiProblems(400)
  async flows(@CurrentActor() actor: Actor, @Query() q: FlowsQueryDto) {
    const r = await this.reports.flows(actor, q);
    return { k: r.k, from: r.from, to: r.to, ...toTableResponse(r.table) };
  }

  @Get('flows.csv')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'The flows report as CSV with HXL hashtags' })
  @ApiProduces('text/csv')
  @ApiOkResponse(CSV_DOC)
  @ApiProblems(400)
  async flowsCsv(@CurrentActor() actor: Actor, @Query() q: FlowsQueryDto) {
    const r = await this.reports.flows(actor, q);
    return csvFile('flows', r, r.table);
  }

  @Get('referrals')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'Referrals sent (or received: direction=incoming) in a period by service type and organization: acceptance rate, median and p90 hours to answer, overdue share' })
  @ApiOkResponse({ type: TableReportDto })
  @ApiProblems(400)
  async referrals(@CurrentActor() actor: Actor, @Query() q: ReferralsReportQueryDto) {
    const r = await this.reports.referrals(actor, q);
    return { k: r.k, from: r.from, to: r.to, ...toTableResponse(r.table) };
  }

  @Get('referrals.csv')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'The referrals report as CSV with HXL hashtags' })
  @ApiProduces('text/csv')
  @ApiOkResponse(CSV_DOC)
  @ApiProblems(400)
  async referralsCsv(@CurrentActor() actor: Actor, @Query() q: ReferralsReportQueryDto) {
    const r = await this.reports.referrals(actor, q);
    return csvFile(`referrals_${q.direction ?? 'outgoing'}`, r, r.table);
  }

  @Get('returns')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'Voluntary returns opened in a period by status and destination country (also mode, month): count, median days from registration to departure' })
  @ApiOkResponse({ type: TableReportDto })
  @ApiProblems(400)
  async returns(@CurrentActor() actor: Actor, @Query() q: ReturnsReportQueryDto) {
    const r = await this.reports.returns(actor, q);
    return { k: r.k, from: r.from, to: r.to, ...toTableResponse(r.table) };
  }

  @Get('returns.csv')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'The returns report as CSV with HXL hashtags' })
  @ApiProduces('text/csv')
  @ApiOkResponse(CSV_DOC)
  @ApiProblems(400)
  async returnsCsv(@CurrentActor() actor: Actor, @Query() q: ReturnsReportQueryDto) {
    const r = await this.reports.returns(actor, q);
    return csvFile('returns', r, r.table);
  }

  @Get('reintegration')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'Reintegration plans created in a period by status (also month): count, budgets planned and delivered, average latest-visit scores by dimension and the scoring schemes behind them' })
  @ApiOkResponse({ type: TableReportDto })
  @ApiProblems(400)
  async reintegration(@CurrentActor() actor: Actor, @Query() q: ReintegrationReportQueryDto) {
    const r = await this.reports.reintegration(actor, q);
    return { k: r.k, from: r.from, to: r.to, ...toTableResponse(r.table) };
  }

  @Get('reintegration.csv')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'The reintegration report as CSV with HXL hashtags' })
  @ApiProduces('text/csv')
  @ApiOkResponse(CSV_DOC)
  @ApiProblems(400)
  async reintegrationCsv(@CurrentActor() actor: Actor, @Query() q: ReintegrationReportQueryDto) {
    const r = await this.reports.reintegration(actor, q);
    return csvFile('reintegration', r, r.table);
  }

  @Get('shelter')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'Your shelters in a period (at most 366 days): occupancy per shelter per day; stays begun, average length of stay, extensions' })
  @ApiOkResponse({ type: ShelterReportDto })
  @ApiProblems(400)
  async shelter(@CurrentActor() actor: Actor, @Query() q: ShelterReportQueryDto) {
    const r = await this.reports.shelter(actor, q);
    return { k: r.k, from: r.from, to: r.to, occupancy: toTableResponse(r.occupancy), stays: toTableResponse(r.stays) };
  }

  @Get('shelter.csv')
  @Requires('read', 'Report')
  @ApiOperation({ summary: 'The shelter report as CSV with HXL hashtags: table=occupancy (default) or stays' })
  @ApiProduces('text/csv')
  @ApiOkResponse(CSV_DOC)
  @ApiProblems(400)
  async shelterCsv(@CurrentActor() actor: Actor, @Query() q: ShelterCsvQueryDto) {
    const { table, ...period } = q;
    const r = await this.reports.shelter(actor, period);
    const which = table ?? 'occupancy';
    return csvFile(`shelter_${which}`, r, which === 'stays' ? r.stays : r.occupancy);
  }

  @Get('summary')
  @Requires('read', 'Report')
  @ApiOperation({
    summary: 'Your organization now, for a manager’s home screen: open cases, pending and overdue referrals in and out, stays, returns in progress, free beds',
    description: 'Managers get the exact numbers (operational: they see those cases and referrals anyway); analysts get them with counts of 1 … k−1 suppressed.',
  })
  @ApiOkResponse({ type: ReportSummaryDto })
  summary(@CurrentActor() actor: Actor) {
    return this.reports.summary(actor).then(toSummaryResponse);
  }
}
