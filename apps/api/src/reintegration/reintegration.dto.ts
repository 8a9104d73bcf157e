import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, ValidateBy } from 'class-validator';
import type { Actor } from '@passerelle/common';
import {
  PLAN_ACTION_ENDPOINTS,
  type PlanActionName,
  planActions,
  COMPOSITE_FORMULAS,
  type CreatePlanInput,
  type DeliverItemInput,
  DIMENSION_FORMULAS,
  type ItemInput,
  MAX_ITEM_BUDGET_XOF,
  PLAN_STATUSES,
  type PlanStatus,
  type PlanView,
  REINTEGRATION_DIMENSIONS,
  REINTEGRATION_ITEM_TYPES,
  type ReintegrationDimension,
  type ReintegrationItem,
  type ReintegrationItemType,
  type ReintegrationPlan,
  type ReintegrationSettings,
  type ReintegrationVisit,
  type ScoringScheme,
  type UpdateItemInput,
  type UpdatePlanInput,
  VISIT_TYPES,
  type VisitInput,
  type VisitType,
} from '@passerelle/core';
import { ApiActions } from '../http/actions.js';
import { DateOnly } from '../http/codes.js';
import { Bool, Int, iso, OneOf, Str, Uuid } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

const XOF = { min: 0, max: MAX_ITEM_BUDGET_XOF };
const CODE = { type: 'string', maxLength: 64, pattern: '^[a-z][a-z0-9_]{0,63}$' } as const;

export class CreatePlanDto implements CreatePlanInput {
  @Str({ optional: true, max: 4000, description: 'The returnee’s goals and circumstances (personal data: reads are audited)' }) summary?: string;
}
export class UpdatePlanDto implements UpdatePlanInput {
  @Str({ optional: true, max: 4000, description: 'null clears it' }) summary?: string | null;
}
export class PlanQueryDto extends PageQueryDto {
  @OneOf(PLAN_STATUSES, { optional: true }) status?: PlanStatus;
  @Uuid({ optional: true }) caseId?: string;
  @DateOnly({ optional: true, example: '2026-11-01' }) from?: string;
  @DateOnly({ optional: true, example: '2026-11-30' }) to?: string;
}
export class ItemDto implements ItemInput {
  @OneOf(REINTEGRATION_ITEM_TYPES, { description: 'Decides the dimension (DESIGN §6)' }) type: ReintegrationItemType;
  @OneOf(REINTEGRATION_DIMENSIONS, { optional: true, description: 'Optional: follows from the type; when given it must agree' }) dimension?: ReintegrationDimension;
  @Str({ min: 1, max: 2000, example: 'Embouche ovine: 5 sheep, feed for 3 months' }) description: string;
  @Int({ ...XOF, description: 'Whole francs CFA (XOF)', example: 350000 }) budgetXof: number;
  @Uuid({ optional: true, description: 'The supplier or partner organization, when it is on the platform' }) partnerOrganizationId?: string | null;
}
export class UpdateItemDto implements UpdateItemInput {
  @OneOf(REINTEGRATION_ITEM_TYPES, { optional: true }) type?: ReintegrationItemType;
  @OneOf(REINTEGRATION_DIMENSIONS, { optional: true }) dimension?: ReintegrationDimension;
  @Str({ optional: true, min: 1, max: 2000 }) description?: string;
  @Int({ ...XOF, optional: true }) budgetXof?: number;
  @Uuid({ optional: true, description: 'null clears it' }) partnerOrganizationId?: string | null;
}
export class DeliverItemDto implements DeliverItemInput {
  @DateOnly({ example: '2026-11-20' }) deliveredOn: string;
  @Str({ min: 1, max: 2000, example: 'Kit handed over at the Bamako office; receipt signed by the beneficiary (thumbprint)' }) evidenceNote: string;
}

/** `{indicatorCode: answerCode | null}`, at most 200 answers of at most 64 characters. */
const Answers = () =>
  ValidateBy({
    name: 'isAnswers',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length <= 200 && Object.entries(v).every(([k, a]) => k.length <= 64 && (a === null || (typeof a === 'string' && a.length <= 64))),
      defaultMessage: () => '$property must be an object of at most 200 indicator codes, each mapped to an answer code (text) or null',
    },
  });

