import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, CursorCodec, DomainError, type FieldError, type Page, type PageRequest, paginate, readableBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { OrganizationsService } from '../organizations/index.js';
import { Site } from '../sites/index.js';
import { hashPassword } from './password-hasher.js';
import { passwordProblems } from './password-policy.js';
import { ROLES, type Role } from './roles.js';
import { User } from './user.entity.js';
import { USER_FIELDS } from './user.rules.js';

export interface CreateUserInput {
  organizationId: string;
  email: string;
  displayName: string;
  password: string;
  roles: Role[];
  siteIds?: string[];
}
export interface UpdateUserInput {
  displayName?: string;
  roles?: Role[];
  siteIds?: string[];
  active?: boolean;
  password?: string;
}
export interface UserFilter {
  organizationId?: string;
  role?: Role;
  active?: boolean;
  siteId?: string;
}

/** Roles an actor may give or take away (DESIGN §1, API.md): platform admins only org_admin; org admins any but platform_admin. */
export function grantableRoles(actor: Actor): readonly Role[] {
  if (actor.kind === 'system') return ROLES;
  const roles = new Set<Role>();
  if (actor.roles.includes('platform_admin')) roles.add('org_admin');
  if (actor.roles.includes('org_admin')) ROLES.filter((r) => r !== 'platform_admin').forEach((r) => roles.add(r));
  return [...roles];
}

const snapshot = (u: User) => ({ email: u.email, displayName: u.displayName, roles: u.roles, siteIds: u.siteIds, active: u.active });

@Injectable()
export class UsersService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
    private readonly organizations: OrganizationsService,
  ) {}

  create(actor: Actor, input: CreateUserInput): Promise<User> {
    return this.db.transaction(async (em) => {
      const org = await this.organizations.get(actor, input.organizationId, em);
      const roles = [...new Set(input.roles)];
      assertCan(actor, 'create', 'User', { organizationId: org.id, roles });
      this.assertGrantable(actor, roles);
      const email = input.email.trim().toLowerCase();
      const errors = passwordProblems(input.password, email);
      const siteIds = [...new Set(input.siteIds ?? [])];
      errors.push(...(await this.siteProblems(em, org.id, siteIds)));
      if (errors.length) throw validationFailed(errors);
      if (await em.createQueryBuilder(User, 'u').where('lower(u.email) = :email', { email }).getExists()) {
        throw new DomainError('EMAIL_TAKEN', 'A user with this email already exists');
      }
      const user = em.create(User, {
        organizationId: org.id,
        email,
        displayName: input.displayName.trim(),
        passwordHash: await hashPassword(input.password),
        roles,
        siteIds,
        active: true,
        createdBy: actor.userId,
        updatedBy: actor.userId,
      });
      await em.save(user);
      await this.audit.record(em, actor, 'user.created', { type: 'User', id: user.id, organizationId: org.id }, { changes: { ...diff(null, snapshot(user)), password: { new: '***' } } });
      return user;
    });
  }

  list(actor: Actor, filter: UserFilter, page: PageRequest): Promise<Page<User>> {
    const qb = this.visible(this.db.manager, actor);
    if (filter.organizationId) qb.andWhere('u.organization_id = :org', { org: filter.organizationId });
    if (filter.role) qb.andWhere(':role = ANY(u.roles)', { role: filter.role });
    if (filter.active !== undefined) qb.andWhere('u.active = :active', { active: filter.active });
    if (filter.siteId) qb.andWhere(':site = ANY(u.site_ids)', { site: filter.siteId });
    return paginate(qb, page, { list: 'users', columns: [{ expr: 'u.email', cast: 'text' }], direction: 'ASC', keyOf: (u) => [u.email] }, this.cursors);
  }

  async get(actor: Actor, id: string, em: EntityManager = this.db.manager, lock = false): Promise<User> {
    const qb = this.visible(em, actor).andWhere('u.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const user = await qb.getOne();
    if (!user) throw new DomainError('NOT_FOUND', 'User not found');
    return user;
  }

  update(actor: Actor, id: string, patch: UpdateUserInput): Promise<User> {
    return this.db.transaction(async (em) => {
      const user = await this.get(actor, id, em, true);
      assertCan(actor, 'update', 'User', user);
      const before = snapshot(user);
      const errors: FieldError[] = [];
      if (patch.roles) {
        const roles = [...new Set(patch.roles)];
        const changed = roles.filter((r) => !user.roles.includes(r)).concat(user.roles.filter((r) => !roles.includes(r)));
        this.assertGrantable(actor, changed);
        if (user.id === actor.userId && user.roles.includes('org_admin') && !roles.includes('org_admin')) {
          throw new DomainError('CONFLICT', 'You cannot remove your own org_admin role; ask another org admin');
        }
        user.roles = roles;
      }
      if (patch.siteIds) {
        user.siteIds = [...new Set(patch.siteIds)];
        errors.push(...(await this.siteProblems(em, user.organizationId, user.siteIds)));
      }
      if (patch.password !== undefined) errors.push(...passwordProblems(patch.password, user.email));
      if (errors.length) throw validationFailed(errors);
      if (patch.displayName !== undefined) user.displayName = patch.displayName.trim();
      if (patch.active === false && user.id === actor.userId) throw new DomainError('CONFLICT', 'You cannot deactivate yourself');
      if (patch.active !== undefined) user.active = patch.active;
      if (patch.password !== undefined) user.passwordHash = await hashPassword(patch.password);
      user.updatedBy = actor.userId;
      await em.save(user);
      // Sessions end at once when the account is deactivated or its password changes.
      if (patch.active === false || patch.password !== undefined) {
        await em.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [user.id]);
      }
      const changes = diff(before, snapshot(user));
      if (patch.password !== undefined) changes.password = { old: '***', new: '***' };
      await this.audit.record(em, actor, 'user.updated', { type: 'User', id: user.id, organizationId: user.organizationId }, { changes });
      return user;
    });
  }

  private visible(em: EntityManager, actor: Actor) {
    return readableBy(em, actor, User, 'User', 'u', USER_FIELDS);
  }

  private assertGrantable(actor: Actor, roles: readonly Role[]): void {
    const grantable = grantableRoles(actor);
    const refused = roles.filter((r) => !grantable.includes(r));
    if (refused.length) throw new DomainError('FORBIDDEN', `You may not grant or remove the role(s) ${refused.join(', ')}`);
  }

  private async siteProblems(em: EntityManager, organizationId: string, siteIds: string[]): Promise<FieldError[]> {
    if (!siteIds.length) return [];
    const found = await em.getRepository(Site).createQueryBuilder('s').where('s.id IN (:...ids)', { ids: siteIds }).andWhere('s.organization_id = :org', { org: organizationId }).getCount();
    return found === siteIds.length ? [] : [{ field: 'siteIds', message: 'every site must belong to the user’s organization' }];
  }
}
