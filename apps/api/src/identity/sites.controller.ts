import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import { ServicesDirectoryService, SitesService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { ApiProblems } from '../http/openapi.js';
import { ApiPage } from '../http/openapi.js';
import { ServiceQueryDto, SiteDto, SiteQueryDto, toSiteResponse, UpdateSiteDto } from './identity.dto.js';

@ApiTags('sites')
@Controller()
export class SitesController {
  constructor(
    private readonly sites: SitesService,
    private readonly directory: ServicesDirectoryService,
  ) {}

  @Get('sites')
  @Requires('read', 'Site')
  @ApiPage(SiteDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: SiteQueryDto) {
    const page = await this.sites.list(actor, { organizationId: q.organizationId, kind: q.kind, service: q.service }, q);
    return { items: page.items.map(toSiteResponse), nextCursor: page.nextCursor };
  }

  @Get('sites/:id')
  @Requires('read', 'Site')
  @ApiOkResponse({ type: SiteDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.sites.get(actor, id).then(toSiteResponse);
  }

  @Patch('sites/:id')
  @Requires('update', 'Site')
  @ApiOkResponse({ type: SiteDto })
  @ApiProblems(400, 404, 409, 415)
  update(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: UpdateSiteDto) {
    return this.sites.update(actor, id, dto).then(toSiteResponse);
  }

  @Get('services')
  @Requires('read', 'Service')
  @ApiOkResponse({
    description: 'The referral pathway map: organizations × sites × services offered',
    schema: {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          maxItems: 200,
          items: {
            type: 'object',
            properties: {
              serviceType: { type: 'string', maxLength: 30 },
              organization: { type: 'object', properties: { id: { type: 'string', format: 'uuid', maxLength: 36 }, code: { type: 'string', maxLength: 20 }, name: { type: 'string', maxLength: 200 } } },
              site: { type: 'object', nullable: true, properties: { id: { type: 'string', format: 'uuid', maxLength: 36 }, name: { type: 'string', maxLength: 200 } } },
            },
          },
        },
        nextCursor: { type: 'string', nullable: true, maxLength: 1024 },
      },
    },
  })
  @ApiProblems(400)
  services(@CurrentActor() actor: Actor, @Query() q: ServiceQueryDto) {
    return this.directory.list(actor, { capability: q.capability, organizationId: q.organizationId, regionPcode: q.regionPcode }, q);
  }
}
