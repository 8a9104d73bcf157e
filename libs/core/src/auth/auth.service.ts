import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, APP_CONFIG, type AppConfig, Clock, DomainError } from '@passerelle/common';
import { systemActor } from '@passerelle/common';
import { userActor } from '../access/index.js';
import { AuditWriter } from '../audit/index.js';
import { OrganizationsRepository } from '../organizations/index.js';
import { dummyHash, UsersRepository, verifyPassword } from '../users/index.js';
import type { Role } from '../users/index.js';
import type { User } from '../users/index.js';
import { LoginFailuresRepository } from './login-failures.repository.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

export const LOCKOUT_THRESHOLD = 10;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_DURATION_MS = 15 * 60_000;
export const JWT_ISSUER = 'passerelle';
export const JWT_AUDIENCE = 'passerelle-api';

export interface RequestInfo {
  ip?: string;
  requestId?: string;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string; displayName: string; organizationId: string; roles: Role[]; siteIds: string[] };
}

export interface AccessTokenPayload {
  sub: string;
  org: string;
  /** The session: the refresh-token family the token was issued from (issue 28). */
  sid: string;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS', 'Email or password is incorrect');
const invalidToken = () => new DomainError('INVALID_TOKEN', 'The refresh token is not valid');

@Injectable()
export class AuthService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly failures: LoginFailuresRepository,
    private readonly tokens: RefreshTokensRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The dummy hash is made at start, or the first unknown email would cost two argon2 runs. */
  async onModuleInit(): Promise<void> {
    await dummyHash();
  }

