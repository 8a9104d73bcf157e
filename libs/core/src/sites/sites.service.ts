import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, CursorCodec, DomainError, type FieldError, type Page, type PageRequest, paginate, readableBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import type { Capability } from '../organizations/index.js';
import { Organization } from '../organizations/index.js';
import { OrganizationsService } from '../organizations/index.js';
import { Site, type SiteKind } from './site.entity.js';
import { SITE_FIELDS } from './site.rules.js';

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

export const DEFAULT_MAX_STAY_DAYS = 10;

/**
 * The beds of a site taken by active stays (issue 7): counted by check-in and by a change of
 * the site's beds, each under the site's row lock. Here, not in stays/, because a site must know
 * its occupants and the stays feature builds on sites, not the other way round.
 */
export async function occupiedBeds(em: EntityManager, siteId: string): Promise<number> {
  const [row] = await em.query(`SELECT count(*)::int AS n FROM stays WHERE site_id = $1 AND status = 'active'`, [siteId]);
  return row.n;
}

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
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
    private readonly organizations: OrganizationsService,
  ) {}

  create(actor: Actor, organizationId: string, input: CreateSiteInput): Promise<Site> {
    return this.db.transaction(async (em) => this.createIn(em, actor, await this.organizations.get(actor, organizationId, em), input));
  }

  async createIn(em: EntityManager, actor: Actor, org: Organization, input: CreateSiteInput): Promise<Site> {
    assertCan(actor, 'create', 'Site', { organizationId: org.id });
    const site = em.create(Site, { organizationId: org.id, createdBy: actor.userId, updatedBy: actor.userId, active: true });
    await this.apply(em, org, site, input);
    await em.save(site);
    await this.audit.record(em, actor, 'site.created', { type: 'Site', id: site.id, organizationId: org.id }, { changes: diff(null, snapshot(site)) });
    return site;
  }

  list(actor: Actor, filter: { organizationId?: string; kind?: string; service?: string }, page: PageRequest): Promise<Page<Site>> {
    const qb = readableBy(this.db.manager, actor, Site, 'Site', 's', SITE_FIELDS);
    if (filter.organizationId) qb.andWhere('s.organization_id = :org', { org: filter.organizationId });
    if (filter.kind) qb.andWhere('s.kind = :kind', { kind: filter.kind });
    if (filter.service) qb.andWhere(':service = ANY(s.services)', { service: filter.service });
    return paginate(qb, page, { list: 'sites', columns: [{ expr: 's.name', cast: 'text' }, { expr: 's.id', cast: 'uuid' }], direction: 'ASC', keyOf: (s) => [s.name, s.id] }, this.cursors);
  }

  async get(actor: Actor, id: string, em: EntityManager = this.db.manager, lock = false): Promise<Site> {
    const qb = readableBy(em, actor, Site, 'Site', 's', SITE_FIELDS).andWhere('s.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const site = await qb.getOne();
    if (!site) throw new DomainError('NOT_FOUND', 'Site not found');
    return site;
  }

  update(actor: Actor, id: string, patch: UpdateSiteInput): Promise<Site> {
    return this.db.transaction(async (em) => {
      const site = await this.get(actor, id, em, true);
      assertCan(actor, 'update', 'Site', site);
      const before = snapshot(site);
      const org = await em.findOneByOrFail(Organization, { id: site.organizationId });
      await this.apply(em, org, site, patch);
      if (patch.active !== undefined) site.active = patch.active;
      if (patch.bedCapacity !== undefined || patch.kind !== undefined || patch.active !== undefined) await this.keepBedsForOccupants(em, site);
      site.updatedBy = actor.userId;
      await em.save(site);
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
    const occupied = await occupiedBeds(em, site.id);
    const beds = site.active && site.kind === 'shelter' ? (site.bedCapacity ?? 0) : 0;
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
      const [row] = await em.query(
        `SELECT pcode, name FROM admin_areas WHERE level = $1 AND ($2::text IS NULL OR pcode = $2)
           AND ($3::text IS NULL OR lower(unaccent(name)) = lower(unaccent($3))) AND ($4::text IS NULL OR parent_pcode = $4) LIMIT 1`,
        [level, pcode ?? null, name ?? null, parent],
      );
      if (!row) {
        // Places below the reference's level of detail are kept by name without a P-code.
        if (pcode) errors.push({ field: `location.${field}Pcode`, message: `unknown P-code ${pcode}${parent ? ` in ${parent}` : ''}` });
        return { name: name ?? null, pcode: null };
      }
      return { name: row.name as string, pcode: row.pcode as string };
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
