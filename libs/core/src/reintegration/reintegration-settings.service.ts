import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, assertCan, DomainError } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import type { ReintegrationSettings } from './reintegration.types.js';
import { ReintegrationSettingsRepository } from './reintegration-settings.repository.js';

/** An organization's reintegration settings (issue 10): the budget ceiling above which two managers approve. */
@Injectable()
export class ReintegrationSettingsService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: ReintegrationSettingsRepository,
    private readonly audit: AuditWriter,
  ) {}

  /** The organization's reintegration settings: its budget ceiling (any signed-in user: no personal data). */
  async get(orgId: string): Promise<ReintegrationSettings> {
    const org = await this.repo.find(this.db.manager, orgId);
    if (!org) throw new DomainError('NOT_FOUND', 'Organization not found');
    return { organizationId: org.id, budgetCeilingXof: org.reintegrationBudgetCeilingXof };
  }

  /** Issue 10: the organization's admin sets the ceiling (null: none); plans already submitted keep theirs. */
  update(actor: Actor, orgId: string, input: { budgetCeilingXof: number | null }): Promise<ReintegrationSettings> {
    return this.db.transaction(async (em) => {
      const org = await this.repo.lock(em, orgId);
      if (!org) throw new DomainError('NOT_FOUND', 'Organization not found');
      // Organizations are public (the directory): another one is visible, not yours to configure (403).
      assertCan(actor, 'update', 'ReintegrationSettings', { organizationId: org.id });
      const before = { reintegrationBudgetCeilingXof: org.reintegrationBudgetCeilingXof };
      await this.repo.setBudgetCeiling(em, org.id, input.budgetCeilingXof, actor.userId);
      await this.audit.record(em, actor, 'organization.reintegration_settings_updated', { type: 'Organization', id: org.id, organizationId: org.id }, {
        changes: diff(before, { reintegrationBudgetCeilingXof: input.budgetCeilingXof }),
      });
      return { organizationId: org.id, budgetCeilingXof: input.budgetCeilingXof };
    });
  }
}
