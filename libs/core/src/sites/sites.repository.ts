import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { Site } from './site.entity.js';

/** The SQL field map of the Site rules (site.rules.ts). */
export const SITE_FIELDS: FieldMap = { id: 's.id', organizationId: 's.organization_id' };

export interface SiteFilter {
  organizationId?: string;
  kind?: string;
  service?: string;
}

/** One level of the OCHA administrative reference (admin_areas). */
export interface AdminArea {
  pcode: string;
  name: string;
}

/** The SQL of sites: the scoped reads, the row lock check-ins and bed changes queue on, the beds taken, the P-code reference. */
@Injectable()
export class SitesRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Site> {
    return readableBy(em, actor, Site, 'Site', 's', SITE_FIELDS);
  }

  list(em: EntityManager, actor: Actor, filter: SiteFilter, page: PageRequest): Promise<Page<Site>> {
    const qb = this.visible(em, actor);
    if (filter.organizationId) qb.andWhere('s.organization_id = :org', { org: filter.organizationId });
    if (filter.kind) qb.andWhere('s.kind = :kind', { kind: filter.kind });
    if (filter.service) qb.andWhere(':service = ANY(s.services)', { service: filter.service });
    return paginate(qb, page, { list: 'sites', columns: [{ expr: 's.name', cast: 'text' }, { expr: 's.id', cast: 'uuid' }], direction: 'ASC', keyOf: (s) => [s.name, s.id] }, this.cursors);
  }

  /** A visible site, else 404 (also when it exists elsewhere: no existence leak). */
  findVisible(em: EntityManager, actor: Actor, id: string): Promise<Site> {
    return this.one(this.visible(em, actor).andWhere('s.id = :id', { id }));
  }

  /** A visible site, row-locked until the transaction `em` ends (else 404): two changes to it run one after the other. */
  lockVisible(em: EntityManager, actor: Actor, id: string): Promise<Site> {
    return this.one(this.visible(em, actor).andWhere('s.id = :id', { id }).setLock('pessimistic_write'));
  }

  private async one(qb: SelectQueryBuilder<Site>): Promise<Site> {
    const found = await qb.getOne();
    if (!found) throw new DomainError('NOT_FOUND', 'Site not found');
    return found;
  }

  /** A site of an organization by its name, or null (the demo seed, idempotent). */
  findByName(em: EntityManager, organizationId: string, name: string): Promise<Site | null> {
    return em.getRepository(Site).findOneBy({ organizationId, name });
  }

  /** A site by id, unscoped (sites are public: the directory), or null. */
  findById(em: EntityManager, id: string): Promise<Site | null> {
    return em.getRepository(Site).findOneBy({ id });
  }

  /**
   * The site row locked as it is now (or null): what check-in and a change of the site's beds
   * both take before counting the beds taken, so neither slips in between the other's count and commit.
   */
  lock(em: EntityManager, id: string): Promise<Site | null> {
    return em.getRepository(Site).createQueryBuilder('s').where('s.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /**
   * The beds of a site taken by active stays (issue 7): counted by check-in and by a change of
   * the site's beds, each under the site's row lock. Here, not in stays/, because a site must know
   * its occupants and the stays feature builds on sites, not the other way round.
   */
  async occupiedBeds(em: EntityManager, siteId: string): Promise<number> {
    const [row] = await em.query(`SELECT count(*)::int AS n FROM stays WHERE site_id = $1 AND status = 'active'`, [siteId]);
    return row.n;
  }

  persist(em: EntityManager, site: Site): Promise<Site> {
    return em.save(site);
  }

  /** The area of `level` matching the P-code and/or the name (accents and case aside) under `parent`, or null. */
  async findAdminArea(em: EntityManager, level: number, pcode: string | null, name: string | null, parent: string | null): Promise<AdminArea | null> {
    const [row] = await em.query(
      `SELECT pcode, name FROM admin_areas WHERE level = $1 AND ($2::text IS NULL OR pcode = $2)
           AND ($3::text IS NULL OR lower(unaccent(name)) = lower(unaccent($3))) AND ($4::text IS NULL OR parent_pcode = $4) LIMIT 1`,
      [level, pcode, name, parent],
    );
    return row ? { pcode: row.pcode as string, name: row.name as string } : null;
  }
}
