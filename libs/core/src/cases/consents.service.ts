import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, validationFailed } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import type { ConsentPurpose } from './case-vocabulary.js';
import type { ConsentInput } from './case.types.js';
import { assertNotAnonymized, caseTarget } from './case-data.js';
import { CasesRepository } from './cases.repository.js';
import type { Consent } from './consent.entity.js';
import { ConsentsRepository } from './consents.repository.js';

/** Consents per purpose (DESIGN §3); withdrawal takes effect at once. */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly db: DataSource,
    private readonly caseRepo: CasesRepository,
    private readonly repo: ConsentsRepository,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  record(actor: Actor, caseId: string, input: ConsentInput): Promise<Consent> {
    return this.db.transaction(async (em) => {
      const c = await this.caseRepo.lockVisible(em, actor, caseId);
      assertCan(actor, 'update', 'Case', c);
      assertNotAnonymized(c);
      const orgs = [...new Set(input.organizationIds ?? [])];
      if (orgs.length && !(await this.repo.organizationsExist(em, orgs))) {
        throw validationFailed([{ field: 'organizationIds', message: 'every organization must exist' }]);
      }
      const consent = await this.repo.insert(em, c, { ...input, organizationIds: orgs }, actor.userId, this.clock.now());
      await this.audit.record(em, actor, 'consent.recorded', caseTarget(c), { details: { consentId: consent.id, purpose: consent.purpose, basis: consent.basis, organizationIds: orgs } });
      return consent;
    });
  }

  withdraw(actor: Actor, caseId: string, consentId: string, reason?: string): Promise<Consent> {
    return this.db.transaction(async (em) => {
      const c = await this.caseRepo.lockVisible(em, actor, caseId);
      assertCan(actor, 'update', 'Case', c);
      const consent = await this.repo.lock(em, c.id, consentId);
      if (consent.withdrawnAt) throw new DomainError('INVALID_TRANSITION', 'The consent is already withdrawn');
      Object.assign(consent, { withdrawnAt: this.clock.now(), withdrawnBy: actor.userId, withdrawalReason: reason ?? null });
      await this.repo.persist(em, consent);
      await this.audit.record(em, actor, 'consent.withdrawn', caseTarget(c), { details: { consentId: consent.id, purpose: consent.purpose } });
      return consent;
    });
  }

  /** The case's consents, newest first: part of its record (403 to a shared view). */
  async list(actor: Actor, caseId: string): Promise<Consent[]> {
    const c = await this.caseRepo.findVisible(this.db.manager, actor, caseId);
    assertCan(actor, 'read', 'Case', c, 'record');
    return this.repo.ofCase(this.db.manager, c.id);
  }

  /** An active consent for `purpose` covering `organizationId` (none listed: covers all). */
  activeFor(em: EntityManager, caseId: string, purpose: ConsentPurpose, organizationId?: string): Promise<Consent | null> {
    return this.repo.activeFor(em, caseId, purpose, organizationId);
  }
}
