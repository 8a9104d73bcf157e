import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@passerelle/common';
import { MovementsService, type Return, ReturnsService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { withEtag } from '../http/etag.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { expectedVersion } from '../http/if-match.js';
import { ApiPage, ApiProblems, ETAG } from '../http/openapi.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { ReasonDto } from '../referrals/referral.dto.js';
import {
  ArriveDto,
  CreateMovementDto,
  CreateReturnDto,
  MovementDto,
  MovementQueryDto,
  MovementReturnDto,
  ReturnDto,
  ReturnQueryDto,
  toMovementResponse,
  toMovementViewResponse,
  toReturnResponse,
  UpdateReturnDto,
} from './return.dto.js';

/** Optional on actions: act only on the version the client saw (412 otherwise). */
const IF_MATCH_OPTIONAL = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'Optional: the ETag of the version you acted on; the action is refused (412) if the return changed since',
  schema: { type: 'string', maxLength: 14 },
});
const optionalVersion = (ifMatch: string | undefined) => (ifMatch === undefined ? undefined : expectedVersion(ifMatch, 'return'));

/** The return as the API shows it, with its version as the ETag. */
const tagged = (reply: FastifyReply, r: Return, actor: Actor): ReturnDto => withEtag(reply, r.version, toReturnResponse(r, actor));

/** The returns of one case: `/cases/{id}/returns` (DESIGN §6, API.md "Returns"). */
@ApiTags('returns')
@Controller('cases')
export class CaseReturnsController {
  constructor(private readonly returns: ReturnsService) {}

  @Post(':id/returns')
  @Requires('create', 'Return', { hidden: true })
  @Idempotent()
  @ApiOperation({
    summary: 'Draft a voluntary return for the migrant',
    description:
      'For organizations with the return capability (else 403 CAPABILITY_REQUIRED), on a case of your organization you work on. ' +
      'At most one return in progress (draft, submitted, approved) per case: 409 RETURN_IN_PROGRESS.',
  })
  @ApiCreatedResponse({ type: ReturnDto, headers: ETAG })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  async create(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: CreateReturnDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.returns.create(actor, id, dto);
    reply.header('location', `/api/v1/returns/${r.id}`);
    return tagged(reply, r, actor);
  }

  @Get(':id/returns')
  @Requires('read', 'Return', { hidden: true })
  @ApiOperation({ summary: 'The returns of a case of your organization, newest first (a receiving organization’s shared view never shows them: 403)' })
  @ApiPage(ReturnDto)
  @ApiProblems(400, 403, 404)
  async list(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.returns.listForCase(actor, id, q);
    return { items: page.items.map((r) => toReturnResponse(r, actor)), nextCursor: page.nextCursor };
  }
}

@ApiTags('returns')
@Controller('returns')
export class ReturnsController {
  constructor(private readonly returns: ReturnsService) {}

  @Get()
  @Requires('read', 'Return')
  @ApiOperation({ summary: 'The pipeline: the returns you may see, newest first, by status, destination country and the date they were opened' })
  @ApiPage(ReturnDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: ReturnQueryDto) {
    const page = await this.returns.list(actor, q, q);
    return { items: page.items.map((r) => toReturnResponse(r, actor)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'Return', { hidden: true })
  @ApiOperation({ summary: 'One return (read audited)' })
  @ApiOkResponse({ type: ReturnDto, headers: ETAG })
  @ApiProblems(400, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.returns.get(actor, id), actor);
  }

  @Patch(':id')
  @Requires('update', 'Return')
  @ApiOperation({
    summary: 'Edit a return; If-Match with the ETag is required',
    description: 'Destination, mode and pocket money on a draft only; travel document, legs and escort until departure (409 INVALID_TRANSITION otherwise).',
  })
  @ApiHeader({ name: 'If-Match', required: true, schema: { type: 'string', maxLength: 14 } })
  @ApiOkResponse({ type: ReturnDto, headers: ETAG })
  @ApiProblems(400, 403, 404, 409, 412, 415, 428)
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateReturnDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return tagged(reply, await this.returns.update(actor, id, expectedVersion(ifMatch, 'return'), dto), actor);
  }

