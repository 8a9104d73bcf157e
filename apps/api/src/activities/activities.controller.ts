import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@passerelle/common';
import { ActivitiesService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { ActivityDto, ActivityQueryDto, CreateActivityDto, toActivityResponse } from './activity.dto.js';

@ApiTags('activities')
@Controller('activities')
export class ActivitiesController {
  constructor(private readonly activities: ActivitiesService) {}

  @Post()
  @Requires('create', 'Activity')
  @Idempotent()
  @ApiOperation({
    summary: 'Record a group activity (information, awareness, reception, listening…): head counts by sex and age group, never names',
    description:
      'For caseworkers and managers. The activity belongs to your organization; the site may be any organization’s active site. ' +
      'Facilitating organizations default to yours and must be active. Each (sex, ageGroup) pair appears at most once; the date is not in the future (UTC).',
  })
  @ApiCreatedResponse({ type: ActivityDto })
  @ApiProblems(400, 403, 415, 422)
  async record(@CurrentActor() actor: Actor, @Body() dto: CreateActivityDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const activity = await this.activities.record(actor, dto);
    reply.header('location', `/api/v1/activities/${activity.id}`);
    return toActivityResponse(activity);
  }

  @Get()
  @Requires('read', 'Activity')
  @ApiOperation({
    summary: "Your organization's group activities, newest first (filters: date range, site, type)",
    description: 'For caseworkers, managers and analysts: `from` and `to` are inclusive dates. Ordered by date, then id, descending.',
  })
  @ApiPage(ActivityDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: ActivityQueryDto) {
    const page = await this.activities.list(actor, q, q);
    return { items: page.items.map(toActivityResponse), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'Activity')
  @ApiOperation({ summary: 'One group activity of your organization', description: 'Another organization’s activity is 404, as one that does not exist.' })
  @ApiOkResponse({ type: ActivityDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.activities.get(actor, id).then(toActivityResponse);
  }
}
