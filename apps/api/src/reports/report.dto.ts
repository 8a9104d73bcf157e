import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CAPABILITIES, REASONS_FOR_MIGRATION, REPORT_AGE_GROUPS, type ReportTable, SEXES, type SummaryMetric, URGENCIES, VULNERABILITIES } from '@passerelle/core';
import { DateOnly } from '../http/codes.js';
import { OneOf, Str } from '../http/dto.js';

const GROUP_BY = /^[A-Za-z]{1,40}(,[A-Za-z]{1,40}){0,9}$/;
const MAX_ROWS = 200_000;

class PeriodQueryDto {
  @DateOnly({ optional: true, example: '2026-01-01' }) from?: string;
  @DateOnly({ optional: true, example: '2026-12-31' }) to?: string;
}
class GroupedQueryDto extends PeriodQueryDto {
  @Str({ optional: true, max: 200, pattern: GROUP_BY, patternMessage: 'groupBy must be dimension names separated by commas' }) groupBy?: string;
}
export class FlowsQueryDto extends GroupedQueryDto {
  // Documented here; the service checks the names (400 VALIDATION_FAILED naming unknown ones).
  @ApiPropertyOptional({ description: 'month (default), week, nationality, sex, ageGroup, site, reasonsForMigration, vulnerability, intendedDestination: at most 3, comma-separated', example: 'month,nationality,sex', maxLength: 200 })
  declare groupBy?: string;
}
export class ReferralsReportQueryDto extends GroupedQueryDto {
  @ApiPropertyOptional({ description: 'serviceType, organization (the other organization), urgency, month: at most 3 (default serviceType,organization)', example: 'serviceType,organization', maxLength: 200 })
  declare groupBy?: string;
  @OneOf(['outgoing', 'incoming'], { optional: true, description: 'outgoing (default): referrals your organization sent, by receiving organization; incoming: received, by sending organization' })
  direction?: 'outgoing' | 'incoming';
}
export class ReturnsReportQueryDto extends GroupedQueryDto {
  @ApiPropertyOptional({ description: 'status, destinationCountry, mode, month: at most 3 (default status,destinationCountry); returns opened (created) in the period', example: 'status,destinationCountry', maxLength: 200 })
  declare groupBy?: string;
}
export class ReintegrationReportQueryDto extends GroupedQueryDto {
  @ApiPropertyOptional({ description: 'status, month: at most 2 (default status); plans created in the period', example: 'status', maxLength: 200 })
  declare groupBy?: string;
}
export class ShelterReportQueryDto extends PeriodQueryDto {}
export class ShelterCsvQueryDto extends PeriodQueryDto {
  @OneOf(['occupancy', 'stays'], { optional: true, description: 'occupancy (default): per shelter per day; stays: per shelter, with lengths of stay and extensions' })
  table?: 'occupancy' | 'stays';
}

// ---- responses ---------------------------------------------------------------------------------
const count = { type: 'integer', format: 'int32', minimum: 0, maximum: 2_000_000_000, nullable: true, description: 'null when suppressed (1 … k−1, or needed to protect another cell)' } as const;
const stat = (description: string) => ({ type: 'number', format: 'double', minimum: 0, maximum: 1_000_000, nullable: true, description: `${description}; null when fewer than k stand behind it` }) as const;