export class VisitDto implements VisitInput {
  @DateOnly({ example: '2026-11-20' }) visitDate: string;
  @OneOf(VISIT_TYPES) visitType: VisitType;
  @Str({ min: 1, max: 200, example: 'Moussa Diarra (IOM field officer)' }) visitedBy: string;
  @IsObject()
  @Answers()
  @ApiProperty({
    type: 'object',
    maxProperties: 200,
    additionalProperties: { type: 'string', maxLength: 64, nullable: true },
    description: 'Reintegration Sustainability Survey answers: indicator code → answer code of its scale (GET /scoring-schemes/{id}); absent or null: not answered (reported as missing, never scored as zero)',
    example: { economic_satisfaction: 'satisfied', currently_working: 'yes', children_enrolled: 'not_applicable' },
  })
  answers: Record<string, string | null>;
  @Uuid({ optional: true, description: 'Score with this scheme; by default your organization’s latest, else the shipped one' }) schemeId?: string;
}

export class SettingsDto {
  @Int({ min: 0, max: 1_000_000_000_000, optional: true, description: 'A plan budget (XOF) above this needs a second manager’s approval; null: no ceiling' })
  budgetCeilingXof: number | null;
}

// ---- scoring schemes: the body is checked whole by validateSchemeDefinition (every error with its path) ----
export class AnswerOptionDocModel {
  @ApiProperty(CODE) code: string;
  @ApiProperty({ maxLength: 500 }) label: string;
}
class IndicatorDoc {
  @ApiProperty(CODE) code: string;
  @ApiProperty({ enum: REINTEGRATION_DIMENSIONS }) dimension: string;
  @ApiProperty({ maxLength: 500 }) label: string;
  @ApiProperty({ ...CODE, description: 'A key of `scales`' }) scale: string;
  @ApiProperty({
    type: 'object',
    maxProperties: 20,
    additionalProperties: { type: 'number', minimum: 0, maximum: 1, nullable: true },
    description: 'A score (0–1, higher: more sustainable) for every answer code of the scale and no other; null: not applicable',
  })
  scores: Record<string, number | null>;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1_000_000, description: 'Weight in its dimension' }) weight: number;
}
class CompositeDoc {
  @ApiProperty({ enum: COMPOSITE_FORMULAS }) formula: string;
  @ApiProperty({
    type: 'object',
    maxProperties: 200,
    additionalProperties: { type: 'number', minimum: 0, maximum: 1_000_000 },
    description: 'weighted_mean_of_dimensions: a weight per dimension; weighted_mean_of_indicators: a weight per indicator code',
  })
  weights: Record<string, number>;
}
const SCALES_SCHEMA = {
  type: 'object',
  maxProperties: 50,
  additionalProperties: { type: 'array', maxItems: 20, items: { $ref: '#/components/schemas/AnswerOptionDocModel' } },
  description: 'Answer scales by name: the answer codes a question accepts',
} as const;

export class LoadSchemeDto {
  @Str({ min: 2, max: 80, pattern: /^[a-z0-9][a-z0-9._-]{1,79}$/, example: 'rss-iom-annex4' }) name: string;
  @Int({ min: 1, max: 1_000_000, description: '(name, version) is loaded once: a new table is a new version' }) version: number;
  @Str({ min: 1, max: 2000, description: 'Where the weights come from (citation), or why they are placeholders' }) source: string;
  @Bool({ description: 'True only for IOM’s own published table' }) official: boolean;
  @Str({ optional: true, max: 4000 }) description?: string;
  @IsObject() @ApiProperty(SCALES_SCHEMA) scales: Record<string, unknown>;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ApiProperty({ type: [IndicatorDoc], maxItems: 200, minItems: 1 }) indicators: unknown[];
  @OneOf(DIMENSION_FORMULAS, { description: 'weighted_mean: of the answered indicators, by weight, re-normalised over those answered' }) dimensionFormula: string;
  @IsObject() @ApiProperty({ type: CompositeDoc }) composite: Record<string, unknown>;
}