  /**
   * Same answer and the same work (one argon2 verification) whether or not the email exists;
   * ten failures within 15 minutes lock that email for 15 minutes, known or not (issue 4).
   */
  async login(emailInput: string, password: string, info: RequestInfo): Promise<Session> {
    const email = emailInput.trim().toLowerCase();
    const now = this.clock.now();
    const user = await this.users.findForLogin(this.db.manager, email);
    const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
    const orgActive = user ? (await this.organizations.isActive(this.db.manager, user.organizationId)) === true : false;
    const target = { type: 'User', id: user?.id ?? null, organizationId: user?.organizationId ?? null };
    // The verdict (locked? count a failure? lock now?) is reached after the slow password check
    // and one attempt of an email at a time: otherwise every request of a parallel burst of
    // guesses passes the lock check before the tenth failure is recorded, and a right guess gets in.
    const outcome = await this.db.transaction(async (em): Promise<{ error: DomainError } | { session: Session }> => {
      await this.failures.lockEmail(em, email);
      const lockedUntil = await this.failures.lockedUntil(em, email, now);
      if (lockedUntil) {
        await this.audit.record(em, null, 'auth.login_refused_locked', target, { details: { email }, ...info });
        const retryAfter = Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000);
        return { error: new DomainError('ACCOUNT_LOCKED', 'Too many failed attempts; try again later', { extra: { retryAfter } }) };
      }
      if (!user || !passwordOk || !user.active || !orgActive) {
        await this.recordFailure(em, email, target, info, now);
        return { error: invalidCredentials() };
      }
      await this.failures.clear(em, email);
      await this.users.recordLogin(em, user.id, now);
      const session = await this.issue(em, user, randomUUID());
      await this.audit.record(em, { ...systemActor(), kind: 'user', userId: user.id, organizationId: user.organizationId }, 'auth.login', target, info);
      return { session };
    });
    // The failure and the lock must commit, so the error is thrown only after the transaction.
    if ('error' in outcome) throw outcome.error;
    return outcome.session;
  }

  private async recordFailure(em: EntityManager, email: string, target: { type: string; id: string | null; organizationId: string | null }, info: RequestInfo, now: Date): Promise<void> {
    await this.failures.record(em, email, now, info.ip ?? null);
    await this.audit.record(em, null, 'auth.login_failed', target, { details: { email }, ...info });
    const n = await this.failures.countSince(em, email, new Date(now.getTime() - LOCKOUT_WINDOW_MS));
    if (n >= LOCKOUT_THRESHOLD) {
      await this.failures.lock(em, email, new Date(now.getTime() + LOCKOUT_DURATION_MS));
      await this.failures.clear(em, email);
      await this.audit.record(em, null, 'auth.account_locked', target, { details: { email, failures: n }, ...info });
    }
  }

  /** Rotates a refresh token. Presenting a rotated token again revokes its whole family. */
  async refresh(token: string, info: RequestInfo): Promise<Session> {
    const outcome = await this.db.transaction(async (em) => {
      const row = await this.tokens.lockByHash(em, sha256(token));
      if (!row || row.revoked_at) return { error: invalidToken() };
      const now = this.clock.now();
      const user = await this.users.findById(em, row.user_id);
      const target = { type: 'User', id: row.user_id, organizationId: user?.organizationId ?? null };
      if (row.rotated_at) {
        await this.tokens.revokeFamily(em, row.family_id, now);
        await this.audit.record(em, null, 'auth.refresh_reused', target, { details: { familyId: row.family_id }, ...info });
        return { error: invalidToken() };
      }
      if (new Date(row.expires_at) <= now || !user?.active) return { error: invalidToken() };
      if (!(await this.organizations.isActive(em, user.organizationId))) return { error: invalidToken() };
      await this.tokens.markRotated(em, row.id, now);
      return { session: await this.issue(em, user, row.family_id) };
    });
    // The family revocation above must commit, so the error is thrown only after the transaction.
    if ('error' in outcome) throw outcome.error;
    return outcome.session;
  }

  /** Ends the login the refresh token belongs to. Unknown tokens are ignored (no oracle). */
  async logout(token: string, info: RequestInfo): Promise<void> {
    await this.db.transaction(async (em) => {
      const row = await this.tokens.findSession(em, sha256(token));
      if (!row) return;
      await this.tokens.revokeFamily(em, row.family_id, this.clock.now());
      await this.audit.record(em, null, 'auth.logout', { type: 'User', id: row.user_id, organizationId: row.organization_id }, { ...info });
    });
  }

  /**
   * The actor of a request, from the user's current row: deactivation and role changes take
   * effect on the next request, not at token expiry (issue 4); so does the end of its session
   * (sign-out, refresh-token reuse), which revokes the family the token names (issue 28).
   */
  async actorFor(payload: AccessTokenPayload, info: RequestInfo): Promise<Actor | null> {
    // Every request runs it: prepared once per connection, straight on the pool (issue 12).
    const row = await this.tokens.findSessionActor(payload.sub, payload.sid);
    if (!row) return null;
    return userActor({
      userId: row.id,
      organizationId: row.organization_id,
      organizationCode: row.code,
      roles: row.roles,
      siteIds: row.site_ids,
      capabilities: row.capabilities,
      ...info,
    });
  }

  /** The signed-in user as the API shows it (GET /me). */
  async profile(actor: Actor): Promise<Session['user']> {
    const user = await this.users.getById(this.db.manager, actor.userId!);
    return { id: user.id, email: user.email, displayName: user.displayName, organizationId: user.organizationId, roles: user.roles, siteIds: user.siteIds };
  }

  private async issue(em: EntityManager, user: User, familyId: string): Promise<Session> {
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + this.config.refreshTokenTtlDays * 86_400_000);
    await this.tokens.insert(em, { userId: user.id, familyId, tokenHash: sha256(refreshToken), expiresAt });
    const payload: AccessTokenPayload = { sub: user.id, org: user.organizationId, sid: familyId };
    const accessToken = await this.jwt.signAsync(payload, {
      algorithm: 'HS256',
      expiresIn: this.config.accessTokenTtlSeconds,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      jwtid: randomUUID(),
    });
    return {
      accessToken,
      refreshToken,
      expiresIn: this.config.accessTokenTtlSeconds,
      user: { id: user.id, email: user.email, displayName: user.displayName, organizationId: user.organizationId, roles: user.roles, siteIds: user.siteIds },
    };
  }
}
