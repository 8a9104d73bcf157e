import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import { UsersService } from '@passerelle/core';
import { CurrentActor, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { CreateUserDto, toUserResponse, UpdateUserDto, UserDto, UserQueryDto } from './identity.dto.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Requires('create', 'User')
  @Idempotent()
  @ApiOperation({ summary: 'Create a user: platform admins create org admins; org admins any role but platform_admin in their org' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiProblems(400, 404, 409, 415, 422)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto).then(toUserResponse);
  }

  @Get()
  @Requires('read', 'User')
  @ApiPage(UserDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: UserQueryDto) {
    const page = await this.users.list(actor, { organizationId: q.organizationId, role: q.role, siteId: q.siteId }, q);
    return { items: page.items.map(toUserResponse), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'User')
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.users.get(actor, id).then(toUserResponse);
  }

  @Patch(':id')
  @Requires('update', 'User')
  @ApiOperation({ summary: 'Change name, roles, sites, password or deactivate; effective at the user’s next request' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404, 409, 415)
  update(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(actor, id, dto).then(toUserResponse);
  }
}