// ---- responses ---------------------------------------------------------------------------------
class ApprovalDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) by: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) at: string;
}
export class ItemResponseDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) planId: string;
  @ApiProperty({ enum: REINTEGRATION_DIMENSIONS }) dimension: string;
  @ApiProperty({ enum: REINTEGRATION_ITEM_TYPES }) type: string;
  @ApiProperty({ maxLength: 2000 }) description: string;
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: MAX_ITEM_BUDGET_XOF }) budgetXof: number;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) partnerOrganizationId: string | null;
  @ApiProperty({ enum: ['planned', 'delivered', 'cancelled'] }) status: string;
  @ApiPropertyOptional({ type: String, format: 'date', maxLength: 10, nullable: true }) deliveredOn: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true }) evidenceNote: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) deliveredBy: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40, nullable: true }) cancelledAt: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true }) cancelReason: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
}
class BudgetByDimensionDto {
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) economic: number;
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) social: number;
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) psychosocial: number;
}
export class PlanSummaryDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) caseId: string;
  @ApiProperty({ maxLength: 40 }) caseNumber: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) owningOrganizationId: string;
  @ApiProperty({ enum: PLAN_STATUSES, description: 'awaiting_second_approval: above the budget ceiling, approved once, waiting for a second manager' }) status: string;
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Σ budgets of the items not cancelled (XOF)' }) totalBudgetXof: number;
  @ApiPropertyOptional({ type: 'integer', format: 'int64', minimum: 0, maximum: 1_000_000_000_000, nullable: true, description: 'The organization’s ceiling when submitted' }) budgetCeilingXof: number | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 2, nullable: true, description: 'Set at submission: 2 above the ceiling' }) approvalsRequired: number | null;
  @ApiProperty({ type: [ApprovalDto], maxItems: 2 }) approvals: ApprovalDto[];
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40, nullable: true }) submittedAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) submittedBy: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40, nullable: true }) rejectedAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) rejectedBy: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true }) rejectionReason: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40, nullable: true }) startedAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40, nullable: true }) completedAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) completedBy: string | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647, description: 'Also the ETag, for If-Match' }) version: number;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) createdBy: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) updatedAt: string;
  @ApiActions(PLAN_ACTION_ENDPOINTS) actions: PlanActionName[];
}
export class PlanDto extends PlanSummaryDto {
  @ApiPropertyOptional({ type: String, maxLength: 4000, nullable: true }) summary: string | null;
  @ApiProperty({ type: BudgetByDimensionDto, description: 'Items not cancelled, by dimension (XOF)' }) budgetByDimension: BudgetByDimensionDto;
  @ApiProperty({ type: [ItemResponseDto], maxItems: 200 }) items: ItemResponseDto[];
}
export class ItemChangeDto extends ItemResponseDto {
  @ApiProperty({ type: PlanDto }) plan: PlanDto;
}

class DimensionScoreDto {
  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 1, nullable: true, description: 'null when no indicator of the dimension was answered' }) score: number | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 200 }) answered: number;
  @ApiProperty({ type: 'array', items: CODE, maxItems: 200, description: 'Indicators not answered: left out, never counted as zero' }) missing: string[];
  @ApiProperty({ type: 'array', items: CODE, maxItems: 200 }) notApplicable: string[];
  @ApiProperty() complete: boolean;
}
class DimensionScoresDto {
  @ApiProperty({ type: DimensionScoreDto }) economic: DimensionScoreDto;
  @ApiProperty({ type: DimensionScoreDto }) social: DimensionScoreDto;
  @ApiProperty({ type: DimensionScoreDto }) psychosocial: DimensionScoreDto;
}
class CompositeScoreDto {
  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 1, nullable: true }) score: number | null;
  @ApiProperty({ type: 'array', items: CODE, maxItems: 200 }) missing: string[];
  @ApiProperty() complete: boolean;
}
class ScoresDto {
  @ApiProperty({ format: 'uuid', maxLength: 36, description: 'The scheme these scores were computed with' }) schemeId: string;
  @ApiProperty({ maxLength: 80 }) schemeName: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000 }) schemeVersion: number;
  @ApiProperty({ description: 'false: not IOM’s official weights (the shipped scheme is not)' }) official: boolean;
  @ApiProperty({ type: DimensionScoresDto }) dimensions: DimensionScoresDto;
  @ApiProperty({ type: CompositeScoreDto }) composite: CompositeScoreDto;
}
export class VisitResponseDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) planId: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) caseId: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) visitDate: string;
  @ApiProperty({ enum: VISIT_TYPES }) visitType: string;
  @ApiProperty({ maxLength: 200 }) visitedBy: string;
  @ApiProperty({ type: 'object', maxProperties: 200, additionalProperties: { type: 'string', maxLength: 64 } }) answers: Record<string, string>;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) schemeId: string;
  @ApiProperty({ type: ScoresDto }) scores: ScoresDto;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) recordedBy: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) recordedAt: string;
}
export class ScoresOverTimeDto {
  @ApiProperty({ type: [VisitResponseDto], maxItems: 1000, description: 'Every visit of the case’s plans, by visit date: each with the scheme it was scored with' }) items: VisitResponseDto[];
}
export class TimelineEntryDto {
  @ApiProperty({ format: 'date-time', maxLength: 40 }) at: string;
  @ApiProperty({ maxLength: 100, example: 'reintegration_plan.submitted' }) type: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) actorUserId: string | null;
  @ApiPropertyOptional({ type: 'object', nullable: true, additionalProperties: true }) details: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 100 }) changedFields: string[];
}
export class SchemeSummaryDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true, description: 'null: shipped with the product' }) organizationId: string | null;
  @ApiProperty({ maxLength: 80 }) name: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000 }) version: number;
  @ApiProperty({ maxLength: 2000 }) source: string;
  @ApiProperty() official: boolean;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 200 }) indicatorCount: number;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) createdBy: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
}
export class SchemeDto extends SchemeSummaryDto {
  @ApiProperty({ type: LoadSchemeDto, description: 'The definition as loaded' }) definition: LoadSchemeDto;
}
export class SettingsResponseDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) organizationId: string;
  @ApiPropertyOptional({ type: 'integer', format: 'int64', minimum: 0, maximum: 1_000_000_000_000, nullable: true }) budgetCeilingXof: number | null;
}

