import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { Organization } from './organization.entity.js';

/** The SQL of the CASL conditions of organization.rules.ts. */
export const ORGANIZATION_FIELDS: FieldMap = { id: 'o.id' };

export interface OrganizationFilter {
  capability?: string;
  active?: boolean;
}

/**
 * The SQL of organizations: the directory an actor may read (organization.rules.ts in SQL), one
 * organization under those rules, by code, and whether one is active (sign-in and token refresh).
 * Takes `em` first and never opens a transaction.
 */
@Injectable()
export class OrganizationsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Organization> {
    return readableBy(em, actor, Organization, 'Organization', 'o', ORGANIZATION_FIELDS);
  }

  /** A visible organization, else 404. */
  async findVisible(em: EntityManager, actor: Actor, id: string): Promise<Organization> {
    const org = await this.visible(em, actor).andWhere('o.id = :id', { id }).getOne();
    if (!org) throw new DomainError('NOT_FOUND', 'Organization not found');
    return org;
  }

  list(em: EntityManager, actor: Actor, filter: OrganizationFilter, page: PageRequest): Promise<Page<Organization>> {
    const qb = this.visible(em, actor);
    if (filter.capability) qb.andWhere(':capability = ANY(o.capabilities)', { capability: filter.capability });
    if (filter.active !== undefined) qb.andWhere('o.active = :active', { active: filter.active });
    return paginate(qb, page, { list: 'organizations', columns: [{ expr: 'o.code', cast: 'text' }], direction: 'ASC', keyOf: (o) => [o.code] }, this.cursors);
  }

  /** An organization by id, unscoped (the directory is public to staff), or null. */
  findById(em: EntityManager, id: string): Promise<Organization | null> {
    return em.findOneBy(Organization, { id });
  }

  /** An organization that must exist (the actor's own, a referral's): a missing one is a bug, not a 404. */
  getById(em: EntityManager, id: string): Promise<Organization> {
    return em.findOneByOrFail(Organization, { id });
  }

  persist(em: EntityManager, org: Organization): Promise<Organization> {
    return em.save(org);
  }

  findByCode(em: EntityManager, code: string): Promise<Organization | null> {
    return em.findOneBy(Organization, { code });
  }

  /** The organization's `active` flag (undefined if there is no such organization). */
  async isActive(em: EntityManager, id: string): Promise<boolean | undefined> {
    const [row] = await em.query('SELECT active FROM organizations WHERE id = $1', [id]);
    return row?.active;
  }
}
