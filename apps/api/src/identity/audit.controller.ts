import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import { AUDIT_ENTITY_TYPES, type AuditEvent, AuditService, contractEntityType } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { AuditQueryDto } from './identity.dto.js';

export class AuditEventDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) seq: number;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) at: string;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) organizationId: string | null;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) actorUserId: string | null;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) actorOrganizationId: string | null;
  @ApiProperty({ maxLength: 100, example: 'user.created' }) action: string;
  @ApiProperty({ maxLength: 50, example: 'user', enum: AUDIT_ENTITY_TYPES }) entityType: string;
  @ApiPropertyOptional({ maxLength: 100, nullable: true }) entityId: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'field → {old, new}; sensitive values masked' }) changes: object | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) details: object | null;
  @ApiPropertyOptional({ maxLength: 128, nullable: true }) requestId: string | null;
  @ApiPropertyOptional({ maxLength: 64, nullable: true }) ip: string | null;
}
class ChainVerificationDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) checked: number;
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Events not yet chained (sealed within a minute)' }) unsealed: number;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36 }) firstBrokenId?: string;
}

const toAuditEventResponse = (e: AuditEvent): AuditEventDto => ({
  id: e.id,
  seq: Number(e.seq),
  at: e.at.toISOString(),
  organizationId: e.organizationId,
  actorUserId: e.actorUserId,
  actorOrganizationId: e.actorOrganizationId,
  action: e.action,
  entityType: contractEntityType(e.entityType),
  entityId: e.entityId,
  changes: e.changes,
  details: e.details,
  requestId: e.requestId,
  ip: e.ip,
});

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Requires('read', 'AuditEvent')
  @ApiOperation({ summary: 'Your organization’s audit trail, newest first (auditor)' })
  @ApiPage(AuditEventDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: AuditQueryDto) {
    const page = await this.audit.list(actor, q, q);
    return { items: page.items.map(toAuditEventResponse), nextCursor: page.nextCursor };
  }

  @Get('verify')
  @Requires('verify', 'AuditEvent')
  @ApiOperation({ summary: 'Recompute the hash chain of your organization’s trail' })
  @ApiOkResponse({ type: ChainVerificationDto })
  verify(@CurrentActor() actor: Actor) {
    return this.audit.verify(actor);
  }
}
