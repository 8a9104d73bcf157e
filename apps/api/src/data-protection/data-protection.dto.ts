import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANONYMIZATION_REQUEST_STATUSES, type AnonymizationRequest, type AnonymizationRequestStatus } from '@passerelle/core';
import { OneOf, Str } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

// ---- requests ----------------------------------------------------------------------------------
export class AnonymizationRequestQueryDto extends PageQueryDto {
  @OneOf(ANONYMIZATION_REQUEST_STATUSES, { optional: true }) status?: AnonymizationRequestStatus;
}
export class RejectAnonymizationDto {
  @Str({ optional: true, min: 1, max: 2000, example: 'the migrant’s return is still being followed up' }) reason?: string;
}

// ---- responses ---------------------------------------------------------------------------------
export class AnonymizationRequestDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) caseId: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) owningOrganizationId: string;
  @ApiProperty({ enum: ANONYMIZATION_REQUEST_STATUSES, description: 'approved: the case was anonymized in the same transaction' }) status: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) requestedBy: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) requestedAt: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) decidedBy: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40, nullable: true }) decidedAt: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true }) decisionReason: string | null;
}

export const toAnonymizationRequestResponse = (r: AnonymizationRequest): AnonymizationRequestDto => ({
  id: r.id,
  caseId: r.caseId,
  owningOrganizationId: r.owningOrganizationId,
  status: r.status,
  requestedBy: r.requestedBy,
  requestedAt: r.requestedAt.toISOString(),
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt?.toISOString() ?? null,
  decisionReason: r.decisionReason,
});

const OBJECT = { type: 'object', additionalProperties: true } as const;
const LIST = { type: 'array', maxItems: 1_000_000, items: { type: 'object', additionalProperties: true } } as const;

export class SubjectAccessExportDto {
  @ApiProperty({ format: 'date-time', maxLength: 40 }) exportedAt: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) exportedBy: string | null;
  @ApiProperty({ ...OBJECT, description: 'Every section of the case, the sensitive one decrypted' }) case: object;
  @ApiProperty({ ...LIST }) notes: object[];
  @ApiProperty({ ...LIST }) consents: object[];
  @ApiProperty({ ...LIST }) screenings: object[];
  @ApiProperty({ ...OBJECT, description: 'householdId and the case numbers of the other members (their data is theirs)' }) household: object;
  @ApiProperty({ ...OBJECT, description: 'One section per feature: referrals (with services, the sections each receiver was shown and its reads), stays, letters; returns and reintegration when present' })
  sections: object;
  @ApiProperty({ ...LIST, description: 'Who read the record, when (views, PDFs, letter checks, exports)' }) readLog: object[];
  @ApiProperty({ ...LIST, description: 'Every audit event of the case, personal values in clear' }) auditTrail: object[];
}
