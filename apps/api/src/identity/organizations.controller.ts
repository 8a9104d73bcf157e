import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import { OrganizationsService, SitesService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import {
  CreateOrganizationDto,
  CreateSiteDto,
  OrganizationDto,
  OrganizationQueryDto,
  SiteDto,
  toOrganizationResponse,
  toSiteResponse,
  UpdateOrganizationDto,
} from './identity.dto.js';

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly sites: SitesService,
  ) {}

  @Post()
  @Requires('create', 'Organization')
  @Idempotent()
  @ApiOperation({ summary: 'Create an organization (platform admin)' })
  @ApiCreatedResponse({ type: OrganizationDto })
  @ApiProblems(400, 409, 415, 422)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateOrganizationDto) {
    return this.organizations.create(actor, dto).then(toOrganizationResponse);
  }

  @Get()
  @Requires('read', 'Organization')
  @ApiOperation({ summary: 'The partner organizations (everyone signed in)' })
  @ApiPage(OrganizationDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: OrganizationQueryDto) {
    const page = await this.organizations.list(actor, { capability: q.capability }, q);
    return { items: page.items.map(toOrganizationResponse), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'Organization')
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.organizations.get(actor, id).then(toOrganizationResponse);
  }

  @Patch(':id')
  @Requires('update', 'Organization')
  @ApiOperation({ summary: 'Rename, change capabilities or deactivate an organization (platform admin)' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems(400, 404, 415)
  update(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: UpdateOrganizationDto) {
    return this.organizations.update(actor, id, dto).then(toOrganizationResponse);
  }

  @Post(':id/sites')
  @Requires('create', 'Site')
  @Idempotent()
  @ApiOperation({ summary: 'Add a site to your organization (org admin); P-codes are filled from the OCHA reference' })
  @ApiCreatedResponse({ type: SiteDto })
  @ApiProblems(400, 404, 415, 422)
  createSite(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: CreateSiteDto) {
    return this.sites.create(actor, id, dto).then(toSiteResponse);
  }

  @Get(':id/sites')
  @Requires('read', 'Site')
  @ApiPage(SiteDto)
  @ApiProblems(400, 404)
  async listSites(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    await this.organizations.get(actor, id);
    const page = await this.sites.list(actor, { organizationId: id }, q);
    return { items: page.items.map(toSiteResponse), nextCursor: page.nextCursor };
  }
}
