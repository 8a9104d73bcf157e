import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, CursorCodec, DomainError, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import type { Capability, OrganizationKind } from './capabilities.js';
import { Organization } from './organization.entity.js';
import { ORGANIZATION_FIELDS } from './organization.rules.js';

export interface CreateOrganizationInput {
  code: string;
  name: string;
  kind: OrganizationKind;
  capabilities: Capability[];
}
export type UpdateOrganizationInput = Partial<Pick<Organization, 'name' | 'kind' | 'capabilities' | 'active'>>;

const snapshot = (o: Organization) => ({ code: o.code, name: o.name, kind: o.kind, capabilities: o.capabilities, active: o.active });

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
  ) {}

  create(actor: Actor, input: CreateOrganizationInput): Promise<Organization> {
    assertCan(actor, 'create', 'Organization');
    return this.db.transaction(async (em) => {
      if (await em.findOneBy(Organization, { code: input.code })) throw new DomainError('CODE_TAKEN', `Organization code ${input.code} is already in use`);
      const org = em.create(Organization, { ...input, capabilities: [...new Set(input.capabilities)], createdBy: actor.userId, updatedBy: actor.userId });
      await em.save(org);
      await this.audit.record(em, actor, 'organization.created', { type: 'Organization', id: org.id, organizationId: org.id }, { changes: diff(null, snapshot(org)) });
      return org;
    });
  }

  list(actor: Actor, filter: { capability?: string; active?: boolean }, page: PageRequest): Promise<Page<Organization>> {
    const qb = readableBy(this.db.manager, actor, Organization, 'Organization', 'o', ORGANIZATION_FIELDS);
    if (filter.capability) qb.andWhere(':capability = ANY(o.capabilities)', { capability: filter.capability });
    if (filter.active !== undefined) qb.andWhere('o.active = :active', { active: filter.active });
    return paginate(qb, page, { list: 'organizations', columns: [{ expr: 'o.code', cast: 'text' }], direction: 'ASC', keyOf: (o) => [o.code] }, this.cursors);
  }

  async get(actor: Actor, id: string, em: EntityManager = this.db.manager): Promise<Organization> {
    const org = await readableBy(em, actor, Organization, 'Organization', 'o', ORGANIZATION_FIELDS).andWhere('o.id = :id', { id }).getOne();
    if (!org) throw new DomainError('NOT_FOUND', 'Organization not found');
    return org;
  }

  update(actor: Actor, id: string, patch: UpdateOrganizationInput): Promise<Organization> {
    return this.db.transaction(async (em) => {
      const org = await this.get(actor, id, em);
      assertCan(actor, 'update', 'Organization', org);
      const before = snapshot(org);
      // Only the fields given: a DTO instance carries its absent optional fields as own `undefined`
      // properties (class fields), which would blank them in the response and the audit diff.
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as UpdateOrganizationInput;
      Object.assign(org, given, given.capabilities ? { capabilities: [...new Set(given.capabilities)] } : {}, { updatedBy: actor.userId });
      await em.save(org);
      await this.audit.record(em, actor, 'organization.updated', { type: 'Organization', id: org.id, organizationId: org.id }, { changes: diff(before, snapshot(org)) });
      return org;
    });
  }
}
