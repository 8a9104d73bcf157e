import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, DomainError, validationFailed } from '@passerelle/common';
import { MonitoringVisitsService, type PlanView, ReintegrationItemsService, ReintegrationService, ReintegrationSettingsService, ScoringSchemesService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { withEtag } from '../http/etag.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems, ETAG } from '../http/openapi.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { ReasonDto } from '../referrals/referral.dto.js';
import {
  AnswerOptionDocModel,
  CreatePlanDto,
  DeliverItemDto,
  ItemChangeDto,
  ItemDto,
  LoadSchemeDto,
  PlanDto,
  PlanQueryDto,
  PlanSummaryDto,
  SchemeDto,
  SchemeSummaryDto,
  ScoresOverTimeDto,
  SettingsDto,
  SettingsResponseDto,
  TimelineEntryDto,
  toItemResponse,
  toPlanResponse,
  toPlanSummary,
  toSchemeResponse,
  toSchemeSummary,
  toSettingsResponse,
  toVisitResponse,
  UpdateItemDto,
  UpdatePlanDto,
  VisitDto,
  VisitResponseDto,
} from './reintegration.dto.js';

/** `If-Match: "3"` (or W/"3", or 3) → 3; missing → 428; garbage → 412 like any stale version. */
function expectedVersion(ifMatch: string | undefined): number {
  if (ifMatch === undefined || ifMatch.trim() === '') throw new DomainError('PRECONDITION_REQUIRED', 'Send If-Match with the ETag of the plan version you edited');
  const m = /^(?:W\/)?"?(\d{1,10})"?$/.exec(ifMatch.trim());
  if (!m) throw new DomainError('VERSION_CONFLICT', 'If-Match does not name a version of this plan');
  return Number(m[1]);
}

/** The plan with its version as the ETag. */
const planWithEtag = (reply: FastifyReply, view: PlanView, actor: Actor): PlanDto => withEtag(reply, view.plan.version, toPlanResponse(view, actor));

const itemChange = (v: PlanView & { item: Parameters<typeof toItemResponse>[0] }, actor: Actor) => ({ ...toItemResponse(v.item), plan: toPlanResponse(v, actor) });

/** A case's reintegration plan and scores (DESIGN §6, issue 10). */
@ApiTags('reintegration')
@Controller('cases')
export class CaseReintegrationController {
  constructor(
    private readonly reintegration: ReintegrationService,
    private readonly monitoring: MonitoringVisitsService,
  ) {}

  @Post(':id/reintegration-plan')
  @Requires('create', 'ReintegrationPlan', { hidden: true })
  @Idempotent()
  @ApiOperation({
    summary: 'Start the reintegration plan of a returnee (a draft)',
    description:
      'For organizations with the reintegration capability (else 403 CAPABILITY_REQUIRED), on an open case you work on whose migrant is a returnee: an arrived return to Mali, or migrantCategory "returnee" (else 409 NOT_A_RETURNEE). One plan per case that is not rejected (409 CONFLICT).',
  })
  @ApiCreatedResponse({ type: PlanDto, headers: ETAG })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  async create(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: CreatePlanDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.reintegration.create(actor, id, dto);
    reply.header('location', `/api/v1/reintegration-plans/${view.plan.id}`);
    return planWithEtag(reply, view, actor);
  }

  @Get(':id/reintegration-plan')
  @Requires('read', 'ReintegrationPlan', { hidden: true })
  @ApiOperation({ summary: 'The case’s plan with its items (the live one, else the latest rejected); read audited' })
  @ApiOkResponse({ type: PlanDto, headers: ETAG })
  @ApiProblems(400, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return planWithEtag(reply, await this.reintegration.getForCase(actor, id), actor);
  }

  @Get(':id/reintegration-scores')
  @Requires('read', 'ReintegrationPlan', { hidden: true })
  @ApiOperation({ summary: 'Sustainability scores over time: every monitoring visit of the case’s plans, by visit date, each with the scheme it was scored with' })
  @ApiOkResponse({ type: ScoresOverTimeDto })
  @ApiProblems(400, 404)
  async scores(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return { items: (await this.monitoring.scoresForCase(actor, id)).map(toVisitResponse) };
  }
}

@ApiTags('reintegration')
@Controller('reintegration-plans')
export class ReintegrationPlansController {
  constructor(
    private readonly reintegration: ReintegrationService,
    private readonly items: ReintegrationItemsService,
    private readonly monitoring: MonitoringVisitsService,
  ) {}

  @Get()
  @Requires('read', 'ReintegrationPlan')
  @ApiOperation({ summary: 'The plans you may see, newest first, by status, case and creation date' })
  @ApiPage(PlanSummaryDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: PlanQueryDto) {
    const page = await this.reintegration.list(actor, q, q);
    return { items: page.items.map((p) => toPlanSummary(p, actor)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'ReintegrationPlan', { hidden: true })
  @ApiOperation({ summary: 'One plan with its items; read audited' })
  @ApiOkResponse({ type: PlanDto, headers: ETAG })
  @ApiProblems(400, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return planWithEtag(reply, await this.reintegration.get(actor, id), actor);
  }

  @Patch(':id')
  @Requires('update', 'ReintegrationPlan', { hidden: true })
  @ApiOperation({ summary: 'Edit a draft plan’s summary (If-Match: the ETag)' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version edited', schema: { type: 'string', maxLength: 12 } })
  @ApiOkResponse({ type: PlanDto, headers: ETAG })
  @ApiProblems(400, 403, 404, 409, 412, 415, 428)
  async update(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Headers('if-match') ifMatch: string | undefined, @Body() dto: UpdatePlanDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return planWithEtag(reply, await this.reintegration.update(actor, id, expectedVersion(ifMatch), dto), actor);
  }

  @Post(':id/items')
  @Requires('update', 'ReintegrationPlan')
  @Idempotent()
  @ApiOperation({ summary: 'Add an item to a draft plan: a business kit, a training, a referral…, with its budget in XOF' })
  @ApiCreatedResponse({ type: ItemChangeDto })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  addItem(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ItemDto) {
    return this.items.add(actor, id, dto).then((v) => itemChange(v, actor));
  }

  @Patch(':id/items/:itemId')
  @Requires('update', 'ReintegrationPlan')
  @ApiOperation({ summary: 'Change a planned item of a draft plan' })
  @ApiOkResponse({ type: ItemChangeDto })
  @ApiProblems(400, 403, 404, 409, 415)
  updateItem(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Param('itemId', IdPipe) itemId: string, @Body() dto: UpdateItemDto) {
    return this.items.update(actor, id, itemId, dto).then((v) => itemChange(v, actor));
  }

  @Post(':id/items/:itemId/deliver')
  @HttpCode(200)
  @Requires('deliver', 'ReintegrationPlan')
  @ApiOperation({ summary: 'Record the delivery of an item of an approved plan, with the date and an evidence note; the first one starts the plan (in_progress)' })
  @ApiOkResponse({ type: ItemChangeDto })
  @ApiProblems(400, 403, 404, 409, 415)
  deliver(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Param('itemId', IdPipe) itemId: string, @Body() dto: DeliverItemDto) {
    return this.items.deliver(actor, id, itemId, dto).then((v) => itemChange(v, actor));
  }

  @Post(':id/items/:itemId/cancel')
  @HttpCode(200)
  @Requires('update', 'ReintegrationPlan')
  @ApiOperation({ summary: 'Cancel a planned item, with the reason (a draft plan’s, or an approved one’s)' })
  @ApiOkResponse({ type: ItemChangeDto })
  @ApiProblems(400, 403, 404, 409, 415)
  cancelItem(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Param('itemId', IdPipe) itemId: string, @Body() dto: ReasonDto) {
    return this.items.cancel(actor, id, itemId, dto.reason).then((v) => itemChange(v, actor));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Requires('submit', 'ReintegrationPlan')
  @ApiOperation({
    summary: 'Submit a draft plan for approval',
    description: 'Needs at least one planned item and an active reintegration consent (409 CONSENT_REQUIRED). Above the organization’s budget ceiling two managers must approve.',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems(400, 403, 404, 409)
  submit(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.reintegration.submit(actor, id).then((v) => toPlanResponse(v, actor));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Requires('approve', 'ReintegrationPlan')
  @ApiOperation({
    summary: 'Approve a submitted plan (a manager who did not submit it: 403 SELF_APPROVAL_FORBIDDEN)',
    description: 'Above the budget ceiling the first approval leads to awaiting_second_approval, and a second manager, neither the submitter nor the first approver, approves it.',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems(400, 403, 404, 409)
  approve(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.reintegration.approve(actor, id).then((v) => toPlanResponse(v, actor));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Requires('reject', 'ReintegrationPlan')
  @ApiOperation({ summary: 'Reject a submitted plan with the reason (a manager who did not submit it); the case may then get a new plan' })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems(400, 403, 404, 409, 415)
  reject(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ReasonDto) {
    return this.reintegration.reject(actor, id, dto.reason).then((v) => toPlanResponse(v, actor));
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Requires('complete', 'ReintegrationPlan')
  @ApiOperation({ summary: 'Complete an approved or started plan once no item is still planned' })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems(400, 403, 404, 409)
  complete(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.reintegration.complete(actor, id).then((v) => toPlanResponse(v, actor));
  }

  @Post(':id/visits')
  @Requires('recordVisit', 'ReintegrationPlan')
  @Idempotent()
  @ApiOperation({
    summary: 'Record a monitoring visit with the Reintegration Sustainability Survey answers; the server scores it',
    description:
      'Scored with the given scheme or your organization’s latest (else the shipped rss-structure-demo, official: false). Missing answers are left out and listed, never scored as zero. The visit keeps its scheme for good.',
  })
  @ApiCreatedResponse({ type: VisitResponseDto })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  recordVisit(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: VisitDto) {
    return this.monitoring.record(actor, id, dto).then(toVisitResponse);
  }

  @Get(':id/visits')
  @Requires('read', 'ReintegrationPlan', { hidden: true })
  @ApiOperation({ summary: 'The plan’s monitoring visits with their scores, oldest first' })
  @ApiPage(VisitResponseDto)
  @ApiProblems(400, 404)
  async visits(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.monitoring.ofPlan(actor, id, q);
    return { items: page.items.map(toVisitResponse), nextCursor: page.nextCursor };
  }

  @Get(':id/timeline')
  @Requires('read', 'ReintegrationPlan', { hidden: true })
  @ApiOperation({ summary: 'Everything that happened to the plan (its audit trail, reads left out), oldest first' })
  @ApiPage(TimelineEntryDto)
  @ApiProblems(400, 404)
  async timeline(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.reintegration.timeline(actor, id, q);
    return { items: page.items.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), nextCursor: page.nextCursor };
  }
}

/** Scoring schemes (issue 10): the shipped one, and those an organization's admin loads. */
@ApiTags('reintegration')
@ApiExtraModels(AnswerOptionDocModel)
@Controller('scoring-schemes')
export class ScoringSchemesController {
  constructor(private readonly schemes: ScoringSchemesService) {}

  @Post()
  @Requires('create', 'ScoringScheme')
  @Idempotent()
  @ApiOperation({
    summary: 'Load a scoring scheme (org admin): indicators, answer scales and scores, weights, formulas',
    description:
      'Checked whole: any error is a 400 VALIDATION_FAILED listing every problem with its path (weights that are not numbers, unknown answer codes, a (name, version) already loaded…), and nothing is stored. Schemes are never edited: a new table is a new version.',
  })
  @ApiCreatedResponse({ type: SchemeDto })
  @ApiProblems(400, 403, 415, 422)
  load(@CurrentActor() actor: Actor, @Body() dto: LoadSchemeDto) {
    return this.schemes.load(actor, { ...dto }).then(toSchemeResponse);
  }

  @Get()
  @Requires('read', 'ScoringScheme')
  @ApiOperation({ summary: 'The schemes you may use: the shipped ones and your organization’s, newest first' })
  @ApiPage(SchemeSummaryDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: PageQueryDto) {
    const page = await this.schemes.list(actor, q);
    return { items: page.items.map(toSchemeSummary), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'ScoringScheme')
  @ApiOperation({ summary: 'One scheme with its definition (the answer codes a visit may use)' })
  @ApiOkResponse({ type: SchemeDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.schemes.get(actor, id).then(toSchemeResponse);
  }
}

/** An organization's reintegration settings: the budget ceiling above which two managers approve. */
@ApiTags('reintegration')
@Controller('organizations')
export class ReintegrationSettingsController {
  constructor(private readonly settings: ReintegrationSettingsService) {}

  @Get(':id/reintegration-settings')
  @Requires('read', 'Organization')
  @ApiOkResponse({ type: SettingsResponseDto })
  @ApiProblems(400, 404)
  get(@Param('id', IdPipe) id: string) {
    return this.settings.get(id).then(toSettingsResponse);
  }

  @Patch(':id/reintegration-settings')
  @Requires('update', 'ReintegrationSettings')
  @ApiOperation({ summary: 'Set your organization’s plan budget ceiling in XOF (org admin; null: none). Plans already submitted keep the ceiling they were submitted under.' })
  @ApiOkResponse({ type: SettingsResponseDto })
  @ApiProblems(400, 403, 404, 415)
  update(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: SettingsDto) {
    if (dto.budgetCeilingXof === undefined) throw validationFailed([{ field: 'budgetCeilingXof', message: 'is required: a whole number of XOF, or null for no ceiling' }]);
    return this.settings.update(actor, id, { budgetCeilingXof: dto.budgetCeilingXof }).then(toSettingsResponse);
  }
}
