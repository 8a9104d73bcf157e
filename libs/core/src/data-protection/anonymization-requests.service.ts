import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, type Page, type PageRequest } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { CasesRepository } from '../cases/index.js';
import { AnonymizationRequest } from './anonymization-request.entity.js';
import { type AnonymizationRequestFilter, AnonymizationRequestsRepository } from './anonymization-requests.repository.js';
import { AnonymizationRepository } from './anonymization.repository.js';
import { nextAnonymizationRequestStatus } from './anonymization-status.js';
import { DataProtectionService } from './data-protection.service.js';
import { assertNotAnonymizationRequester } from './data-protection.rules.js';

/**
 * Early anonymization (issue 11): a manager asks to anonymize a closed case before its retention
 * period ends (maker), another manager approves or rejects (checker). Who may do what:
 * data-protection.rules.ts.
 */
@Injectable()
export class AnonymizationRequestsService {
  private readonly logger = new Logger('DataProtection');

  constructor(
    private readonly db: DataSource,
    private readonly requests: AnonymizationRequestsRepository,
    private readonly anonymization: AnonymizationRepository,
    private readonly caseRepo: CasesRepository,
    private readonly dataProtection: DataProtectionService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  /** A manager asks to anonymize a closed case before its retention period ends (maker). */
  requestAnonymization(actor: Actor, caseId: string): Promise<AnonymizationRequest> {
    return this.db.transaction(async (em) => {
      const c = await this.caseRepo.lockVisible(em, actor, caseId); // 404
      assertCan(actor, 'create', 'AnonymizationRequest', { owningOrganizationId: c.owningOrganizationId }); // 403
      if (c.anonymizedAt) throw new DomainError('CASE_ANONYMIZED', 'The case is already anonymized');
      if (c.status !== 'closed') throw new DomainError('CONFLICT', 'Only a closed case may be anonymized early: close it first');
      if (await this.requests.hasPending(em, c.id)) {
        throw new DomainError('CONFLICT', 'An anonymization request for this case is already pending');
      }
      const r = em.create(AnonymizationRequest, {
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        status: 'pending',
        requestedBy: actor.userId!,
        requestedAt: this.clock.now(),
        decidedBy: null,
        decidedAt: null,
        decisionReason: null,
      });
      await this.requests.insert(em, r);
      await this.audit.record(em, actor, 'anonymization.requested', this.target(r), { changes: { status: { new: 'pending' } }, details: { caseId: c.id } });
      return r;
    });
  }

  /**
   * A second manager approves (checker): the case is anonymized in the same transaction, so the
   * approval and its effect commit together and the approver sees the result at once.
   */
  async approve(actor: Actor, id: string): Promise<AnonymizationRequest> {
    let words: string[] = [];
    const r = await this.db.transaction(async (em) => {
      const r = await this.decide(em, actor, id, 'approve');
      // The case row is locked (decide) as the retention job locks it: one of the two anonymizes.
      const c = await this.anonymization.caseState(em, r.caseId);
      if (!c.anonymized_at) {
        if (c.status !== 'closed') throw new DomainError('CONFLICT', 'The case was reopened since the request: it may not be anonymized now');
        await this.dataProtection.assertEveryTableClaimed(em);
        words = await this.dataProtection.anonymizeLocked(em, [r.caseId], 'request', actor, this.clock.now(), r.id);
      }
      await this.requests.updateDecision(em, r, false);
      await this.audit.record(em, actor, 'anonymization.approved', this.target(r), { changes: { status: { old: 'pending', new: 'approved' } }, details: { caseId: r.caseId } });
      return r;
    });
    await this.dataProtection.pruneNameVocabulary(words).catch((e: Error) => this.logger.warn(`name vocabulary not pruned now (the retention job will): ${e.message}`));
    return r;
  }

  reject(actor: Actor, id: string, reason: string | null): Promise<AnonymizationRequest> {
    return this.db.transaction(async (em) => {
      const r = await this.decide(em, actor, id, 'reject');
      r.decisionReason = reason;
      await this.requests.updateDecision(em, r, true);
      await this.audit.record(em, actor, 'anonymization.rejected', this.target(r), {
        changes: { status: { old: 'pending', new: 'rejected' } },
        details: { caseId: r.caseId, ...(reason ? { reason } : {}) },
      });
      return r;
    });
  }

  list(actor: Actor, filter: AnonymizationRequestFilter, page: PageRequest): Promise<Page<AnonymizationRequest>> {
    return this.requests.list(this.db.manager, actor, filter, page);
  }

  /**
   * Request (404) → role (403) → never the requester (403) → pending (409). The case row is
   * locked before the request's, in the order the retention job takes them: no deadlock.
   */
  private async decide(em: EntityManager, actor: Actor, id: string, action: 'approve' | 'reject'): Promise<AnonymizationRequest> {
    const r = await this.requests.lockVisible(em, actor, id);
    assertCan(actor, action, 'AnonymizationRequest', r);
    assertNotAnonymizationRequester(actor, r, action);
    r.status = nextAnonymizationRequestStatus(r.status, action);
    r.decidedBy = actor.userId;
    r.decidedAt = this.clock.now();
    return r;
  }

  private target(r: AnonymizationRequest) {
    return { type: 'AnonymizationRequest', id: r.id, organizationId: r.owningOrganizationId };
  }
}
