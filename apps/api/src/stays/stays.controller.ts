import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, Clock } from '@passerelle/common';
import { type StayExtension, StaysService, type StayView } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import {
  CheckInDto,
  ExtensionDecisionDto,
  OccupancyDto,
  RejectExtensionDto,
  RequestExtensionDto,
  StayDto,
  StayExtensionDto,
  StayQueryDto,
  toExtensionResponse,
  toOccupancyResponse,
  toStayResponse,
  toStayViewResponse,
} from './stay.dto.js';

/** Shelter stays (DESIGN §5; API.md "Shelter stays"): the shelter organization's caseworkers and managers. */
@ApiTags('stays')
@Controller('stays')
export class StaysController {
  constructor(
    private readonly stays: StaysService,
    private readonly clock: Clock,
  ) {}

  @Post()
  @Requires('create', 'Stay')
  @Idempotent()
  @ApiOperation({ summary: 'Check a migrant in at a shelter of your organization: expectedCheckOutAt = now + the site’s maxStayDays' })
  @ApiCreatedResponse({ type: StayDto })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  checkIn(@CurrentActor() actor: Actor, @Body() dto: CheckInDto) {
    return this.stays.checkIn(actor, dto).then((v) => this.out(v, actor));
  }

  @Get()
  @Requires('read', 'Stay')
  @ApiOperation({ summary: 'Your organization’s stays, newest check-in first, by shelter, status and case' })
  @ApiPage(StayDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: StayQueryDto) {
    const page = await this.stays.list(actor, q, q);
    const now = this.clock.now();
    return { items: page.items.map((s) => toStayResponse(s, now, actor)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'Stay', { hidden: true })
  @ApiOkResponse({ type: StayDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.stays.get(actor, id).then((v) => this.out(v, actor));
  }

  @Post(':id/check-out')
  @HttpCode(200)
  @Requires('checkOut', 'Stay')
  @ApiOperation({ summary: 'Check the migrant out: the bed is free; a pending extension request is cancelled' })
  @ApiOkResponse({ type: StayDto })
  @ApiProblems(400, 403, 404, 409)
  checkOut(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.stays.checkOut(actor, id).then((v) => this.out(v, actor));
  }

  @Post(':id/extensions')
  @Requires('create', 'StayExtension')
  @Idempotent()
  @ApiOperation({ summary: 'Request more days (1–30) with a reason; a manager who did not request it decides' })
  @ApiCreatedResponse({ type: StayExtensionDto })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  requestExtension(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: RequestExtensionDto) {
    return this.stays.requestExtension(actor, id, dto).then((x) => toExtensionResponse(x, actor));
  }

  @Get(':id/extensions')
  @Requires('read', 'StayExtension', { hidden: true })
  @ApiOperation({ summary: 'The extension requests of a stay, oldest first' })
  @ApiPage(StayExtensionDto)
  @ApiProblems(400, 404)
  async extensions(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.stays.extensions(actor, id, q);
    return { items: page.items.map((x) => toExtensionResponse(x, actor)), nextCursor: page.nextCursor };
  }

  @Post(':id/extensions/:extId/approve')
  @HttpCode(200)
  @Requires('approve', 'StayExtension')
  @ApiOperation({ summary: 'Approve an extension request (a manager of the shelter’s organization, never the requester): expectedCheckOutAt moves' })
  @ApiOkResponse({ type: ExtensionDecisionDto })
  @ApiProblems(400, 403, 404, 409)
  approve(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Param('extId', IdPipe) extId: string) {
    return this.stays.approveExtension(actor, id, extId).then((d) => this.decision(d, actor));
  }

  @Post(':id/extensions/:extId/reject')
  @HttpCode(200)
  @Requires('reject', 'StayExtension')
  @ApiOperation({ summary: 'Reject an extension request (a manager of the shelter’s organization, never the requester)' })
  @ApiOkResponse({ type: ExtensionDecisionDto })
  @ApiProblems(400, 403, 404, 409, 415)
  reject(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Param('extId', IdPipe) extId: string, @Body() dto: RejectExtensionDto) {
    return this.stays.rejectExtension(actor, id, extId, dto.reason ?? null).then((d) => this.decision(d, actor));
  }

  private out(v: StayView, actor: Actor) {
    return toStayViewResponse(v, this.clock.now(), actor);
  }

  private decision(d: StayView & { extension: StayExtension }, actor: Actor) {
    return { ...toExtensionResponse(d.extension, actor, d.stay), stay: this.out(d, actor) };
  }
}

@ApiTags('stays')
@Controller('sites')
export class OccupancyController {
  constructor(private readonly stays: StaysService) {}

  @Get(':id/occupancy')
  @Requires('read', 'Stay')
  @ApiOperation({ summary: 'A shelter’s occupancy now: capacity, occupied, free, stays ending within 24 h, overdue stays (its organization’s staff)' })
  @ApiOkResponse({ type: OccupancyDto })
  @ApiProblems(400, 403, 404)
  occupancy(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.stays.occupancy(actor, id).then(toOccupancyResponse);
  }
}
