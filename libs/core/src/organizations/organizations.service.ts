import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, DomainError, type Page, type PageRequest, stampedBy } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import type { Capability, OrganizationKind } from './capabilities.js';
import { Organization } from './organization.entity.js';
import { type OrganizationFilter, OrganizationsRepository } from './organizations.repository.js';

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
    private readonly repo: OrganizationsRepository,
  ) {}

  create(actor: Actor, input: CreateOrganizationInput): Promise<Organization> {
    assertCan(actor, 'create', 'Organization');
    return this.db.transaction(async (em) => {
      if (await this.repo.findByCode(em, input.code)) throw new DomainError('CODE_TAKEN', `Organization code ${input.code} is already in use`);
      const org = em.create(Organization, { ...input, capabilities: [...new Set(input.capabilities)], ...stampedBy(actor) });
      await this.repo.persist(em, org);
      await this.audit.record(em, actor, 'organization.created', { type: 'Organization', id: org.id, organizationId: org.id }, { changes: diff(null, snapshot(org)) });
      return org;
    });
  }

  list(actor: Actor, filter: OrganizationFilter, page: PageRequest): Promise<Page<Organization>> {
    return this.repo.list(this.db.manager, actor, filter, page);
  }

  get(actor: Actor, id: string, em: EntityManager = this.db.manager): Promise<Organization> {
    return this.repo.findVisible(em, actor, id);
  }

  update(actor: Actor, id: string, patch: UpdateOrganizationInput): Promise<Organization> {
    return this.db.transaction(async (em) => {
      const org = await this.repo.findVisible(em, actor, id);
      assertCan(actor, 'update', 'Organization', org);
      const before = snapshot(org);
      // Only the fields given: a DTO instance carries its absent optional fields as own `undefined`
      // properties (class fields), which would blank them in the response and the audit diff.
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as UpdateOrganizationInput;
      Object.assign(org, given, given.capabilities ? { capabilities: [...new Set(given.capabilities)] } : {}, { updatedBy: actor.userId });
      await this.repo.persist(em, org);
      await this.audit.record(em, actor, 'organization.updated', { type: 'Organization', id: org.id, organizationId: org.id }, { changes: diff(before, snapshot(org)) });
      return org;
    });
  }
}