  @Post(':id/submit')
  @IF_MATCH_OPTIONAL
  @HttpCode(200)
  @Requires('submit', 'Return')
  @ApiOperation({ summary: 'Submit a draft: needs the latest screening eligible (409 NOT_ELIGIBLE, with its reasons) and an active return consent (409 CONSENT_REQUIRED)' })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblems(400, 403, 404, 409, 412)
  async submit(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.returns.submit(actor, id, optionalVersion(ifMatch)), actor);
  }

  @Post(':id/approve')
  @IF_MATCH_OPTIONAL
  @HttpCode(200)
  @Requires('approve', 'Return')
  @ApiOperation({ summary: 'Approve a submitted return (a manager who did not submit it: 403 SELF_APPROVAL_FORBIDDEN); eligibility and consent are checked again' })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblems(400, 403, 404, 409, 412)
  async approve(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.returns.approve(actor, id, optionalVersion(ifMatch)), actor);
  }

  @Post(':id/reject')
  @IF_MATCH_OPTIONAL
  @HttpCode(200)
  @Requires('reject', 'Return')
  @ApiOperation({ summary: 'Reject a submitted return with the reason (a manager who did not submit it)' })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblems(400, 403, 404, 409, 412, 415)
  async reject(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ReasonDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.returns.reject(actor, id, dto.reason, optionalVersion(ifMatch)), actor);
  }

  @Post(':id/depart')
  @IF_MATCH_OPTIONAL
  @HttpCode(200)
  @Requires('depart', 'Return')
  @ApiOperation({
    summary: 'The migrant leaves: an approved return with a travel document and a leg, fitness to travel yes on a medical vulnerability, an active return consent',
    description:
      '409 DEPARTURE_REQUIREMENTS_MISSING lists `missing` (travel_document, legs, fitness_to_travel, escort: an escort is required and none is named); 409 CONSENT_REQUIRED. In one transaction: any active shelter stay is checked out and the case’s active letter of indulgence superseded. A return in a planned movement departs with it (409).',
  })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblems(400, 403, 404, 409, 412)
  async depart(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.returns.depart(actor, id, optionalVersion(ifMatch)), actor);
  }

  @Post(':id/arrive')
  @IF_MATCH_OPTIONAL
  @HttpCode(200)
  @Requires('arrive', 'Return')
  @ApiOperation({ summary: 'Record the arrival at destination, with the date and who confirmed it; the case may then close with reason returned' })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblems(400, 403, 404, 409, 412, 415)
  async arrive(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ArriveDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.returns.arrive(actor, id, dto, optionalVersion(ifMatch)), actor);
  }

  @Post(':id/cancel')
  @IF_MATCH_OPTIONAL
  @HttpCode(200)
  @Requires('cancel', 'Return')
  @ApiOperation({ summary: 'Cancel a return before departure, with the reason (the migrant may change their mind at any time); it leaves its movement' })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblems(400, 403, 404, 409, 412, 415)
  async cancel(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ReasonDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.returns.cancel(actor, id, dto.reason, optionalVersion(ifMatch)), actor);
  }
}

/** Convoys of approved returns (DESIGN §6): the managers of the organization. */
@ApiTags('returns')
@Controller('movements')
export class MovementsController {
  constructor(private readonly movements: MovementsService) {}

