import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@passerelle/common';
import { CaseDuplicatesService, CaseNotesService, type CaseView, CasesService, ConsentsService, ScreeningsService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { withEtag } from '../http/etag.js';
import { IdPipe } from '../http/id.pipe.js';
import { expectedVersion } from '../http/if-match.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems, ETAG } from '../http/openapi.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { TimelineEntryDto } from '../reintegration/reintegration.dto.js';
import {
  AssignDto,
  CaseDto,
  CaseQueryDto,
  CaseSummaryDto,
  CloseDto,
  ConsentDto,
  ConsentResponseDto,
  ConsentsDto,
  CreateCaseDto,
  DuplicateCheckDto,
  DuplicatesDto,
  NoteDto,
  NoteResponseDto,
  ScreeningDto,
  ScreeningResponseDto,
  ScreeningsDto,
  toCaseResponse,
  toCaseSummary,
  toConsentResponse,
  toNoteResponse,
  toScreeningResponse,
  UpdateCaseDto,
  WithdrawDto,
} from './case.dto.js';

/** Likely duplicates as list rows with their score (of a case, or of a person about to be registered). */
function toDuplicates(found: (CaseView & { score: number })[], actor: Actor): DuplicatesDto {
  return { items: found.map((d) => ({ case: toCaseSummary(d, actor), score: d.score })) };
}

/** The case as answered, its version as the ETag. */
const caseWithEtag = (reply: FastifyReply, view: CaseView, actor: Actor): CaseDto => withEtag(reply, view.case.version, toCaseResponse(view, actor));

@ApiTags('cases')
@Controller('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly caseNotes: CaseNotesService,
    private readonly caseDuplicates: CaseDuplicatesService,
    private readonly consents: ConsentsService,
    private readonly screenings: ScreeningsService,
  ) {}

  @Post()
  @Requires('create', 'Case')
  @Idempotent()
  @ApiOperation({
    summary: 'Register a migrant (needs a registration consent or the vital-interest basis)',
    description: 'The 201 never echoes the `sensitive` section (read it back with GET): an Idempotency-Key stores the response, and the section must never be stored in clear.',
  })
  @ApiCreatedResponse({ type: CaseDto, headers: ETAG })
  @ApiProblems(400, 403, 415, 422)
  async register(@CurrentActor() actor: Actor, @Body() dto: CreateCaseDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.cases.register(actor, dto);
    reply.header('location', `/api/v1/cases/${view.case.id}`);
    // Not echoed: with an Idempotency-Key this body is stored (idempotency_keys), in clear.
    return caseWithEtag(reply, { case: view.case, fields: view.fields.filter((f) => f !== 'sensitive') }, actor);
  }

  @Get()
  @Requires('read', 'Case')
  @ApiOperation({ summary: 'Search the cases you may see (by name with typos and without accents, number, filters)' })
  @ApiPage(CaseSummaryDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: CaseQueryDto) {
    const page = await this.cases.list(actor, q, q);
    return { items: page.items.map((v) => toCaseSummary(v, actor)), nextCursor: page.nextCursor };
  }

  @Post('duplicate-check')
  @HttpCode(200)
  @Requires('create', 'Case')
  @ApiOperation({
    summary: 'Likely duplicates of a person about to be registered, among the cases you may see (the register form warns while names and birth date are typed)',
    description: 'A POST so that names travel in the body, never in a URL or an access log. Nothing is written but the audit of the cases shown.',
  })
  @ApiOkResponse({ type: DuplicatesDto, description: 'Best first, score ≥ 0.5' })
  @ApiProblems(400, 403, 415)
  async duplicateCheck(@CurrentActor() actor: Actor, @Body() dto: DuplicateCheckDto) {
    const found = await this.caseDuplicates.duplicateCandidates(actor, dto);
    return toDuplicates(found, actor);
  }

  @Get(':id')
  @Requires('read', 'Case', { hidden: true })
  @ApiOkResponse({ type: CaseDto, headers: ETAG })
  @ApiProblems(400, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return caseWithEtag(reply, await this.cases.get(actor, id), actor);
  }

  @Patch(':id')
  @Requires('update', 'Case', { hidden: true })
  @ApiOperation({ summary: 'Edit sections of a case; If-Match with the ETag is required (no lost updates)' })
  @ApiHeader({ name: 'If-Match', required: true, schema: { type: 'string', maxLength: 14 } })
  @ApiOkResponse({ type: CaseDto, headers: ETAG })
  @ApiProblems(400, 403, 404, 412, 415, 428)
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateCaseDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return caseWithEtag(reply, await this.cases.update(actor, id, expectedVersion(ifMatch, 'case'), dto), actor);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Requires('assign', 'Case', { hidden: true })
  @ApiOkResponse({ type: CaseDto })
  @ApiProblems(400, 403, 404, 415)
  async assign(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: AssignDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return caseWithEtag(reply, await this.cases.assign(actor, id, dto.userId), actor);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Requires('close', 'Case', { hidden: true })
  @ApiOkResponse({ type: CaseDto })
  @ApiProblems(400, 403, 404, 409, 415)
  async close(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: CloseDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return caseWithEtag(reply, await this.cases.close(actor, id, dto.reason), actor);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Requires('reopen', 'Case', { hidden: true })
  @ApiOkResponse({ type: CaseDto })
  @ApiProblems(400, 403, 404, 409)
  async reopen(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return caseWithEtag(reply, await this.cases.reopen(actor, id), actor);
  }

  @Post(':id/notes')
  @Requires('update', 'Case', { hidden: true })
  @Idempotent()
  @ApiCreatedResponse({ type: NoteResponseDto, description: 'The note' })
  @ApiProblems(400, 403, 404, 415, 422)
  addNote(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: NoteDto) {
    return this.caseNotes.addNote(actor, id, dto.text).then(toNoteResponse);
  }

  @Get(':id/notes')
  @Requires('read', 'Case', { hidden: true })
  @ApiPage(NoteResponseDto, 'One page of notes, newest first; pass nextCursor back as ?cursor= for the next')
  @ApiProblems(400, 404)
  async notes(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.caseNotes.notes(actor, id, q);
    return { items: page.items.map(toNoteResponse), nextCursor: page.nextCursor };
  }

  @Get(':id/timeline')
  @Requires('read', 'Case', { hidden: true })
  @ApiOperation({ summary: 'Everything that happened to the case, oldest first' })
  @ApiPage(TimelineEntryDto)
  @ApiProblems(400, 404)
  async timeline(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.caseNotes.timeline(actor, id, q);
    return { items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: page.nextCursor };
  }

  @Get(':id/duplicates')
  @Requires('read', 'Case', { hidden: true })
  @ApiOperation({ summary: 'Likely duplicates among the cases you may see (name similarity, birth year, nationality)' })
  @ApiOkResponse({ type: DuplicatesDto })
  @ApiProblems(400, 404)
  async duplicates(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    const found = await this.caseDuplicates.duplicates(actor, id);
    return toDuplicates(found, actor);
  }

  @Post(':id/consents')
  @Requires('update', 'Case', { hidden: true })
  @Idempotent()
  @ApiCreatedResponse({ type: ConsentResponseDto, description: 'The consent, active' })
  @ApiProblems(400, 403, 404, 415, 422)
  recordConsent(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ConsentDto) {
    return this.consents.record(actor, id, dto).then(toConsentResponse);
  }

  @Get(':id/consents')
  @Requires('read', 'Case', { hidden: true })
  @ApiOkResponse({ type: ConsentsDto })
  @ApiProblems(400, 404)
  async listConsents(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return { items: (await this.consents.list(actor, id)).map(toConsentResponse) };
  }

  @Post(':id/consents/:consentId/withdraw')
  @HttpCode(200)
  @Requires('update', 'Case', { hidden: true })
  @ApiOkResponse({ type: ConsentResponseDto, description: 'The consent, withdrawn (active false): effective at once' })
  @ApiProblems(400, 403, 404, 409, 415)
  withdrawConsent(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Param('consentId', IdPipe) consentId: string, @Body() dto: WithdrawDto) {
    return this.consents.withdraw(actor, id, consentId, dto.reason).then(toConsentResponse);
  }

  @Post(':id/screenings')
  @Requires('update', 'Case', { hidden: true })
  @Idempotent()
  @ApiOperation({ summary: 'Record an AVRR eligibility screening; the server computes the outcome and its reasons' })
  @ApiCreatedResponse({ type: ScreeningResponseDto, description: 'The screening with outcome and reasons' })
  @ApiProblems(400, 403, 404, 415, 422)
  screen(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ScreeningDto) {
    return this.screenings.screen(actor, id, dto).then(toScreeningResponse);
  }

  @Get(':id/screenings')
  @Requires('read', 'Case', { hidden: true })
  @ApiOkResponse({ type: ScreeningsDto })
  @ApiProblems(400, 404)
  async listScreenings(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return { items: (await this.screenings.list(actor, id)).map(toScreeningResponse) };
  }
}
