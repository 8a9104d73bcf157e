import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, APP_CONFIG, type AppConfig, Clock, DomainError, preparedQuery } from '@passerelle/common';
import { systemActor } from '@passerelle/common';
import { userActor } from '../access/index.js';
import { AuditWriter } from '../audit/index.js';
import { dummyHash, verifyPassword } from '../users/index.js';
import type { Role } from '../users/index.js';
import { User } from '../users/index.js';

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

interface ActorRow {
  id: string;
  organization_id: string;
  roles: Role[];
  site_ids: string[];
  code: string;
  capabilities: string[];
}

@Injectable()
export class AuthService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
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
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .innerJoin('organizations', 'o', 'o.id = u.organization_id')
      .addSelect('o.active', 'org_active')
      .where('lower(u.email) = :email', { email })
      .getOne();
    const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
    const orgActive = user ? (await this.db.query('SELECT active FROM organizations WHERE id = $1', [user.organizationId]))[0]?.active === true : false;
    const target = { type: 'User', id: user?.id ?? null, organizationId: user?.organizationId ?? null };
    // The verdict (locked? count a failure? lock now?) is reached after the slow password check
    // and one attempt of an email at a time: otherwise every request of a parallel burst of
    // guesses passes the lock check before the tenth failure is recorded, and a right guess gets in.
    const outcome = await this.db.transaction(async (em): Promise<{ error: DomainError } | { session: Session }> => {
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`login:${email}`]);
      const [lock] = await em.query('SELECT locked_until FROM account_lockouts WHERE email = $1 AND locked_until > $2', [email, now]);
      if (lock) {
        await this.audit.record(em, null, 'auth.login_refused_locked', target, { details: { email }, ...info });
        const retryAfter = Math.ceil((new Date(lock.locked_until).getTime() - now.getTime()) / 1000);
        return { error: new DomainError('ACCOUNT_LOCKED', 'Too many failed attempts; try again later', { extra: { retryAfter } }) };
      }
      if (!user || !passwordOk || !user.active || !orgActive) {
        await this.recordFailure(em, email, target, info, now);
        return { error: invalidCredentials() };
      }
      await em.query('DELETE FROM login_failures WHERE email = $1', [email]);
      await em.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [user.id, now]);
      const session = await this.issue(em, user, randomUUID());
      await this.audit.record(em, { ...systemActor(), kind: 'user', userId: user.id, organizationId: user.organizationId }, 'auth.login', target, info);
      return { session };
    });
    // The failure and the lock must commit, so the error is thrown only after the transaction.
    if ('error' in outcome) throw outcome.error;
    return outcome.session;
  }

  private async recordFailure(em: EntityManager, email: string, target: { type: string; id: string | null; organizationId: string | null }, info: RequestInfo, now: Date): Promise<void> {
    await em.query('INSERT INTO login_failures (email, at, ip) VALUES ($1, $2, $3)', [email, now, info.ip ?? null]);
    await this.audit.record(em, null, 'auth.login_failed', target, { details: { email }, ...info });
    const [{ n }] = await em.query('SELECT count(*)::int AS n FROM login_failures WHERE email = $1 AND at > $2', [email, new Date(now.getTime() - LOCKOUT_WINDOW_MS)]);
    if (n >= LOCKOUT_THRESHOLD) {
      await em.query(
        `INSERT INTO account_lockouts (email, locked_until) VALUES ($1, $2)
         ON CONFLICT (email) DO UPDATE SET locked_until = EXCLUDED.locked_until`,
        [email, new Date(now.getTime() + LOCKOUT_DURATION_MS)],
      );
      await em.query('DELETE FROM login_failures WHERE email = $1', [email]);
      await this.audit.record(em, null, 'auth.account_locked', target, { details: { email, failures: n }, ...info });
    }
  }

  /** Rotates a refresh token. Presenting a rotated token again revokes its whole family. */
  async refresh(token: string, info: RequestInfo): Promise<Session> {
    const outcome = await this.db.transaction(async (em) => {
      const [row] = await em.query('SELECT * FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE', [sha256(token)]);
      if (!row || row.revoked_at) return { error: invalidToken() };
      const now = this.clock.now();
      const user = await em.findOneBy(User, { id: row.user_id });
      const target = { type: 'User', id: row.user_id as string, organizationId: user?.organizationId ?? null };
      if (row.rotated_at) {
        await em.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id, now]);
        await this.audit.record(em, null, 'auth.refresh_reused', target, { details: { familyId: row.family_id }, ...info });
        return { error: invalidToken() };
      }
      if (new Date(row.expires_at) <= now || !user?.active) return { error: invalidToken() };
      const [{ active }] = await em.query('SELECT active FROM organizations WHERE id = $1', [user.organizationId]);
      if (!active) return { error: invalidToken() };
      await em.query('UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1', [row.id, now]);
      return { session: await this.issue(em, user, row.family_id) };
    });
    // The family revocation above must commit, so the error is thrown only after the transaction.
    if ('error' in outcome) throw outcome.error;
    return outcome.session;
  }

  /** Ends the login the refresh token belongs to. Unknown tokens are ignored (no oracle). */
  async logout(token: string, info: RequestInfo): Promise<void> {
    await this.db.transaction(async (em) => {
      const [row] = await em.query('SELECT rt.family_id, rt.user_id, u.organization_id FROM refresh_tokens rt JOIN users u ON u.id = rt.user_id WHERE token_hash = $1', [sha256(token)]);
      if (!row) return;
      await em.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id, this.clock.now()]);
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
    const [row] = await preparedQuery<ActorRow>(
      this.db,
      `SELECT u.id, u.organization_id, u.roles, u.site_ids, o.code, o.capabilities
       FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE u.id = :userId AND u.active AND o.active
         AND EXISTS (SELECT 1 FROM refresh_tokens rt WHERE rt.family_id = :sid AND rt.user_id = u.id AND rt.revoked_at IS NULL)`,
      { userId: payload.sub, sid: payload.sid },
    );
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
    const user = await this.db.getRepository(User).findOneByOrFail({ id: actor.userId! });
    return { id: user.id, email: user.email, displayName: user.displayName, organizationId: user.organizationId, roles: user.roles, siteIds: user.siteIds };
  }

  private async issue(em: EntityManager, user: User, familyId: string): Promise<Session> {
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + this.config.refreshTokenTtlDays * 86_400_000);
    await em.query('INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [user.id, familyId, sha256(refreshToken), expiresAt]);
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
