import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { systemActor } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { OrganizationsRepository, PLATFORM_ORG_CODE } from '../organizations/index.js';
import { Organization } from '../organizations/index.js';
import { SitesRepository, SitesService } from '../sites/index.js';
import { hashPassword } from '../users/index.js';
import type { Role } from '../users/index.js';
import { User, UsersRepository } from '../users/index.js';
import { DEMO_ORGANIZATIONS, DEMO_PLATFORM_ADMIN, DEMO_ROLES, demoEmail } from './demo-data.js';
import { SeedRepository } from './seed.repository.js';

export interface SeededLogin {
  email: string;
  organization: string;
  roles: Role[];
}

/** Bootstrap admin and demo data: idempotent, so every start may call it (DESIGN §9). */
@Injectable()
export class SeedService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditWriter,
    private readonly sites: SitesService,
    private readonly repo: SeedRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly siteRepo: SitesRepository,
    private readonly users: UsersRepository,
  ) {}

  /** Creates the platform admin when no user has that email; true when created. */
  ensureBootstrapAdmin(email: string, password: string): Promise<boolean> {
    return this.db.transaction(async (em) => {
      await this.repo.lockSeeding(em);
      const org = await this.ensureOrganization(em, { code: PLATFORM_ORG_CODE, name: 'Passerelle platform', kind: 'platform', capabilities: [] });
      return (await this.ensureUser(em, org, email, 'Platform administrator', ['platform_admin'], [], password)) !== null;
    });
  }

  /**
   * The five partner organizations with their sites and one user per role each, plus a platform
   * admin. Returns the logins created now (empty on a later start: they are printed once).
   */
  seedDemo(password: string): Promise<SeededLogin[]> {
    return this.db.transaction(async (em) => {
      await this.repo.lockSeeding(em);
      const created: SeededLogin[] = [];
      const platform = await this.ensureOrganization(em, { code: PLATFORM_ORG_CODE, name: 'Passerelle platform', kind: 'platform', capabilities: [] });
      if (await this.ensureUser(em, platform, DEMO_PLATFORM_ADMIN, 'Platform administrator', ['platform_admin'], [], password)) {
        created.push({ email: DEMO_PLATFORM_ADMIN, organization: PLATFORM_ORG_CODE, roles: ['platform_admin'] });
      }
      for (const demo of DEMO_ORGANIZATIONS) {
        const org = await this.ensureOrganization(em, demo);
        const siteIds: string[] = [];
        for (const s of demo.sites) {
          let site = await this.siteRepo.findByName(em, org.id, s.name);
          if (!site) site = await this.sites.createIn(em, systemActor(), org, s);
          siteIds.push(site.id);
        }
        for (const role of DEMO_ROLES) {
          const email = demoEmail(role, demo.code);
          const name = `${role.replace('_', ' ')} ${demo.code}`;
          const sites = role === 'caseworker' || role === 'manager' ? siteIds : [];
          if (await this.ensureUser(em, org, email, name, [role], sites, password)) created.push({ email, organization: demo.code, roles: [role] });
        }
      }
      return created;
    });
  }

  private async ensureOrganization(em: EntityManager, o: Pick<Organization, 'code' | 'name' | 'kind' | 'capabilities'> & { reintegrationBudgetCeilingXof?: number }): Promise<Organization> {
    const existing = await this.organizations.findByCode(em, o.code);
    if (existing) return existing;
    const org = await this.organizations.persist(
      em,
      em.create(Organization, { code: o.code, name: o.name, kind: o.kind, capabilities: o.capabilities, reintegrationBudgetCeilingXof: o.reintegrationBudgetCeilingXof ?? null, active: true }),
    );
    await this.audit.record(em, systemActor(), 'organization.created', { type: 'Organization', id: org.id, organizationId: org.id }, { details: { seeded: true } });
    return org;
  }

  private async ensureUser(em: EntityManager, org: Organization, email: string, displayName: string, roles: Role[], siteIds: string[], password: string): Promise<User | null> {
    if (await this.repo.userExists(em, email)) return null;
    const user = await this.users.persist(em, em.create(User, { organizationId: org.id, email: email.toLowerCase(), displayName, passwordHash: await hashPassword(password), roles, siteIds, active: true }));
    await this.audit.record(em, systemActor(), 'user.created', { type: 'User', id: user.id, organizationId: org.id }, { details: { seeded: true, roles } });
    return user;
  }
}

/** A readable random password for the demo logins when DEMO_PASSWORD is not set. */
export const randomDemoPassword = (): string => `demo-${randomBytes(9).toString('base64url')}`;
