import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import {
  REFERRAL_ACTION_ENDPOINTS,
  referralActions,
  type ReferralActionName,
  type Alert,
  ALERT_STATUSES,
  ALERT_TYPES,
  type AlertType,
  AUDIT_ENTITY_TYPES,
  type AlertStatus,
  CAPABILITIES,
  type Capability,
  CASE_SECTIONS,
  type CaseSection,
  type CompleteReferralInput,
  contractEntityType,
  type CreateReferralInput,
  type RecordServiceInput,
  REFERRAL_STATUSES,
  type ReferralStatus,
  type ReferralView,
  type ServiceInput,
  type ServiceRecord,
  URGENCIES,
  type Urgency,
} from '@passerelle/core';
import { toCaseResponse } from '../cases/case.dto.js';
import { ApiActions } from '../http/actions.js';
import { DateOnly } from '../http/codes.js';
import { iso, NestedEach, OneOf, OneOfEach, Str, Uuid } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

export class CreateReferralDto implements CreateReferralInput {
  @Uuid() toOrganizationId: string;
  @Uuid({ optional: true, description: 'A site of the receiving organization that offers the service' }) toSiteId?: string;
  @OneOf(CAPABILITIES, { example: 'shelter' }) serviceType: Capability;
  @OneOf(URGENCIES, { description: 'respondBy: emergency 4 h, high 24 h, normal 72 h after creation' }) urgency: Urgency;
  @Str({ min: 1, max: 2000, example: 'needs a bed tonight' }) reason: string;
  @OneOfEach(CASE_SECTIONS, { optional: true, description: 'Sections the receiver may read while the referral is live; identity always' }) sharedSections?: CaseSection[];
}
export class ReasonDto {
  @Str({ min: 1, max: 2000 }) reason: string;
}
export class ServiceDto implements ServiceInput {
  @OneOf(CAPABILITIES, { example: 'health' }) serviceType: Capability;
  @DateOnly({ past: true, example: '2026-11-20' }) date: string;
  @Str({ optional: true, max: 2000 }) description?: string;
}
export class RecordServiceDto extends ServiceDto implements RecordServiceInput {
  @Uuid({ optional: true, description: 'The accepted referral it was provided under (receiving organizations)' }) referralId?: string;
}
export class CompleteReferralDto implements CompleteReferralInput {
  @Str({ min: 1, max: 2000 }) outcome: string;
  @NestedEach(ServiceDto, { optional: true, maxItems: 20 }) servicesProvided?: ServiceDto[];
}
export class ReferralQueryDto extends PageQueryDto {
  @OneOf(['incoming', 'outgoing'], { optional: true, description: 'incoming: addressed to your organization; outgoing: sent by it' }) direction?: 'incoming' | 'outgoing';
  @OneOf(REFERRAL_STATUSES, { optional: true }) status?: ReferralStatus;
  @OneOf(CAPABILITIES, { optional: true }) serviceType?: Capability;
  @OneOf(['true', 'false'], { optional: true, description: 'true: pending past respondBy' }) overdue?: 'true' | 'false';
}
export class ServiceRecordQueryDto extends PageQueryDto {
  @Uuid({ optional: true }) caseId?: string;
  @Uuid({ optional: true }) referralId?: string;
  @DateOnly({ optional: true }) from?: string;
  @DateOnly({ optional: true }) to?: string;
}
export class AlertQueryDto extends PageQueryDto {
  @OneOf(ALERT_STATUSES, { optional: true }) status?: AlertStatus;
}

