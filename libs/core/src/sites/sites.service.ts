import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, DomainError, type FieldError, type Page, type PageRequest, stampedBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import type { Capability } from '../organizations/index.js';
import { Organization } from '../organizations/index.js';
import { OrganizationsRepository, OrganizationsService } from '../organizations/index.js';
import { Site, type SiteKind } from './site.entity.js';
import { bedsOffered, DEFAULT_MAX_STAY_DAYS } from './capacity.js';
import { type SiteFilter, SitesRepository } from './sites.repository.js';

export interface SiteLocationInput {
  region?: string;
  regionPcode?: string;
  cercle?: string;
  cerclePcode?: string;
  commune?: string;
  communePcode?: string;
}
export interface CreateSiteInput {
  name: string;
  kind: SiteKind;
  location?: SiteLocationInput;
  bedCapacity?: number;
  maxStayDays?: number;
  services?: Capability[];
}
export type UpdateSiteInput = Partial<CreateSiteInput> & { active?: boolean };

const snapshot = (s: Site) => ({
  name: s.name,
  kind: s.kind,
  region: s.region,
  regionPcode: s.regionPcode,
  cercle: s.cercle,
  cerclePcode: s.cerclePcode,
  commune: s.commune,
  bedCapacity: s.bedCapacity,
  maxStayDays: s.maxStayDays,
  services: s.services,
  active: s.active,
});

@Injectable()
export class SitesService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: SitesRepository,
    private readonly audit: AuditWriter,
    private readonly organizations: OrganizationsService,
    private readonly orgRepo: OrganizationsRepository,
  ) {}

  create(actor: Actor, organizationId: string, input: CreateSiteInput): Promise<Site> {
    return this.db.transaction(async (em) => this.createIn(em, actor, await this.organizations.get(actor, organizationId, em), input));
  }

  async createIn(em: EntityManager, actor: Actor, org: Organization, input: CreateSiteInput): Promise<Site> {
    assertCan(actor, 'create', 'Site', { organizationId: org.id });
    const site = em.create(Site, { organizationId: org.id, ...stampedBy(actor), active: true });
    await this.apply(em, org, site, input);
    await this.repo.persist(em, site);
    await this.audit.record(em, actor, 'site.created', { type: 'Site', id: site.id, organizationId: org.id }, { changes: diff(null, snapshot(site)) });
    return site;
  }

  list(actor: Actor, filter: SiteFilter, page: PageRequest): Promise<Page<Site>> {
    return this.repo.list(this.db.manager, actor, filter, page);
  }

  get(actor: Actor, id: string, em: EntityManager = this.db.manager): Promise<Site> {
    return this.repo.findVisible(em, actor, id);
  }

  update(actor: Actor, id: string, patch: UpdateSiteInput): Promise<Site> {
    return this.db.transaction(async (em) => {
      const site = await this.repo.lockVisible(em, actor, id);
      assertCan(actor, 'update', 'Site', site);
      const before = snapshot(site);
      const org = await this.orgRepo.getById(em, site.organizationId);
      await this.apply(em, org, site, patch);
      if (patch.active !== undefined) site.active = patch.active;
      if (patch.bedCapacity !== undefined || patch.kind !== undefined || patch.active !== undefined) await this.keepBedsForOccupants(em, site);
      site.updatedBy = actor.userId;
      await this.repo.persist(em, site);
      await this.audit.record(em, actor, 'site.updated', { type: 'Site', id: site.id, organizationId: site.organizationId }, { changes: diff(before, snapshot(site)) });
      return site;
    });
  }

  /**
   * Issue 7: beds are never taken from under migrants staying there — fewer beds than active
   * stays, or a shelter no longer active or no longer a shelter, is 409 rather than silent
   * overbooking. `update` holds the site row lock check-ins take before counting, so no check-in
   * slips in between this count and the commit.
   */
  private async keepBedsForOccupants(em: EntityManager, site: Site): Promise<void> {
    const occupied = await this.repo.occupiedBeds(em, site.id);
    const beds = bedsOffered(site);
    if (occupied > beds) {
      throw new DomainError('CONFLICT', `${occupied} migrant(s) are staying at ${site.name}: check them out before reducing its beds to ${beds}`, { extra: { occupied } });
    }
  }

  /** Validates and applies fields: P-codes from the OCHA reference, services within the org's capabilities. */
  private async apply(em: EntityManager, org: Organization, site: Site, input: Partial<CreateSiteInput>): Promise<void> {
    const errors: FieldError[] = [];
    if (input.name !== undefined) site.name = input.name;
    if (input.kind !== undefined) site.kind = input.kind;
    if (input.bedCapacity !== undefined) site.bedCapacity = input.bedCapacity;
    if (input.maxStayDays !== undefined) site.maxStayDays = input.maxStayDays;
    if (input.services !== undefined) {
      const missing = input.services.filter((s) => !org.capabilities.includes(s));
      if (missing.length) errors.push({ field: 'services', message: `${org.code} lacks the capabilities ${missing.join(', ')}` });
      site.services = [...new Set(input.services)];
    }
    if (input.location) Object.assign(site, await this.resolveLocation(em, input.location, errors));
    if (site.kind === 'shelter') {
      if (site.bedCapacity === null || site.bedCapacity === undefined) errors.push({ field: 'bedCapacity', message: 'is required for a shelter' });
      site.maxStayDays ??= DEFAULT_MAX_STAY_DAYS;
    }
    site.services ??= [];
    if (errors.length) throw validationFailed(errors);
  }

  private async resolveLocation(em: EntityManager, loc: SiteLocationInput, errors: FieldError[]): Promise<Partial<Site>> {
    const area = async (level: number, name: string | undefined, pcode: string | undefined, parent: string | null, field: string) => {
      if (!name && !pcode) return { name: null, pcode: null };
      const row = await this.repo.findAdminArea(em, level, pcode ?? null, name ?? null, parent);
      if (!row) {
        // Places below the reference's level of detail are kept by name without a P-code.
        if (pcode) errors.push({ field: `location.${field}Pcode`, message: `unknown P-code ${pcode}${parent ? ` in ${parent}` : ''}` });
        return { name: name ?? null, pcode: null };
      }
      return { name: row.name, pcode: row.pcode };
    };
    const region = await area(1, loc.region, loc.regionPcode, null, 'region');
    const cercle = await area(2, loc.cercle, loc.cerclePcode, region.pcode, 'cercle');
    return {
      region: region.name,
      regionPcode: region.pcode,
      cercle: cercle.name,
      cerclePcode: cercle.pcode,
      commune: loc.commune ?? null,
      communePcode: loc.communePcode ?? null,
    };
  }
}
