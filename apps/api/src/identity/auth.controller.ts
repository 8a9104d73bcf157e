import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, APP_CONFIG, type AppConfig, DomainError } from '@passerelle/common';
import { AuthService, type RequestInfo as Info } from '@passerelle/core';
import { CurrentActor, RequestInfo, SignedIn } from '../http/auth.js';
import { ApiProblems, ProblemDto } from '../http/openapi.js';
import { Public } from '../http/public.decorator.js';
import { LoginDto, OrganizationDto, RefreshDto, SessionDto, SessionUserDto, toSessionResponse } from './identity.dto.js';
import { clearRefreshCookie, isWebClient, refreshTokenFrom, SET_COOKIE, toWebSession, WebSession } from './session-cookie.js';

class MeDto {
  user: SessionUserDto;
  organization: Pick<OrganizationDto, 'id' | 'code'> & { capabilities: string[] };
  roles: string[];
  rules: object[];
}

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in; 10 failures in 15 min lock the account for 15 min (429 ACCOUNT_LOCKED)',
    description: 'With X-Requested-With: passerelle-web the refresh token is set as an HttpOnly cookie and left out of the body.',
  })
  @WebSession({ readsCookie: false })
  @ApiOkResponse({ type: SessionDto, description: 'Signed in; for the web app the refresh token is in the cookie, not the body', headers: SET_COOKIE })
  @ApiProblems(400, 401, 415)
  async login(@Body() dto: LoginDto, @RequestInfo() info: Info, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionDto> {
    const session = await this.auth.login(dto.email, dto.password, info);
    return isWebClient(req) ? toWebSession(reply, session, this.config) : toSessionResponse(session);
  }

  @Post('auth/refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the refresh token; reusing an old one revokes the whole login',
    description:
      'The token comes from the body, or with X-Requested-With: passerelle-web from the cookie only (a body token too is 400); ' +
      'the web answer sets the rotated cookie and carries the user, to restore a session after a page reload.',
  })
  @WebSession({ readsCookie: true })
  @ApiBody({ type: RefreshDto, required: false, description: 'Absent in the web flow (the cookie carries the token)' })
  @ApiOkResponse({ type: SessionDto, description: 'A new access token; for the web app the rotated refresh token is in the cookie', headers: SET_COOKIE })
  @ApiResponse({
    status: 401,
    description: 'The refresh token is unknown, rotated (the login is then revoked), expired or its user inactive',
    headers: SET_COOKIE,
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
  })
  @ApiProblems(400, 403, 415)
  async refresh(@Body() dto: RefreshDto, @RequestInfo() info: Info, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionDto> {
    const from = refreshTokenFrom(req, dto.refreshToken);
    if (!from.web) return this.auth.refresh(from.token, info).then(toSessionResponse);
    try {
      if (from.token === null) throw new DomainError('INVALID_TOKEN', 'No session cookie was sent, or it is not one of ours');
      return toWebSession(reply, await this.auth.refresh(from.token, info), this.config);
    } catch (e) {
      // A cookie that opens no session is dropped; an outage (503) keeps it for the retry.
      if (e instanceof DomainError && e.code === 'INVALID_TOKEN') clearRefreshCookie(reply, this.config);
      throw e;
    }
  }

  @Post('auth/logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the login the refresh token belongs to',
    description: 'The token comes from the body, or with X-Requested-With: passerelle-web from the cookie, which the answer clears in any case.',
  })
  @WebSession({ readsCookie: true })
  @ApiBody({ type: RefreshDto, required: false, description: 'Absent in the web flow (the cookie carries the token)' })
  @ApiNoContentResponse({ description: 'Signed out (also for an unknown token)', headers: SET_COOKIE })
  @ApiProblems(400, 403, 415)
  async logout(@Body() dto: RefreshDto, @RequestInfo() info: Info, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const from = refreshTokenFrom(req, dto.refreshToken);
    // Cleared first: on a shared computer the browser forgets the session even if revoking fails.
    if (from.web) clearRefreshCookie(reply, this.config);
    if (from.token !== null) await this.auth.logout(from.token, info);
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