export function toItemResponse(i: ReintegrationItem): ItemResponseDto {
  return {
    id: i.id,
    planId: i.planId,
    dimension: i.dimension,
    type: i.type,
    description: i.description,
    budgetXof: i.budgetXof,
    partnerOrganizationId: i.partnerOrganizationId,
    status: i.status,
    deliveredOn: i.deliveredOn,
    evidenceNote: i.evidenceNote,
    deliveredBy: i.deliveredBy,
    cancelledAt: iso(i.cancelledAt),
    cancelReason: i.cancelReason,
    createdAt: i.createdAt.toISOString(),
  };
}

export function toPlanSummary(p: ReintegrationPlan, actor: Actor, items?: readonly ReintegrationItem[]): PlanSummaryDto {
  const approvals = [
    ...(p.firstApprovedBy && p.firstApprovedAt ? [{ by: p.firstApprovedBy, at: p.firstApprovedAt.toISOString() }] : []),
    ...(p.secondApprovedBy && p.secondApprovedAt ? [{ by: p.secondApprovedBy, at: p.secondApprovedAt.toISOString() }] : []),
  ];
  return {
    id: p.id,
    caseId: p.caseId,
    caseNumber: p.caseNumber,
    owningOrganizationId: p.owningOrganizationId,
    status: p.status,
    totalBudgetXof: p.totalBudgetXof,
    budgetCeilingXof: p.budgetCeilingXof,
    approvalsRequired: p.approvalsRequired,
    approvals,
    submittedAt: iso(p.submittedAt),
    submittedBy: p.submittedBy,
    rejectedAt: iso(p.rejectedAt),
    rejectedBy: p.rejectedBy,
    rejectionReason: p.rejectionReason,
    startedAt: iso(p.startedAt),
    completedAt: iso(p.completedAt),
    completedBy: p.completedBy,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    createdBy: p.createdBy,
    updatedAt: p.updatedAt.toISOString(),
    actions: planActions(actor, p, items),
  };
}

export function toPlanResponse(v: PlanView, actor: Actor): PlanDto {
  const live = v.items.filter((i) => i.status !== 'cancelled');
  const sum = (d: ReintegrationDimension) => live.filter((i) => i.dimension === d).reduce((s, i) => s + i.budgetXof, 0);
  return {
    ...toPlanSummary(v.plan, actor, v.items),
    summary: v.plan.summary,
    budgetByDimension: { economic: sum('economic'), social: sum('social'), psychosocial: sum('psychosocial') },
    items: v.items.map(toItemResponse),
  };
}

export function toVisitResponse(v: ReintegrationVisit): VisitResponseDto {
  return {
    id: v.id,
    planId: v.planId,
    caseId: v.caseId,
    visitDate: v.visitDate,
    visitType: v.visitType,
    visitedBy: v.visitedBy,
    answers: v.answers as Record<string, string>,
    schemeId: v.schemeId,
    scores: v.scores,
    recordedBy: v.recordedBy,
    recordedAt: v.createdAt.toISOString(),
  };
}

export function toSchemeSummary(s: ScoringScheme): SchemeSummaryDto {
  return {
    id: s.id,
    organizationId: s.organizationId,
    name: s.name,
    version: s.version,
    source: s.source,
    official: s.official,
    indicatorCount: s.definition.indicators.length,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
  };
}
export const toSchemeResponse = (s: ScoringScheme): SchemeDto => ({ ...toSchemeSummary(s), definition: s.definition as unknown as LoadSchemeDto });
export const toSettingsResponse = (s: ReintegrationSettings): SettingsResponseDto => s;
