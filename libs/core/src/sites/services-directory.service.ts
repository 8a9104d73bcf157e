import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, assertCan, CursorCodec, type Page, type PageRequest, paginate } from '@passerelle/common';

export interface ServiceOffer {
  serviceType: string;
  organization: { id: string; code: string; name: string; kind: string };
  site: { id: string; name: string; kind: string; region: string | null; regionPcode: string | null; cercle: string | null; cerclePcode: string | null; commune: string | null } | null;
}

interface Row {
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
 * The referral pathway map (DESIGN §4): active organizations × their active sites × the services
 * each site offers; a capability no site lists is offered by the organization at large.
 */
@Injectable()
export class ServicesDirectoryService {
  constructor(
    private readonly db: DataSource,
    private readonly cursors: CursorCodec,
  ) {}

  list(actor: Actor, filter: { capability?: string; organizationId?: string; regionPcode?: string }, page: PageRequest): Promise<Page<ServiceOffer>> {
    assertCan(actor, 'read', 'Service');
    const offers = this.db
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
    return paginate<Row>(offers, page, { list: 'services', columns: [{ expr: 'd.k', cast: 'text' }], direction: 'ASC', keyOf: (r) => [r.k] }, this.cursors, { raw: true }).then(
      (p) => ({
        nextCursor: p.nextCursor,
        items: p.items.map((r) => ({
          serviceType: r.service_type,
          organization: { id: r.org_id, code: r.org_code, name: r.org_name, kind: r.org_kind },
          site: r.site_id
            ? { id: r.site_id, name: r.site_name!, kind: r.site_kind!, region: r.region, regionPcode: r.region_pcode, cercle: r.cercle, cerclePcode: r.cercle_pcode, commune: r.commune }
            : null,
        })),
      }),
    );
  }
}