  @Post()
  @Requires('create', 'Movement')
  @Idempotent()
  @ApiOperation({ summary: 'Plan a movement: approved returns of your organization leaving together, with the date, carrier, vehicle and escort staff' })
  @ApiCreatedResponse({ type: MovementDto })
  @ApiProblems(400, 403, 409, 415, 422)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateMovementDto) {
    return this.movements.create(actor, dto).then((v) => toMovementViewResponse(v, actor));
  }

  @Get()
  @Requires('read', 'Movement')
  @ApiOperation({ summary: 'Your organization’s movements, latest departure date first' })
  @ApiPage(MovementDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: MovementQueryDto) {
    const page = await this.movements.list(actor, q, q);
    return { items: page.items.map((m) => toMovementResponse(m, actor)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'Movement', { hidden: true })
  @ApiOperation({ summary: 'One movement with its returns' })
  @ApiOkResponse({ type: MovementDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.movements.get(actor, id).then((v) => toMovementViewResponse(v, actor));
  }

  @Post(':id/returns')
  @HttpCode(200)
  @Requires('update', 'Movement')
  @ApiOperation({ summary: 'Put an approved return in a planned movement' })
  @ApiOkResponse({ type: MovementDto })
  @ApiProblems(400, 403, 404, 409, 415)
  addReturn(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: MovementReturnDto) {
    return this.movements.addReturn(actor, id, dto.returnId).then((v) => toMovementViewResponse(v, actor));
  }

  @Delete(':id/returns/:returnId')
  @Requires('update', 'Movement')
  @ApiOperation({ summary: 'Take a return out of a planned movement (it stays approved)' })
  @ApiOkResponse({ type: MovementDto })
  @ApiProblems(400, 403, 404, 409)
  removeReturn(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Param('returnId', IdPipe) returnId: string) {
    return this.movements.removeReturn(actor, id, returnId).then((v) => toMovementViewResponse(v, actor));
  }

  @Post(':id/depart')
  @HttpCode(200)
  @Requires('depart', 'Movement')
  @ApiOperation({
    summary: 'The convoy leaves: all its returns depart in one transaction, or none',
    description: 'Every return is checked first (409 DEPARTURE_REQUIREMENTS_MISSING lists `missing` and the `returns` concerned; 409 CONSENT_REQUIRED); then stays end and letters are superseded.',
  })
  @ApiOkResponse({ type: MovementDto })
  @ApiProblems(400, 403, 404, 409)
  depart(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.movements.depart(actor, id).then((v) => toMovementViewResponse(v, actor));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Requires('cancel', 'Movement')
  @ApiOperation({
    summary: 'Call a planned convoy off, with the reason: its returns leave it and stay approved',
    description: 'Only a planned movement (409 INVALID_TRANSITION once departed or cancelled). Each return is free to join another movement or depart alone; one `movement.cancelled` event per case.',
  })
  @ApiOkResponse({ type: MovementDto })
  @ApiProblems(400, 403, 404, 409, 415)
  cancel(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ReasonDto) {
    return this.movements.cancel(actor, id, dto.reason).then((v) => toMovementViewResponse(v, actor));
  }

  @Get(':id/manifest.csv')
  @Requires('read', 'Movement', { hidden: true })
  @ApiOperation({ summary: 'The manifest as CSV (RFC 4180, header row): one row per migrant (download audited)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The CSV', content: { 'text/csv': { schema: { type: 'string', maxLength: 1_048_576 } } } })
  @ApiProblems(400, 404)
  async manifestCsv(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    const { movement, body } = await this.movements.manifest(actor, id, 'csv');
    return new StreamableFile(body, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${movement.reference}.csv"`, length: body.length });
  }

  @Get(':id/manifest.pdf')
  @Requires('read', 'Movement', { hidden: true })
  @ApiOperation({ summary: 'The manifest to print: A4 landscape, French with English (download audited)' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary', maxLength: 10_485_760 } } } })
  @ApiProblems(400, 404)
  async manifestPdf(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    const { movement, body } = await this.movements.manifest(actor, id, 'pdf');
    return new StreamableFile(body, { type: 'application/pdf', disposition: `inline; filename="${movement.reference}.pdf"`, length: body.length });
  }
}