// ---- responses ---------------------------------------------------------------------------------
export class ReferralDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) caseId: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) fromOrganizationId: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) toOrganizationId: string;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) toSiteId: string | null;
  @ApiProperty({ enum: CAPABILITIES }) serviceType: string;
  @ApiProperty({ enum: URGENCIES }) urgency: string;
  @ApiProperty({ maxLength: 2000 }) reason: string;
  @ApiProperty({ type: [String], enum: CASE_SECTIONS, maxItems: CASE_SECTIONS.length }) sharedSections: string[];
  @ApiProperty({ enum: REFERRAL_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) respondBy: string;
  @ApiProperty({ description: 'Pending past respondBy' }) overdue: boolean;
  @ApiPropertyOptional({ maxLength: 2000, nullable: true }) declineReason: string | null;
  @ApiPropertyOptional({ maxLength: 2000, nullable: true }) outcome: string | null;
  @ApiPropertyOptional({ maxLength: 2000, nullable: true }) cancelReason: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) respondedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) completedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) cancelledAt: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) createdBy: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The case as this referral shares it and you may read it (identity always; other sections when listed); null for the receiver once the referral ended or consent was withdrawn',
  })
  case: object | null;
  @ApiActions(REFERRAL_ACTION_ENDPOINTS) actions: ReferralActionName[];
}

export const toServiceResponse = (s: ServiceRecord): ServiceRecordDto => ({
  id: s.id,
  caseId: s.caseId,
  providingOrganizationId: s.providingOrganizationId,
  referralId: s.referralId,
  serviceType: s.serviceType,
  date: s.date,
  description: s.description,
  createdAt: s.createdAt.toISOString(),
  createdBy: s.createdBy,
});

export function toReferralResponse(view: ReferralView, now: Date, actor: Actor) {
  const r = view.referral;
  return {
    id: r.id,
    caseId: r.caseId,
    fromOrganizationId: r.fromOrganizationId,
    toOrganizationId: r.toOrganizationId,
    toSiteId: r.toSiteId,
    serviceType: r.serviceType,
    urgency: r.urgency,
    reason: r.reason,
    sharedSections: r.sharedSections,
    status: r.status,
    respondBy: r.respondBy.toISOString(),
    overdue: r.status === 'pending' && r.respondBy < now,
    declineReason: r.declineReason,
    outcome: r.outcome,
    cancelReason: r.cancelReason,
    respondedAt: iso(r.respondedAt),
    completedAt: iso(r.completedAt),
    cancelledAt: iso(r.cancelledAt),
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    case: view.case ? toCaseResponse(view.case, actor) : null,
    ...(view.services ? { services: view.services.map(toServiceResponse) } : {}),
    actions: referralActions(actor, r, { caseShared: view.case !== null }),
  };
}

export const toAlertResponse = (a: Alert): AlertDto => ({
  id: a.id,
  type: a.type,
  entityType: contractEntityType(a.entityType),
  entityId: a.entityId,
  message: a.message,
  status: a.status,
  createdAt: a.createdAt.toISOString(),
  acknowledgedAt: iso(a.acknowledgedAt),
});

const uuid = { format: 'uuid', maxLength: 36 } as const;
const optionalUuid = { type: String, format: 'uuid', maxLength: 36, nullable: true } as const;

export class ServiceRecordDto {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) caseId: string;
  @ApiProperty(uuid) providingOrganizationId: string;
  @ApiProperty({ ...optionalUuid, description: 'The referral it was provided under, if any' }) referralId: string | null;
  @ApiProperty({ enum: CAPABILITIES }) serviceType: Capability;
  @ApiProperty({ format: 'date', maxLength: 10, example: '2026-11-20' }) date: string;
  @ApiProperty({ type: String, maxLength: 2000, nullable: true }) description: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
  @ApiProperty(optionalUuid) createdBy: string | null;
}
export class AlertDto {
  @ApiProperty(uuid) id: string;
  @ApiProperty({ enum: ALERT_TYPES }) type: AlertType;
  @ApiProperty({ enum: AUDIT_ENTITY_TYPES, maxLength: 50, example: 'referral', description: 'What the alert is about (lower snake_case, as in the audit trail)' }) entityType: string;
  @ApiProperty(uuid) entityId: string;
  @ApiProperty({ maxLength: 2000 }) message: string;
  @ApiProperty({ enum: ALERT_STATUSES }) status: AlertStatus;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', maxLength: 40, nullable: true }) acknowledgedAt: string | null;
}