/** One cell: the dimension values asked for (groupBy) and the measures. */
export class ReportRowDto {
  @ApiPropertyOptional({ maxLength: 7, pattern: '^\\d{4}-\\d{2}$', example: '2026-11' }) month?: string;
  @ApiPropertyOptional({ maxLength: 8, pattern: '^\\d{4}-W\\d{2}$', example: '2026-W47' }) week?: string;
  @ApiPropertyOptional({ maxLength: 10, format: 'date', example: '2026-11-23' }) date?: string;
  @ApiPropertyOptional({ maxLength: 7, pattern: '^([A-Z]{3}|unknown)$', example: 'GIN', description: 'ISO 3166-1 alpha-3, or unknown' }) nationality?: string;
  @ApiPropertyOptional({ enum: SEXES, example: 'female' }) sex?: string;
  @ApiPropertyOptional({ enum: REPORT_AGE_GROUPS, example: '18-24', description: 'Age at registration from the birth year' }) ageGroup?: string;
  @ApiPropertyOptional({ maxLength: 36, format: 'uuid' }) site?: string;
  @ApiPropertyOptional({ maxLength: 200 }) siteName?: string;
  @ApiPropertyOptional({ maxLength: 20, nullable: true, description: 'OCHA P-code of the site’s cercle (admin 2)' }) siteAdm2Pcode?: string | null;
  @ApiPropertyOptional({ enum: [...REASONS_FOR_MIGRATION, 'unknown'], example: 'economic' }) reasonsForMigration?: string;
  @ApiPropertyOptional({ enum: [...VULNERABILITIES, 'none'], example: 'medical_condition' }) vulnerability?: string;
  @ApiPropertyOptional({ maxLength: 7, pattern: '^([A-Z]{3}|unknown)$', example: 'DZA' }) intendedDestination?: string;
  @ApiPropertyOptional({ enum: CAPABILITIES, example: 'shelter' }) serviceType?: string;
  @ApiPropertyOptional({ maxLength: 36, format: 'uuid', description: 'The other organization of the referrals' }) organization?: string;
  @ApiPropertyOptional({ maxLength: 40 }) organizationCode?: string;
  @ApiPropertyOptional({ maxLength: 200 }) organizationName?: string;
  @ApiPropertyOptional({ enum: URGENCIES, example: 'high' }) urgency?: string;
  @ApiPropertyOptional({ maxLength: 40, pattern: '^[a-z_]+$', example: 'departed', description: 'Returns or reintegration plans: the status' }) status?: string;
  @ApiPropertyOptional({ maxLength: 3, pattern: '^[A-Z]{3}$', example: 'GIN', description: 'Returns: ISO 3166-1 alpha-3 destination' }) destinationCountry?: string;
  @ApiPropertyOptional({ enum: ['road', 'air'], example: 'road' }) mode?: string;
  @ApiProperty(count) count: number | null;
  @ApiPropertyOptional({ enum: [true], description: 'Present (true) when count is suppressed' }) suppressed?: true;
  @ApiPropertyOptional(stat('Returns: median days from the case’s registration to departure, of the returns departed or arrived')) medianDaysRegistrationToDeparture?: number | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int64', minimum: 0, maximum: 9_000_000_000_000, nullable: true, description: 'Reintegration: sum of the plans’ total budgets (XOF); null when the count is suppressed' }) budgetPlannedXof?: number | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int64', minimum: 0, maximum: 9_000_000_000_000, nullable: true, description: 'Reintegration: sum of the delivered items’ budgets (XOF); null when the count is suppressed' }) budgetDeliveredXof?: number | null;
  @ApiPropertyOptional({ ...stat('Reintegration: mean economic score (0–1) of each plan’s latest visit'), maximum: 1 }) avgEconomicScore?: number | null;
  @ApiPropertyOptional({ ...stat('Reintegration: mean social score (0–1) of each plan’s latest visit'), maximum: 1 }) avgSocialScore?: number | null;
  @ApiPropertyOptional({ ...stat('Reintegration: mean psychosocial score (0–1) of each plan’s latest visit'), maximum: 1 }) avgPsychosocialScore?: number | null;
  @ApiPropertyOptional({ ...stat('Reintegration: mean composite score (0–1) of each plan’s latest visit'), maximum: 1 }) avgCompositeScore?: number | null;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: 1000,
    nullable: true,
    description: 'Reintegration: the scoring schemes of the latest visits behind the averages (scores of different schemes are not comparable); null when fewer than k plans are scored or the count is suppressed',
  })
  schemeIds?: string[] | null;
  @ApiPropertyOptional({ type: 'boolean', nullable: true, description: 'Reintegration: whether every scheme in schemeIds is official (IOM’s weights); null like schemeIds' }) schemesOfficial?: boolean | null;
  @ApiPropertyOptional(stat('Referrals: (accepted + completed) / answered')) acceptanceRate?: number | null;
  @ApiPropertyOptional(stat('Referrals: median hours from sending to the answer')) medianHoursToAnswer?: number | null;
  @ApiPropertyOptional(stat('Referrals: 90th percentile of hours to the answer')) p90HoursToAnswer?: number | null;
  @ApiPropertyOptional(stat('Referrals: share not answered by respondBy, of those whose deadline passed or that were answered or cancelled')) overdueShare?: number | null;
  @ApiPropertyOptional(stat('Stays: mean days from check-in to check-out, of the stays ended')) averageLengthOfStayDays?: number | null;
  @ApiPropertyOptional({ ...count, description: 'Stays: extension requests' }) extensionsRequested?: number | null;
  @ApiPropertyOptional({ ...count, description: 'Stays: extension requests approved' }) extensionsApproved?: number | null;
}
export class ReportTotalDto {
  @ApiProperty(count) count: number | null;
  @ApiPropertyOptional({ enum: [true] }) suppressed?: true;
}
class ReportTableDto {
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 40, pattern: '^[A-Za-z]+$' }, maxItems: 3, example: ['month', 'nationality', 'sex'] }) groupBy: string[];
  @ApiProperty({ type: () => [ReportRowDto], maxItems: MAX_ROWS, description: 'Groups with at least one; absent groups are 0' }) rows: ReportRowDto[];
  @ApiProperty({ type: () => ReportTotalDto, description: 'All groups together, with the same measures, protected the same way' }) total: ReportTotalDto;
}
export class TableReportDto extends ReportTableDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 1000, example: 5, description: 'The smallest count published (REPORT_MIN_CELL)' }) k: number;
  @ApiProperty({ format: 'date', maxLength: 10 }) from: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) to: string;
}
export class ShelterReportDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 1000, example: 5 }) k: number;
  @ApiProperty({ format: 'date', maxLength: 10 }) from: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) to: string;
  @ApiProperty({ type: () => ReportTableDto, description: 'Persons housed per shelter per day (a stay counts on each day it overlaps); the total is stay-days' }) occupancy: ReportTableDto;
  @ApiProperty({ type: () => ReportTableDto, description: 'Stays begun in the period per shelter: count, average length of stay, extensions' }) stays: ReportTableDto;
}
export class SummaryMetricDto {
  @ApiProperty(count) count: number | null;
  @ApiPropertyOptional({ enum: [true] }) suppressed?: true;
}
class SummaryMetricsDto {
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Open cases owned by your organization' }) openCases: SummaryMetricDto;
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Referrals to your organization awaiting its answer' }) pendingReferralsIncoming: SummaryMetricDto;
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Referrals your organization sent, awaiting an answer' }) pendingReferralsOutgoing: SummaryMetricDto;
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Of the incoming pending ones, past respondBy' }) overdueReferralsIncoming: SummaryMetricDto;
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Of the outgoing pending ones, past respondBy' }) overdueReferralsOutgoing: SummaryMetricDto;
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Migrants housed in your shelters now' }) activeStays: SummaryMetricDto;
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Stays past their expected check-out' }) overdueStays: SummaryMetricDto;
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Returns of your organization in progress (draft, submitted, approved)' }) returnsInProgress: SummaryMetricDto;
  @ApiProperty({ type: () => SummaryMetricDto, description: 'Free beds in your active shelters' }) freeBeds: SummaryMetricDto;
}
export class ReportSummaryDto {
  @ApiProperty({ format: 'date-time', maxLength: 40 }) at: string;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 1000, description: 'Present when counts of 1 … k−1 are suppressed (an analyst’s view); a manager gets the exact operational numbers' })
  k?: number;
  @ApiProperty({ type: () => SummaryMetricsDto }) metrics: SummaryMetricsDto;
}

export const toTableResponse = (t: ReportTable) => ({ groupBy: t.groupBy, rows: t.rows, total: t.total });
export const toSummaryResponse = (s: { at: Date; k?: number; metrics: Record<string, SummaryMetric> }) => ({ at: s.at.toISOString(), ...(s.k === undefined ? {} : { k: s.k }), metrics: s.metrics });
