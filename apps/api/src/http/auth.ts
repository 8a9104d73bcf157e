import { applyDecorators, type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { PassportStrategy } from '@nestjs/passport';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { type Actor, APP_CONFIG, type AppConfig, BoundedMap, DomainError, isConnectionError } from '@passerelle/common';
import { type AccessTokenPayload, accessTokenKey, AuthService, JWT_AUDIENCE, JWT_ISSUER } from '@passerelle/core';
import { ApiProblems } from './openapi.js';
import { IS_PUBLIC } from './public.decorator.js';

const REQUIRES = 'passerelle:requires';
type Requirement = { action: string; subject: string; hidden?: boolean } | 'signed-in';

/**
 * Declares what a handler needs: "could this actor ever <action> a <subject>?" (else 403).
 * Whether it may act on one record is the service's question (404 / 403) (CONVENTIONS §2).
 * `hidden`: for routes naming one record (`/cases/{id}…`), an actor who may see no such records
 * at all (an analyst, an auditor) gets 404 like anyone the record is hidden from (DESIGN §2).
 */
export const Requires = (action: string, subject: string, options: { hidden?: boolean } = {}) =>
  applyDecorators(SetMetadata(REQUIRES, { action, subject, ...options } satisfies Requirement), ApiBearerAuth(), ApiProblems(401, options.hidden ? 404 : 403));

/** Any signed-in user (e.g. GET /me, the service directory). */
export const SignedIn = () => applyDecorators(SetMetadata(REQUIRES, 'signed-in' satisfies Requirement), ApiBearerAuth(), ApiProblems(401));

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest<{ user: Actor }>().user);

export const requestInfo = (req: FastifyRequest) => ({ ip: req.ip, requestId: String(req.id) });
export const RequestInfo = createParamDecorator((_: unknown, ctx: ExecutionContext) => requestInfo(ctx.switchToHttp().getRequest<FastifyRequest>()));

/**
 * `Authorization: Bearer <one compact JWS>` and nothing else: passport-jwt's own extractor took
 * the first word after the scheme, so `Bearer <token> <anything>` passed (issue 13).
 */
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
export const bearerToken = (req: { headers: Record<string, string | string[] | undefined> }): string | null => {
  const h = req.headers.authorization;
  return typeof h === 'string' ? (BEARER.exec(h)?.[1] ?? null) : null;
};
/** How many verified access tokens are remembered per key (a few per signed-in user). */
const VERIFIED_TOKENS = 5000;
type Verifier = (token: string, key: unknown, options: unknown, done: (err: Error | null, payload?: { exp?: number }) => void) => void;
const strategyStatics = Strategy as unknown as { JwtVerifier: Verifier };
const verifyJwt = strategyStatics.JwtVerifier;
const verified = new WeakMap<object, BoundedMap<string, { exp?: number }>>();

/**
 * passport-jwt's verifier, remembering the tokens it accepted (issue 12: the HMAC and the claim
 * checks of jsonwebtoken were ~6 % of a GET /cases/{id}, for a token that every request of a
 * session repeats). A remembered token is accepted again only until its `exp`, and only under the
 * key that verified it; anything else, and any refusal, goes to jsonwebtoken, whose errors the
 * client sees. The user's row is still read on every request (JwtStrategy.validate).
 */
strategyStatics.JwtVerifier = (token, key, options, done) => {
  const byKey = typeof key === 'object' && key !== null ? key : null;
  const known = byKey ? verified.get(byKey)?.get(token) : undefined;
  if (known && typeof known.exp === 'number' && known.exp * 1000 > Date.now()) return done(null, known);
  verifyJwt(token, key, options, (err, payload) => {
    if (!err && byKey && payload) {
      let tokens = verified.get(byKey);
      if (!tokens) verified.set(byKey, (tokens = new BoundedMap(VERIFIED_TOKENS)));
      tokens.set(token, Object.freeze(payload));
    }
    done(err, payload);
  });
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** Clock skew tolerated between the API replicas that issue and check tokens. */
const SKEW_SECONDS = 60;

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly ttlSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([bearerToken]),
      // A KeyObject, not the string: see accessTokenKey.
      secretOrKey: accessTokenKey(config.jwtSecret) as unknown as string,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
    this.ttlSeconds = config.accessTokenTtlSeconds;
  }

  /**
   * A token the server issued has iat ≤ now and exp = iat + the configured lifetime. jsonwebtoken
   * accepts one without exp (valid for ever) or with iat in the future: with a leaked or misused
   * key such a token would outlive every rotation, so both are refused (issue 13). It names its
   * user and its session (`sid`, checked live by actorFor) as UUIDs (issue 28).
   */
  async validate(req: FastifyRequest, payload: AccessTokenPayload & { iat?: unknown; exp?: unknown }): Promise<Actor> {
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number' || iat > now + SKEW_SECONDS || exp - iat > this.ttlSeconds + SKEW_SECONDS || !isUuid(payload.sid) || !isUuid(payload.sub)) {
      throw new DomainError('UNAUTHENTICATED', 'A valid access token is required');
    }
    const actor = await this.auth.actorFor(payload, requestInfo(req));
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'The account is inactive or no longer exists');
    return actor;
  }
}

const JwtAuthGuard = AuthGuard('jwt');

/**
 * Default deny (issue 4): a handler is reachable only if marked @Public(), or authenticated
 * and declaring @Requires()/@SignedIn() that the actor's ability allows.
 */
@Injectable()
export class AccessGuard extends JwtAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await super.canActivate(ctx);
    const actor = ctx.switchToHttp().getRequest<{ user: Actor }>().user;
    const need = this.reflector.getAllAndOverride<Requirement | undefined>(REQUIRES, targets);
    if (!need) throw new DomainError('FORBIDDEN', 'This route declares no permission and is refused');
    if (need !== 'signed-in' && !actor.ability.can(need.action, need.subject)) {
      if (need.hidden && !actor.ability.can('read', need.subject)) throw new DomainError('NOT_FOUND', `${need.subject} not found`);
      throw new DomainError('FORBIDDEN', `You may not ${need.action} ${need.subject} records`);
    }
    return true;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err instanceof DomainError) throw err;
    // Loading the user failed because the database is away: 503, not 401 — a 401 tells clients
    // to drop the session, and every signed-in user was logged out by an outage (issue 13).
    if (isConnectionError(err)) throw new DomainError('DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly');
    if (err || !user) throw new DomainError('UNAUTHENTICATED', 'A valid access token is required');
    return user;
  }
}
