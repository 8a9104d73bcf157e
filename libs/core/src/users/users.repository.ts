import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { Site } from '../sites/index.js';
import type { Role } from './roles.js';
import { User } from './user.entity.js';

/** The SQL of the CASL conditions of user.rules.ts. */
export const USER_FIELDS: FieldMap = { id: 'u.id', organizationId: 'u.organization_id', roles: { column: 'u.roles', array: true } };

export interface UserFilter {
  organizationId?: string;
  role?: Role;
  active?: boolean;
  siteId?: string;
}

/**
 * The SQL of users: which users an actor may read (user.rules.ts in SQL), one loaded or locked
 * under those rules, the list, the sign-in lookup, and ending a user's sessions. Takes `em` first
 * and never opens a transaction.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<User> {
    return readableBy(em, actor, User, 'User', 'u', USER_FIELDS);
  }

  /** A visible user, else 404. */
  async findVisible(em: EntityManager, actor: Actor, id: string): Promise<User> {
    return this.found(await this.visible(em, actor).andWhere('u.id = :id', { id }).getOne());
  }

  /** A visible user, row-locked until the transaction `em` ends (else 404): two edits run one after the other. */
  async lockVisible(em: EntityManager, actor: Actor, id: string): Promise<User> {
    return this.found(await this.visible(em, actor).andWhere('u.id = :id', { id }).setLock('pessimistic_write').getOne());
  }

  list(em: EntityManager, actor: Actor, filter: UserFilter, page: PageRequest): Promise<Page<User>> {
    const qb = this.visible(em, actor);
    if (filter.organizationId) qb.andWhere('u.organization_id = :org', { org: filter.organizationId });
    if (filter.role) qb.andWhere(':role = ANY(u.roles)', { role: filter.role });
    if (filter.active !== undefined) qb.andWhere('u.active = :active', { active: filter.active });
    if (filter.siteId) qb.andWhere(':site = ANY(u.site_ids)', { site: filter.siteId });
    return paginate(qb, page, { list: 'users', columns: [{ expr: 'u.email', cast: 'text' }], direction: 'ASC', keyOf: (u) => [u.email] }, this.cursors);
  }

  /** Whether a user has this (already lower-cased) email: unique case-insensitively (users_email_key). */
  emailTaken(em: EntityManager, email: string): Promise<boolean> {
    return em.createQueryBuilder(User, 'u').where('lower(u.email) = :email', { email }).getExists();
  }

  /** How many of `siteIds` are sites of the organization. */
  countSitesOf(em: EntityManager, organizationId: string, siteIds: string[]): Promise<number> {
    return em.getRepository(Site).createQueryBuilder('s').where('s.id IN (:...ids)', { ids: siteIds }).andWhere('s.organization_id = :org', { org: organizationId }).getCount();
  }

  /** Ends every session of the user: their refresh tokens stop rotating and their access tokens stop opening (issue 28). */
  async revokeSessions(em: EntityManager, userId: string): Promise<void> {
    await em.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  }

  /** The user signing in with this (lower-cased) email, with the password hash, or null. */
  findForLogin(em: EntityManager, email: string): Promise<User | null> {
    return em
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .innerJoin('organizations', 'o', 'o.id = u.organization_id')
      .addSelect('o.active', 'org_active')
      .where('lower(u.email) = :email', { email })
      .getOne();
  }

  async recordLogin(em: EntityManager, userId: string, at: Date): Promise<void> {
    await em.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [userId, at]);
  }

  findById(em: EntityManager, id: string): Promise<User | null> {
    return em.findOneBy(User, { id });
  }

  /** The user, which must exist (the signed-in one). */
  getById(em: EntityManager, id: string): Promise<User> {
    return em.getRepository(User).findOneByOrFail({ id });
  }

  persist(em: EntityManager, user: User): Promise<User> {
    return em.save(user);
  }

  private found(user: User | null): User {
    if (!user) throw new DomainError('NOT_FOUND', 'User not found');
    return user;
  }
}
