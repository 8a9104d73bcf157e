import { Injectable } from '@nestjs/common';
import { type Actor, assertCan, type Page, type PageRequest } from '@passerelle/common';
import { ServicesDirectoryRepository } from './services-directory.repository.js';

export interface ServiceOffer {
  serviceType: string;
  organization: { id: string; code: string; name: string; kind: string };
  site: { id: string; name: string; kind: string; region: string | null; regionPcode: string | null; cercle: string | null; cerclePcode: string | null; commune: string | null } | null;
}

/**
 * The referral pathway map (DESIGN §4): active organizations × their active sites × the services
 * each site offers; a capability no site lists is offered by the organization at large.
 */
@Injectable()
export class ServicesDirectoryService {
  constructor(private readonly repo: ServicesDirectoryRepository) {}

  async list(actor: Actor, filter: { capability?: string; organizationId?: string; regionPcode?: string }, page: PageRequest): Promise<Page<ServiceOffer>> {
    assertCan(actor, 'read', 'Service');
    const p = await this.repo.list(filter, page);
    return {
      nextCursor: p.nextCursor,
      items: p.items.map((r) => ({
        serviceType: r.service_type,
        organization: { id: r.org_id, code: r.org_code, name: r.org_name, kind: r.org_kind },
        site: r.site_id
          ? { id: r.site_id, name: r.site_name!, kind: r.site_kind!, region: r.region, regionPcode: r.region_pcode, cercle: r.cercle, cerclePcode: r.cercle_pcode, commune: r.commune }
          : null,
      })),
    };
  }
}
