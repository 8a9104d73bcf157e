import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize } from 'class-validator';
import type { Actor } from '@passerelle/common';
import {
  MOVEMENT_ACTION_ENDPOINTS,
  type MovementActionName,
  movementActions,
  RETURN_ACTION_ENDPOINTS,
  type ReturnActionName,
  returnActions,
  type ArriveInput,
  type CreateMovementInput,
  type CreateReturnInput,
  MOVEMENT_STATUSES,
  type Movement,
  type MovementStatus,
  type MovementView,
  RETURN_MODES,
  RETURN_STATUSES,
  type Return,
  type ReturnEscort,
  type ReturnLeg,
  type ReturnMode,
  type ReturnStatus,
  TRAVEL_DOCUMENT_TYPES,
  type TravelDocument,
  type TravelDocumentType,
  type UpdateReturnInput,
} from '@passerelle/core';
import { ApiActions } from '../http/actions.js';
import { Country, DateOnly } from '../http/codes.js';
import { Bool, DateTime, Int, iso, Nested, NestedEach, OneOf, Str, Strs, Uuid, Uuids } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

/** `{ORGCODE}-{YYYY}-{NNNNNN}` (DESIGN §3). */
const CASE_NUMBER_PATTERN = '^[A-Z0-9-]+-[0-9]{4}-[0-9]{6}$';
/** Pocket money: up to 10 million CFA francs. */
const MAX_POCKET_MONEY = 10_000_000;
const MAX_LEGS = 10;
const MAX_MOVEMENT_RETURNS = 200;

export class TravelDocumentDto implements TravelDocument {
  @OneOf(TRAVEL_DOCUMENT_TYPES, { example: 'laissez_passer' }) type: TravelDocumentType;
  @Str({ min: 1, max: 40, example: 'LP-GIN-2026-0042' }) number: string;
  @Country({ optional: true, example: 'GIN' }) issuingCountry?: string;
}
export class ReturnLegDto implements ReturnLeg {
  @Str({ min: 1, max: 100, example: 'Gao' }) from: string;
  @Str({ min: 1, max: 100, example: 'Niamey' }) to: string;
  @DateTime({ example: '2026-12-01T06:00:00Z' }) departAt: string;
  @Str({ min: 1, max: 100, example: 'Sonef' }) carrier: string;
}
export class EscortDto implements ReturnEscort {
  @Str({ min: 1, max: 200, example: 'Moussa Touré' }) name: string;
  @Str({ optional: true, max: 30, example: '+22376000000' }) phone?: string;
}

export class CreateReturnDto implements CreateReturnInput {
  @Country({ example: 'GIN' }) destinationCountry: string;
  @Str({ min: 1, max: 200, example: 'Kankan' }) destinationLocality: string;
  @OneOf(RETURN_MODES, { example: 'road' }) mode: ReturnMode;
  @Bool({ optional: true, description: 'For vulnerable cases (default false)' }) escortRequired?: boolean;
  @Nested(EscortDto, { optional: true }) escort?: EscortDto;
  @Int({ optional: true, min: 0, max: MAX_POCKET_MONEY, description: 'Cash for the journey, in CFA francs (XOF)', example: 25000 }) pocketMoneyXof?: number;
  @Nested(TravelDocumentDto, { optional: true }) travelDocument?: TravelDocumentDto;
  @NestedEach(ReturnLegDto, { optional: true, maxItems: MAX_LEGS, description: 'In travel order' }) legs?: ReturnLegDto[];
}

/** Absent fields are left alone. The destination, mode and pocket money change only on a draft; the rest until departure (409). */
export class UpdateReturnDto implements UpdateReturnInput {
  @Country({ optional: true, example: 'GIN' }) destinationCountry?: string;
  @Str({ optional: true, min: 1, max: 200, example: 'Kankan' }) destinationLocality?: string;
  @OneOf(RETURN_MODES, { optional: true }) mode?: ReturnMode;
  @Int({ optional: true, min: 0, max: MAX_POCKET_MONEY, description: 'CFA francs (XOF); null clears it' }) pocketMoneyXof?: number | null;
  @Bool({ optional: true }) escortRequired?: boolean;
  @Nested(EscortDto, { optional: true }) escort?: EscortDto;
  @Nested(TravelDocumentDto, { optional: true }) travelDocument?: TravelDocumentDto;
  @NestedEach(ReturnLegDto, { optional: true, maxItems: MAX_LEGS, description: 'Replaces the legs; in travel order' }) legs?: ReturnLegDto[];
}

export class ArriveDto implements ArriveInput {
  @DateTime({ example: '2026-12-03T15:00:00Z', description: 'Not before the departure, not in the future' }) arrivedAt: string;
  @Str({ min: 1, max: 200, example: 'Fanta Condé, OIM Kankan', description: 'Who confirmed the arrival' }) confirmedBy: string;
}

export class ReturnQueryDto extends PageQueryDto {
  @OneOf(RETURN_STATUSES, { optional: true }) status?: ReturnStatus;
  @Country({ optional: true }) destinationCountry?: string;
  @DateOnly({ optional: true, example: '2026-11-01' }) from?: string;
  @DateOnly({ optional: true, example: '2026-11-30' }) to?: string;
}

