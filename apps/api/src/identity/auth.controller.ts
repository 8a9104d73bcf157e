import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import { AuthService, type RequestInfo as Info } from '@passerelle/core';
import { CurrentActor, RequestInfo, SignedIn } from '../http/auth.js';
import { ApiProblems } from '../http/openapi.js';
import { Public } from '../http/public.decorator.js';
import { LoginDto, OrganizationDto, RefreshDto, SessionDto, SessionUserDto, toSessionResponse } from './identity.dto.js';

class MeDto {
  user: SessionUserDto;
  organization: Pick<OrganizationDto, 'id' | 'code'> & { capabilities: string[] };
  roles: string[];
  rules: object[];
}

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; 10 failures in 15 min lock the account for 15 min (429 ACCOUNT_LOCKED)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiProblems(400, 401, 415)
  login(@Body() dto: LoginDto, @RequestInfo() info: Info): Promise<SessionDto> {
    return this.auth.login(dto.email, dto.password, info).then(toSessionResponse);
  }

  @Post('auth/refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token; reusing an old one revokes the whole login' })
  @ApiOkResponse({ type: SessionDto })
  @ApiProblems(400, 401, 415)
  refresh(@Body() dto: RefreshDto, @RequestInfo() info: Info): Promise<SessionDto> {
    return this.auth.refresh(dto.refreshToken, info).then(toSessionResponse);
  }

  @Post('auth/logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the login the refresh token belongs to' })
  @ApiNoContentResponse({ description: 'Signed out (also for an unknown token)' })
  @ApiProblems(400, 415)
  async logout(@Body() dto: RefreshDto, @RequestInfo() info: Info): Promise<void> {
    await this.auth.logout(dto.refreshToken, info);
  }

  @Get('me')
  @SignedIn()
  @ApiOperation({ summary: 'The signed-in user, organization, roles and CASL permission rules (to hide buttons)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        user: { $ref: '#/components/schemas/SessionUserDto' },
        organization: { type: 'object', properties: { id: { type: 'string', format: 'uuid', maxLength: 36 }, code: { type: 'string', maxLength: 20 } } },
        roles: { type: 'array', maxItems: 6, items: { type: 'string', maxLength: 20 } },
        rules: { type: 'array', maxItems: 500, items: { type: 'object' } },
      },
    },
  })
  async me(@CurrentActor() actor: Actor): Promise<MeDto> {
    const user = await this.auth.profile(actor);
    return {
      user,
      organization: { id: actor.organizationId!, code: actor.organizationCode!, capabilities: [...actor.capabilities] },
      roles: [...actor.roles],
      rules: actor.ability.rules as object[],
    };
  }
}
