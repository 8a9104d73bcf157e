import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import { AlertsService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { AlertDto, AlertQueryDto, toAlertResponse } from './referral.dto.js';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Requires('read', 'Alert')
  @ApiOperation({ summary: 'Your alerts (overdue referrals, …), newest first' })
  @ApiPage(AlertDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: AlertQueryDto) {
    const page = await this.alerts.list(actor, q, q);
    return { items: page.items.map(toAlertResponse), nextCursor: page.nextCursor };
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Requires('acknowledge', 'Alert', { hidden: true })
  @ApiOkResponse({ type: AlertDto, description: 'The alert, acknowledged' })
  @ApiProblems(400, 404)
  acknowledge(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.alerts.acknowledge(actor, id).then(toAlertResponse);
  }
}
