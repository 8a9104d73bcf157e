import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, Clock } from '@passerelle/common';
import { ReferralsService, type ReferralView, ServiceRecordsService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import {
  CompleteReferralDto,
  CreateReferralDto,
  ReasonDto,
  RecordServiceDto,
  ReferralDto,
  ReferralQueryDto,
  ServiceRecordDto,
  ServiceRecordQueryDto,
  toReferralResponse,
  toServiceResponse,
} from './referral.dto.js';

/** Referrals and services of one case: `/cases/{id}/referrals`, `/cases/{id}/services`. */
@ApiTags('referrals')
@Controller('cases')
export class CaseReferralsController {
  constructor(
    private readonly referrals: ReferralsService,
    private readonly services: ServiceRecordsService,
    private readonly clock: Clock,
  ) {}

  @Post(':id/referrals')
  @Requires('create', 'Referral', { hidden: true })
  @Idempotent()
  @ApiOperation({ summary: 'Refer the migrant to another organization for a service it offers (needs an active referral consent covering it)' })
  @ApiCreatedResponse({ type: ReferralDto })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  create(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: CreateReferralDto) {
    return this.referrals.create(actor, id, dto).then((v) => this.out(v, actor));
  }

  @Get(':id/referrals')
  @Requires('read', 'Referral', { hidden: true })
  @ApiOperation({ summary: 'The referrals of a case you may see, newest first' })
  @ApiPage(ReferralDto)
  @ApiProblems(400, 404)
  async list(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.referrals.listForCase(actor, id, q);
    return { items: page.items.map((v) => this.out(v, actor)), nextCursor: page.nextCursor };
  }

  @Post(':id/services')
  @Requires('create', 'ServiceRecord', { hidden: true })
  @Idempotent()
  @ApiOperation({ summary: 'Record a service delivered (the owning organization, or one holding an accepted referral)' })
  @ApiCreatedResponse({ type: ServiceRecordDto, description: 'The service record' })
  @ApiProblems(400, 403, 404, 415, 422)
  record(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: RecordServiceDto) {
    return this.services.record(actor, id, dto).then(toServiceResponse);
  }

  @Get(':id/services')
  @Requires('read', 'ServiceRecord', { hidden: true })
  @ApiPage(ServiceRecordDto, 'One page of the services of the case you may see, newest first; pass nextCursor back as ?cursor= for the next')
  @ApiProblems(400, 404)
  async listServices(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.services.listForCase(actor, id, q);
    return { items: page.items.map(toServiceResponse), nextCursor: page.nextCursor };
  }

  private out(v: ReferralView, actor: Actor) {
    return toReferralResponse(v, this.clock.now(), actor);
  }
}

@ApiTags('referrals')
@Controller('referrals')
export class ReferralsController {
  constructor(
    private readonly referrals: ReferralsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Requires('read', 'Referral')
  @ApiOperation({ summary: 'Referrals you may see: incoming (to your organization) or outgoing, by status, service type, overdue' })
  @ApiPage(ReferralDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: ReferralQueryDto) {
    const page = await this.referrals.list(actor, { ...q, overdue: q.overdue === undefined ? undefined : q.overdue === 'true' }, q);
    return { items: page.items.map((v) => this.out(v, actor)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'Referral', { hidden: true })
  @ApiOperation({ summary: 'One referral; for the receiver, `case` is the shared view while the referral is live (read audited)' })
  @ApiOkResponse({ type: ReferralDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.referrals.get(actor, id).then((v) => this.out(v, actor));
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Requires('accept', 'Referral')
  @ApiOkResponse({ type: ReferralDto })
  @ApiProblems(400, 403, 404, 409)
  accept(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.referrals.accept(actor, id).then((v) => this.out(v, actor));
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Requires('decline', 'Referral')
  @ApiOkResponse({ type: ReferralDto })
  @ApiProblems(400, 403, 404, 409, 415)
  decline(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ReasonDto) {
    return this.referrals.decline(actor, id, dto.reason).then((v) => this.out(v, actor));
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Requires('complete', 'Referral')
  @ApiOperation({ summary: 'Complete an accepted referral with its outcome and the services provided' })
  @ApiOkResponse({ type: ReferralDto })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  complete(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: CompleteReferralDto) {
    return this.referrals.complete(actor, id, dto).then((v) => this.out(v, actor));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Requires('cancel', 'Referral')
  @ApiOkResponse({ type: ReferralDto })
  @ApiProblems(400, 403, 404, 409, 415)
  cancel(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ReasonDto) {
    return this.referrals.cancel(actor, id, dto.reason).then((v) => this.out(v, actor));
  }

  private out(v: ReferralView, actor: Actor) {
    return toReferralResponse(v, this.clock.now(), actor);
  }
}

/** The register of services: what your organization provided, and what was provided to its cases. */
@ApiTags('referrals')
@Controller('service-records')
export class ServicesController {
  constructor(private readonly services: ServiceRecordsService) {}

  @Get()
  @Requires('read', 'ServiceRecord')
  @ApiPage(ServiceRecordDto, 'One page, newest first; pass nextCursor back as ?cursor= for the next')
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: ServiceRecordQueryDto) {
    const page = await this.services.list(actor, q, q);
    return { items: page.items.map(toServiceResponse), nextCursor: page.nextCursor };
  }
}
