import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, DomainError, type FieldError, type Page, type PageRequest, stampedBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { OrganizationsRepository } from '../organizations/index.js';
import { hashPassword } from './password-hasher.js';
import { passwordProblems } from './password-policy.js';
import type { Role } from './roles.js';
import { User } from './user.entity.js';
import { assertGrantable, assertKeepsOwnOrgAdmin, assertNotSelfDeactivation } from './user.rules.js';
import { type UserFilter, UsersRepository } from './users.repository.js';

export type { UserFilter } from './users.repository.js';

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

const snapshot = (u: User) => ({ email: u.email, displayName: u.displayName, roles: u.roles, siteIds: u.siteIds, active: u.active });

@Injectable()
export class UsersService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditWriter,
    private readonly repo: UsersRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  create(actor: Actor, input: CreateUserInput): Promise<User> {
    return this.db.transaction(async (em) => {
      const org = await this.organizations.findVisible(em, actor, input.organizationId);
      const roles = [...new Set(input.roles)];
      assertCan(actor, 'create', 'User', { organizationId: org.id, roles });
      assertGrantable(actor, roles);
      const email = input.email.trim().toLowerCase();
      const errors = passwordProblems(input.password, email);
      const siteIds = [...new Set(input.siteIds ?? [])];
      errors.push(...(await this.siteProblems(em, org.id, siteIds)));
      if (errors.length) throw validationFailed(errors);
      if (await this.repo.emailTaken(em, email)) {
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
        ...stampedBy(actor),
      });
      await this.repo.persist(em, user);
      await this.audit.record(em, actor, 'user.created', { type: 'User', id: user.id, organizationId: org.id }, { changes: { ...diff(null, snapshot(user)), password: { new: '***' } } });
      return user;
    });
  }

  list(actor: Actor, filter: UserFilter, page: PageRequest): Promise<Page<User>> {
    return this.repo.list(this.db.manager, actor, filter, page);
  }

  get(actor: Actor, id: string, em: EntityManager = this.db.manager): Promise<User> {
    return this.repo.findVisible(em, actor, id);
  }

  update(actor: Actor, id: string, patch: UpdateUserInput): Promise<User> {
    return this.db.transaction(async (em) => {
      const user = await this.repo.lockVisible(em, actor, id);
      assertCan(actor, 'update', 'User', user);
      const before = snapshot(user);
      const errors: FieldError[] = [];
      if (patch.roles) {
        const roles = [...new Set(patch.roles)];
        const changed = roles.filter((r) => !user.roles.includes(r)).concat(user.roles.filter((r) => !roles.includes(r)));
        assertGrantable(actor, changed);
        assertKeepsOwnOrgAdmin(actor, user, roles);
        user.roles = roles;
      }
      if (patch.siteIds) {
        user.siteIds = [...new Set(patch.siteIds)];
        errors.push(...(await this.siteProblems(em, user.organizationId, user.siteIds)));
      }
      if (patch.password !== undefined) errors.push(...passwordProblems(patch.password, user.email));
      if (errors.length) throw validationFailed(errors);
      if (patch.displayName !== undefined) user.displayName = patch.displayName.trim();
      assertNotSelfDeactivation(actor, user, patch.active);
      if (patch.active !== undefined) user.active = patch.active;
      if (patch.password !== undefined) user.passwordHash = await hashPassword(patch.password);
      user.updatedBy = actor.userId;
      await this.repo.persist(em, user);
      // Sessions end at once when the account is deactivated or its password changes.
      if (patch.active === false || patch.password !== undefined) await this.repo.revokeSessions(em, user.id);
      const changes = diff(before, snapshot(user));
      if (patch.password !== undefined) changes.password = { old: '***', new: '***' };
      await this.audit.record(em, actor, 'user.updated', { type: 'User', id: user.id, organizationId: user.organizationId }, { changes });
      return user;
    });
  }

  private async siteProblems(em: EntityManager, organizationId: string, siteIds: string[]): Promise<FieldError[]> {
    if (!siteIds.length) return [];
    const found = await this.repo.countSitesOf(em, organizationId, siteIds);
    return found === siteIds.length ? [] : [{ field: 'siteIds', message: 'every site must belong to the user’s organization' }];
  }
}
