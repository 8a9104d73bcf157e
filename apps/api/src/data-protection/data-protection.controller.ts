import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@passerelle/common';
import { AnonymizationRequestsService, SubjectAccessService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { AnonymizationRequestDto, AnonymizationRequestQueryDto, RejectAnonymizationDto, SubjectAccessExportDto, toAnonymizationRequestResponse } from './data-protection.dto.js';

/** Subject access and early anonymization of one case (issue 11): managers of the owning organization. */
@ApiTags('data protection')
@Controller('cases')
export class CaseDataProtectionController {
  constructor(
    private readonly subjectAccess: SubjectAccessService,
    private readonly requests: AnonymizationRequestsService,
  ) {}

  @Get(':id/export')
  @Requires('export', 'Case', { hidden: true })
  @ApiOperation({ summary: 'Subject-access export: everything held about the person, as a JSON attachment (audited as case.exported)' })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: SubjectAccessExportDto, headers: { 'Content-Disposition': { description: 'attachment; filename="<caseNumber>-export.json"', schema: { type: 'string', maxLength: 200 } } } })
  @ApiProblems(400, 403, 404)
  async export(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const doc = await this.subjectAccess.export(actor, id);
    reply.header('content-disposition', `attachment; filename="${String(doc.case.caseNumber)}-export.json"`);
    reply.header('cache-control', 'no-store');
    return doc;
  }

  @Post(':id/anonymization-requests')
  @Requires('create', 'AnonymizationRequest')
  @Idempotent()
  @ApiOperation({ summary: 'Ask for a closed case to be anonymized before its retention period ends; another manager decides' })
  @ApiCreatedResponse({ type: AnonymizationRequestDto })
  @ApiProblems(400, 403, 404, 409)
  request(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.requests.requestAnonymization(actor, id).then(toAnonymizationRequestResponse);
  }
}

@ApiTags('data protection')
@Controller('anonymization-requests')
export class AnonymizationRequestsController {
  constructor(private readonly requests: AnonymizationRequestsService) {}

  @Get()
  @Requires('read', 'AnonymizationRequest')
  @ApiOperation({ summary: 'Your organization’s anonymization requests, newest first, by status' })
  @ApiPage(AnonymizationRequestDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: AnonymizationRequestQueryDto) {
    const page = await this.requests.list(actor, q, q);
    return { items: page.items.map(toAnonymizationRequestResponse), nextCursor: page.nextCursor };
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Requires('approve', 'AnonymizationRequest')
  @ApiOperation({ summary: 'Approve (a manager other than the requester): the case is anonymized at once, in the same transaction' })
  @ApiOkResponse({ type: AnonymizationRequestDto })
  @ApiProblems(400, 403, 404, 409)
  approve(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.requests.approve(actor, id).then(toAnonymizationRequestResponse);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Requires('reject', 'AnonymizationRequest')
  @ApiOperation({ summary: 'Reject (a manager other than the requester); the case keeps its retention period' })
  @ApiOkResponse({ type: AnonymizationRequestDto })
  @ApiProblems(400, 403, 404, 409, 415)
  reject(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: RejectAnonymizationDto) {
    return this.requests.reject(actor, id, dto.reason ?? null).then(toAnonymizationRequestResponse);
  }
}
