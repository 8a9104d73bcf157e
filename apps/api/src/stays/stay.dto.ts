import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import {
  EXTENSION_ACTION_ENDPOINTS,
  type ExtensionActionName,
  extensionActions,
  STAY_ACTION_ENDPOINTS,
  type StayActionName,
  stayActions,
  type CheckInInput,
  EXTENSION_DAYS,
  EXTENSION_STATUSES,
  type Occupancy,
  type OccupancyStay,
  type RequestExtensionInput,
  STAY_STATUSES,
  type Stay,
  type StayExtension,
  type StayStatus,
  type StayView,
} from '@passerelle/core';
import { ApiActions } from '../http/actions.js';
import { Int, OneOf, Str, Uuid } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

/** `{ORGCODE}-{YYYY}-{NNNNNN}` (DESIGN §3). */
const CASE_NUMBER_PATTERN = '^[A-Z0-9-]+-[0-9]{4}-[0-9]{6}$';

export class CheckInDto implements CheckInInput {
  @Uuid({ description: 'A case of your organization you may update, or one referred to it for shelter (referral accepted)' }) caseId: string;
  @Uuid({ description: 'An active shelter of your organization' }) siteId: string;
}
export class RequestExtensionDto implements RequestExtensionInput {
  @Int({ min: EXTENSION_DAYS.min, max: EXTENSION_DAYS.max, description: 'Days added to the expected check-out on approval', example: 5 }) days: number;
  @Str({ min: 1, max: 2000, example: 'awaiting return convoy' }) reason: string;
}
export class RejectExtensionDto {
  @Str({ optional: true, min: 1, max: 2000, example: 'a bed is promised to a family arriving tomorrow' }) reason?: string;
}
export class StayQueryDto extends PageQueryDto {
  @Uuid({ optional: true, description: 'Stays at this shelter' }) siteId?: string;
  @OneOf(STAY_STATUSES, { optional: true }) status?: StayStatus;
  @Uuid({ optional: true, description: 'Stays of this case' }) caseId?: string;
}

// ---- responses ---------------------------------------------------------------------------------
export class StayExtensionDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) stayId: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: EXTENSION_DAYS.min, maximum: EXTENSION_DAYS.max }) days: number;
  @ApiProperty({ maxLength: 2000 }) reason: string;
  @ApiProperty({ enum: EXTENSION_STATUSES, description: 'cancelled: the migrant was checked out while the request was pending' }) status: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) requestedAt: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) requestedBy: string;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) decidedAt: string | null;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) decidedBy: string | null;
  @ApiPropertyOptional({ maxLength: 2000, nullable: true }) decisionReason: string | null;
  @ApiActions(EXTENSION_ACTION_ENDPOINTS) actions: ExtensionActionName[];
}
export class StayDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) caseId: string;
  @ApiProperty({ maxLength: 40, pattern: CASE_NUMBER_PATTERN, example: 'IOM-ML-2026-000123' }) caseNumber: string;
  @ApiProperty({ format: 'uuid', maxLength: 36, description: 'The shelter' }) siteId: string;
  @ApiProperty({ format: 'uuid', maxLength: 36, description: 'The shelter’s organization' }) organizationId: string;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true, description: 'The accepted shelter referral, for another organization’s case' }) referralId: string | null;
  @ApiProperty({ enum: STAY_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) checkedInAt: string;
  @ApiProperty({ format: 'date-time', maxLength: 40, description: 'Check-in + the site’s maxStayDays, moved by approved extensions' }) expectedCheckOutAt: string;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) checkedOutAt: string | null;
  @ApiProperty({ description: 'Active past expectedCheckOutAt' }) overdue: boolean;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true, description: 'Who checked the migrant in' }) createdBy: string | null;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) checkedOutBy: string | null;
  @ApiPropertyOptional({ type: () => [StayExtensionDto], maxItems: 1000, description: 'On single reads and actions: the extension requests, oldest first' })
  extensions?: StayExtensionDto[];
  @ApiActions(STAY_ACTION_ENDPOINTS) actions: StayActionName[];
}
export class ExtensionDecisionDto extends StayExtensionDto {
  @ApiProperty({ type: () => StayDto, description: 'The stay after the decision (expectedCheckOutAt moved on approval)' }) stay: StayDto;
}
export class OccupancyStayDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) caseId: string;
  @ApiProperty({ maxLength: 40, pattern: CASE_NUMBER_PATTERN, example: 'IOM-ML-2026-000123' }) caseNumber: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) checkedInAt: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) expectedCheckOutAt: string;
}
export class OccupancyDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) siteId: string;
  @ApiProperty({ format: 'date-time', maxLength: 40, description: 'When the figures were taken' }) at: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 10_000 }) capacity: number;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 10_000 }) occupied: number;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 10_000 }) free: number;
  @ApiProperty({ type: () => [OccupancyStayDto], maxItems: 10_000, description: 'Active stays whose expected check-out falls within the next 24 h' }) endingWithin24h: OccupancyStayDto[];
  @ApiProperty({ type: () => [OccupancyStayDto], maxItems: 10_000, description: 'Active stays past their expected check-out' }) overdue: OccupancyStayDto[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const toExtensionResponse = (x: StayExtension, actor: Actor, stay?: Pick<Stay, 'status'>): StayExtensionDto => ({
  id: x.id,
  stayId: x.stayId,
  days: x.days,
  reason: x.reason,
  status: x.status,
  requestedAt: x.requestedAt.toISOString(),
  requestedBy: x.requestedBy,
  decidedAt: iso(x.decidedAt),
  decidedBy: x.decidedBy,
  decisionReason: x.decisionReason,
  actions: extensionActions(actor, x, stay),
});

export function toStayResponse(s: Stay, now: Date, actor: Actor, extensions?: StayExtension[]): StayDto {
  return {
    id: s.id,
    caseId: s.caseId,
    caseNumber: s.caseNumber,
    siteId: s.siteId,
    organizationId: s.owningOrganizationId,
    referralId: s.referralId,
    status: s.status,
    checkedInAt: s.checkedInAt.toISOString(),
    expectedCheckOutAt: s.expectedCheckOutAt.toISOString(),
    checkedOutAt: iso(s.checkedOutAt),
    overdue: s.status === 'active' && s.expectedCheckOutAt < now,
    createdBy: s.createdBy,
    checkedOutBy: s.checkedOutBy,
    ...(extensions ? { extensions: extensions.map((x) => toExtensionResponse(x, actor, s)) } : {}),
    actions: stayActions(actor, s, extensions),
  };
}

export const toStayViewResponse = (v: StayView, now: Date, actor: Actor) => toStayResponse(v.stay, now, actor, v.extensions);

const toOccupancyStay = (s: OccupancyStay): OccupancyStayDto => ({ ...s, checkedInAt: s.checkedInAt.toISOString(), expectedCheckOutAt: s.expectedCheckOutAt.toISOString() });

export const toOccupancyResponse = (o: Occupancy): OccupancyDto => ({
  ...o,
  at: o.at.toISOString(),
  endingWithin24h: o.endingWithin24h.map(toOccupancyStay),
  overdue: o.overdue.map(toOccupancyStay),
});
