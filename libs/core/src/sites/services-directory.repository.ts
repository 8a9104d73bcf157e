import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CursorCodec, type Page, type PageRequest, paginate } from '@passerelle/common';

export interface ServicesDirectoryFilter {
  capability?: string;
  organizationId?: string;
  regionPcode?: string;
}

/** One row of the directory: a service of an organization, at one of its sites or at large. */
export interface ServiceOfferRow {
  service_type: string;
  org_id: string;
  org_code: string;
  org_name: string;
  org_kind: string;
  site_id: string | null;
  site_name: string | null;
  site_kind: string | null;
  region: string | null;
  region_pcode: string | null;
  cercle: string | null;
  cercle_pcode: string | null;
  commune: string | null;
  k: string;
}

/**
 * The SQL of the referral pathway map (DESIGN §4): active organizations × their active sites ×
 * the services each site offers; a capability no site lists is offered by the organization at large.
 */
@Injectable()
export class ServicesDirectoryRepository {
  constructor(
    private readonly db: DataSource,
    private readonly cursors: CursorCodec,
  ) {}

  list(filter: ServicesDirectoryFilter, page: PageRequest, em: EntityManager = this.db.manager): Promise<Page<ServiceOfferRow>> {
    const offers = em
      .createQueryBuilder()
      .select('d.*')
      .from(
        `(SELECT svc AS service_type, o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind,
                 s.id AS site_id, s.name AS site_name, s.kind AS site_kind, s.region, s.region_pcode, s.cercle, s.cercle_pcode, s.commune,
                 o.code || '|' || svc || '|' || coalesce(s.name, '') || '|' || coalesce(s.id::text, '') AS k
          FROM organizations o CROSS JOIN LATERAL unnest(o.capabilities) svc
          LEFT JOIN sites s ON s.organization_id = o.id AND s.active AND svc = ANY(s.services)
          WHERE o.active AND (s.id IS NOT NULL OR NOT EXISTS (
            SELECT 1 FROM sites s2 WHERE s2.organization_id = o.id AND s2.active AND svc = ANY(s2.services))))`,
        'd',
      );
    if (filter.capability) offers.andWhere('d.service_type = :capability', { capability: filter.capability });
    if (filter.organizationId) offers.andWhere('d.org_id = :org', { org: filter.organizationId });
    if (filter.regionPcode) offers.andWhere('d.region_pcode = :region', { region: filter.regionPcode });
    return paginate<ServiceOfferRow>(offers, page, { list: 'services', columns: [{ expr: 'd.k', cast: 'text' }], direction: 'ASC', keyOf: (r) => [r.k] }, this.cursors, { raw: true });
  }
}