export class CreateMovementDto implements CreateMovementInput {
  @DateOnly({ example: '2026-12-01' }) departureDate: string;
  @Str({ min: 1, max: 200, example: 'Sonef', description: 'Transport company or airline' }) carrier: string;
  @Str({ optional: true, max: 100, example: 'AB-1234-MD', description: 'Plate, bus or flight number' }) vehicle?: string;
  @Strs({ optional: true, maxItems: 20, max: 200, description: 'Escort staff, by name', example: ['Moussa Touré'] }) escortStaff?: string[];
  @Uuids({ maxItems: MAX_MOVEMENT_RETURNS, description: 'Approved returns of your organization, in no other movement' })
  @ArrayMinSize(1)
  returnIds: string[];
}
export class MovementReturnDto {
  @Uuid({ description: 'An approved return of your organization' }) returnId: string;
}
export class MovementQueryDto extends PageQueryDto {
  @OneOf(MOVEMENT_STATUSES, { optional: true }) status?: MovementStatus;
}

// ---- responses ---------------------------------------------------------------------------------
export class ReturnDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) caseId: string;
  @ApiProperty({ maxLength: 40, pattern: CASE_NUMBER_PATTERN, example: 'IOM-ML-2026-000123' }) caseNumber: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) organizationId: string;
  @ApiProperty({ enum: RETURN_STATUSES }) status: string;
  @ApiProperty({ pattern: '^[A-Z]{3}$', maxLength: 3, example: 'GIN' }) destinationCountry: string;
  @ApiProperty({ maxLength: 200, example: 'Kankan' }) destinationLocality: string;
  @ApiProperty({ enum: RETURN_MODES }) mode: string;
  @ApiProperty() escortRequired: boolean;
  @ApiPropertyOptional({ type: EscortDto, nullable: true }) escort: EscortDto | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: MAX_POCKET_MONEY, nullable: true }) pocketMoneyXof: number | null;
  @ApiPropertyOptional({ type: TravelDocumentDto, nullable: true }) travelDocument: TravelDocumentDto | null;
  @ApiProperty({ type: () => [ReturnLegDto], maxItems: MAX_LEGS }) legs: ReturnLegDto[];
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647, description: 'For If-Match (also the ETag)' }) version: number;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) submittedBy: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) submittedAt: string | null;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true, description: 'The manager who approved or rejected it' }) decidedBy: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) decidedAt: string | null;
  @ApiPropertyOptional({ maxLength: 2000, nullable: true }) rejectReason: string | null;
  @ApiPropertyOptional({ maxLength: 2000, nullable: true }) cancelReason: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) cancelledAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) departedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) arrivedAt: string | null;
  @ApiPropertyOptional({ maxLength: 200, nullable: true }) arrivalConfirmedBy: string | null;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true, description: 'The movement it leaves with' }) movementId: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) createdBy: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) updatedAt: string;
  @ApiActions(RETURN_ACTION_ENDPOINTS) actions: ReturnActionName[];
}

export class MovementDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ maxLength: 40, example: 'IOM-ML-MV-2026-00001' }) reference: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) organizationId: string;
  @ApiProperty({ enum: MOVEMENT_STATUSES }) status: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) departureDate: string;
  @ApiProperty({ maxLength: 200 }) carrier: string;
  @ApiPropertyOptional({ maxLength: 100, nullable: true }) vehicle: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 20 }) escortStaff: string[];
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) departedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) cancelledAt: string | null;
  @ApiPropertyOptional({ maxLength: 2000, nullable: true }) cancelReason: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
  @ApiPropertyOptional({ type: () => [ReturnDto], maxItems: MAX_MOVEMENT_RETURNS, description: 'On single reads and actions: the returns leaving with it' }) returns?: ReturnDto[];
  @ApiActions(MOVEMENT_ACTION_ENDPOINTS) actions: MovementActionName[];
}

export const toReturnResponse = (r: Return, actor: Actor): ReturnDto => ({
  id: r.id,
  caseId: r.caseId,
  caseNumber: r.caseNumber,
  organizationId: r.owningOrganizationId,
  status: r.status,
  destinationCountry: r.destinationCountry,
  destinationLocality: r.destinationLocality,
  mode: r.mode,
  escortRequired: r.escortRequired,
  escort: r.escort,
  pocketMoneyXof: r.pocketMoneyXof,
  travelDocument: r.travelDocument,
  legs: r.legs,
  version: r.version,
  submittedBy: r.submittedBy,
  submittedAt: iso(r.submittedAt),
  decidedBy: r.decidedBy,
  decidedAt: iso(r.decidedAt),
  rejectReason: r.rejectReason,
  cancelReason: r.cancelReason,
  cancelledAt: iso(r.cancelledAt),
  departedAt: iso(r.departedAt),
  arrivedAt: iso(r.arrivedAt),
  arrivalConfirmedBy: r.arrivalConfirmedBy,
  movementId: r.movementId,
  createdAt: r.createdAt.toISOString(),
  createdBy: r.createdBy,
  updatedAt: r.updatedAt.toISOString(),
  actions: returnActions(actor, r),
});

export const toMovementResponse = (m: Movement, actor: Actor, returns?: Return[]): MovementDto => ({
  id: m.id,
  reference: m.reference,
  organizationId: m.owningOrganizationId,
  status: m.status,
  departureDate: m.departureDate,
  carrier: m.carrier,
  vehicle: m.vehicle,
  escortStaff: m.escortStaff,
  departedAt: iso(m.departedAt),
  cancelledAt: iso(m.cancelledAt),
  cancelReason: m.cancelReason,
  createdAt: m.createdAt.toISOString(),
  ...(returns ? { returns: returns.map((r) => toReturnResponse(r, actor)) } : {}),
  actions: movementActions(actor, m, returns),
});

export const toMovementViewResponse = (v: MovementView, actor: Actor) => toMovementResponse(v.movement, actor, v.returns);
