import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, canOn, Clock, DEFAULT_LIMIT, DomainError, FieldCipher, type Page, type PageRequest, staleVersion, stampedBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff, SubjectKeys } from '../audit/index.js';
import { JobRegistry } from '../jobs/index.js';
import { allocateNumber } from '../numbering/index.js';
import { SitesRepository } from '../sites/index.js';
import { UsersRepository } from '../users/index.js';
import { CaseCloseChecks } from './case-close-checks.js';
import { applyIdentity, applyVulnerabilities, assertNotAnonymized, caseIdentity, caseSnapshot, caseTarget } from './case-data.js';
import type { CaseNote } from './case-note.entity.js';
import { CaseNotesService } from './case-notes.service.js';
import { CaseSearchRepository, isCaseNumber } from './case-search.repository.js';
import { nextCaseStatus } from './case-status.js';
import type { ClosureReason } from './case-vocabulary.js';
import { Case } from './case.entity.js';
import { assertMayRegisterAt, CASE_FIELDS_READ, type CaseField } from './case.rules.js';
import type { CaseFilter, CaseView, RegisterCaseInput, SensitiveSection, UpdateCaseInput } from './case.types.js';
import { CasesRepository } from './cases.repository.js';
import { ConsentsRepository } from './consents.repository.js';

export const REENCRYPT_JOB = 'cases.reencrypt-sensitive';

/**
 * The case file's life: register, read, search, edit, assign, close, reopen (DESIGN §3). Who may
 * do each: case.rules.ts. Notes and timeline: CaseNotesService; duplicates: CaseDuplicatesService;
 * consents, screenings: their services. The SQL: CasesRepository, CaseSearchRepository.
 */
@Injectable()
export class CasesService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditWriter,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly closeChecks: CaseCloseChecks,
    private readonly jobs: JobRegistry,
    private readonly subjectKeys: SubjectKeys,
    private readonly repo: CasesRepository,
    private readonly search: CaseSearchRepository,
    private readonly consents: ConsentsRepository,
    private readonly notesService: CaseNotesService,
    private readonly sites: SitesRepository,
    private readonly users: UsersRepository,
  ) {}

  onModuleInit(): void {
    // Key rotation re-encrypts the sensitive sections and re-wraps the cases' audit data keys.
    this.jobs.register({ name: REENCRYPT_JOB, cron: '17 * * * *', run: async () => void (await this.reencryptSensitive(), await this.subjectKeys.rewrap()) });
  }

  async register(actor: Actor, input: RegisterCaseInput): Promise<CaseView> {
    // DESIGN §3: registration needs a registration consent or the vital-interest basis.
    const consent = input.consent;
    if (!consent || (consent.purpose !== 'registration' && consent.basis !== 'vital_interest')) {
      throw new DomainError('CONSENT_REQUIRED', 'Registration needs a registration consent or the vital-interest basis', { errors: [{ field: 'consent', message: 'a registration consent (or basis vital_interest) is required' }], status: 400 });
    }
    assertCan(actor, 'create', 'Case', { owningOrganizationId: actor.organizationId });
    const site = await this.sites.findById(this.db.manager, input.siteId);
    if (!site || !site.active) throw validationFailed([{ field: 'siteId', message: 'must be an active site of your organization' }]);
    // Sites are public (the directory): another organization's site is visible, not yours to use (DESIGN §2: 403).
    if (site.organizationId !== actor.organizationId) throw new DomainError('FORBIDDEN', 'You may register cases only at sites of your organization');
    assertMayRegisterAt(actor, site.id);
    const now = this.clock.now();
    const year = now.getUTCFullYear();
    const c = this.db.manager.create(Case, {
      id: randomUUID(),
      owningOrganizationId: site.organizationId,
      siteId: site.id,
      status: 'open',
      closureReason: null,
      closedAt: null,
      version: 1,
      assignedTo: null,
      householdId: input.householdId ?? null,
      registeredAt: now,
      contact: input.contact ?? {},
      documents: input.documents ?? [],
      journey: input.journey ?? {},
      migrantCategory: input.migrantCategory ?? null,
      household: input.household ?? {},
      ...stampedBy(actor),
    });
    applyIdentity(c, input.identity, this.clock.now());
    applyVulnerabilities(c, input.vulnerabilities ?? [], actor, now);
    this.applySensitive(c, input.sensitive);
    // The number after every validation, outside the registration's transaction (allocateNumber):
    // a refused registration uses none; one failing past this point leaves a gap, never a duplicate.
    const n = await allocateNumber(this.db, `case:${site.organizationId}`, year);
    c.caseNumber = `${actor.organizationCode}-${year}-${String(n).padStart(6, '0')}`;
    return this.db.transaction(async (em) => {
      await this.repo.insert(em, c);
      const k = await this.consents.insert(em, c, consent, actor.userId, now);
      // The registration's consent in the registration's event (as consent.recorded details it).
      await this.audit.record(em, actor, 'case.created', caseTarget(c), {
        changes: diff(null, caseSnapshot(c, input.sensitive !== undefined)),
        details: { consentId: k.id, purpose: k.purpose, basis: k.basis, method: k.method },
      });
      return { case: c, fields: this.fieldsOf(actor, c), sensitive: input.sensitive ?? null };
    });
  }

  /** One case as the actor may see it; the read is audited (DESIGN §7). */
  async get(actor: Actor, id: string): Promise<CaseView> {
    const c = await this.repo.findVisible(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'case.viewed', caseTarget(c));
    return this.view(actor, c);
  }

  async list(actor: Actor, filter: CaseFilter, page: PageRequest): Promise<Page<CaseView>> {
    const q = filter.q?.trim();
    const limit = page.limit ?? DEFAULT_LIMIT;
    // Accent- and case-insensitive, typo- and variant-tolerant, by word: every word of the
    // query matches a word of the names, in any order (DESIGN §3; case-search.repository.ts). Ranked by
    // relevance: one page of the best `limit` matches (nextCursor null); refine to see others.
    if (q && !isCaseNumber(q)) return { items: await this.search.byName(this.db.manager, actor, filter, q, limit), nextCursor: null };
    // Newest first, a keyset page walking the scope's branches (CaseSearchRepository.page).
    return this.search.page(this.db.manager, actor, filter, page, limit);
  }

  update(actor: Actor, id: string, expectedVersion: number, patch: UpdateCaseInput): Promise<CaseView> {
    return this.db.transaction(async (em) => {
      const c = await this.repo.findVisible(em, actor, id);
      assertCan(actor, 'update', 'Case', c);
      assertNotAnonymized(c);
      if (patch.sensitive !== undefined) assertCan(actor, 'read', 'Case', c, 'sensitive');
      if (c.version !== expectedVersion) throw staleVersion('case', c.version);
      const before = caseSnapshot(c);
      const now = this.clock.now();
      if (patch.identity) {
        // Only the fields given: a DTO instance carries its absent optional fields as own `undefined`.
        // null clears a field: no date of birth (the year only), no year, no nationality.
        const given = Object.fromEntries(Object.entries(patch.identity).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v ?? undefined]));
        applyIdentity(c, { ...caseIdentity(c), ...given }, this.clock.now());
      }
      if (patch.contact !== undefined) c.contact = patch.contact;
      if (patch.documents !== undefined) c.documents = patch.documents;
      if (patch.journey !== undefined) c.journey = patch.journey;
      if (patch.migrantCategory !== undefined) c.migrantCategory = patch.migrantCategory;
      if (patch.household !== undefined) c.household = patch.household;
      if (patch.householdId !== undefined) c.householdId = patch.householdId;
      if (patch.vulnerabilities !== undefined) applyVulnerabilities(c, patch.vulnerabilities, actor, now);
      if (patch.sensitive !== undefined) this.applySensitive(c, patch.sensitive);
      await this.repo.persist(em, c, expectedVersion, actor.userId);
      await this.audit.record(em, actor, 'case.updated', caseTarget(c), { changes: diff(before, caseSnapshot(c, patch.sensitive !== undefined)) });
      return this.view(actor, c, em);
    });
  }

  assign(actor: Actor, id: string, userId: string): Promise<CaseView> {
    return this.db.transaction(async (em) => {
      // Locked like close/reopen: an action without If-Match must not fail on a concurrent edit.
      const c = await this.repo.lockVisible(em, actor, id);
      assertCan(actor, 'assign', 'Case', c);
      const user = await this.users.findById(em, userId);
      if (!user || user.organizationId !== c.owningOrganizationId || !user.active || !user.roles.some((r) => r === 'caseworker' || r === 'manager')) {
        throw validationFailed([{ field: 'userId', message: 'must be an active caseworker or manager of the case’s organization' }]);
      }
      const before = caseSnapshot(c);
      c.assignedTo = user.id;
      await this.repo.persist(em, c, c.version, actor.userId);
      await this.audit.record(em, actor, 'case.assigned', caseTarget(c), { changes: diff(before, caseSnapshot(c)) });
      return this.view(actor, c, em);
    });
  }

  close(actor: Actor, id: string, reason: ClosureReason): Promise<CaseView> {
    return this.db.transaction(async (em) => {
      const c = await this.repo.lockVisible(em, actor, id);
      assertCan(actor, 'close', 'Case', c);
      const status = nextCaseStatus(c.status, 'close');
      const blockers = await this.closeChecks.blockers(em, c.id, reason);
      if (blockers.length) throw new DomainError('CASE_NOT_CLOSABLE', `The case cannot be closed: ${blockers.join('; ')}`, { extra: { blockers } });
      const before = caseSnapshot(c);
      Object.assign(c, { status, closureReason: reason, closedAt: this.clock.now() });
      await this.repo.persist(em, c, c.version, actor.userId);
      await this.audit.record(em, actor, 'case.closed', caseTarget(c), { changes: diff(before, caseSnapshot(c)) });
      return this.view(actor, c, em);
    });
  }

  reopen(actor: Actor, id: string): Promise<CaseView> {
    return this.db.transaction(async (em) => {
      const c = await this.repo.lockVisible(em, actor, id);
      assertCan(actor, 'reopen', 'Case', c);
      assertNotAnonymized(c);
      const before = caseSnapshot(c);
      Object.assign(c, { status: nextCaseStatus(c.status, 'reopen'), closureReason: null, closedAt: null });
      await this.repo.persist(em, c, c.version, actor.userId);
      await this.audit.record(em, actor, 'case.reopened', caseTarget(c), { changes: diff(before, caseSnapshot(c)) });
      return this.view(actor, c, em);
    });
  }

  /** Adds a note to the case file (CaseNotesService.addNote). */
  addNote(actor: Actor, id: string, text: string): Promise<CaseNote> {
    return this.notesService.addNote(actor, id, text);
  }

  /** The case's timeline (CaseNotesService.timeline). */
  timeline(actor: Actor, id: string, page: PageRequest) {
    return this.notesService.timeline(actor, id, page);
  }

  /** A visible case whose record (notes, timeline, consents, …) the actor may read: the owning org's, never a shared view (403). */
  async getRecord(em: EntityManager, actor: Actor, id: string): Promise<Case> {
    const c = await this.repo.findVisible(em, actor, id);
    assertCan(actor, 'read', 'Case', c, 'record');
    return c;
  }

  /** The fields of `c` the actor may read, of `among` (all of them by default): one CASL check each. */
  fieldsOf(actor: Actor, c: Case, among: readonly CaseField[] = CASE_FIELDS_READ): CaseField[] {
    return among.filter((f) => canOn(actor, 'read', 'Case', c, f));
  }

  target(c: Case) {
    return caseTarget(c);
  }

  /** Re-encrypts sensitive sections written under an older key, in batches, while serving (DESIGN §7). */
  async reencryptSensitive(batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.db.transaction(async (em) => {
        const rows = await this.repo.lockSealedUnder(em, this.cipher.currentKeyId, batch);
        for (const r of rows) {
          const sealed = this.cipher.encrypt(this.cipher.decrypt({ keyId: r.sensitive_key_id, data: r.sensitive_ciphertext }, r.id), r.id);
          await this.repo.reseal(em, r.id, sealed);
        }
        return rows.length;
      });
      total += n;
      if (n < batch) return total;
    }
  }

  /** Reads through `em`: inside a write's transaction, the section as this transaction left it. */
  async view(actor: Actor, c: Case, em: EntityManager = this.db.manager): Promise<CaseView> {
    const fields = this.fieldsOf(actor, c);
    return { case: c, fields, sensitive: fields.includes('sensitive') ? await this.decryptSensitive(em, c.id) : undefined };
  }

  private async decryptSensitive(em: EntityManager, id: string): Promise<SensitiveSection | null> {
    const row = await this.repo.sensitiveOf(em, id);
    if (!row) return null;
    return this.cipher.decrypt<SensitiveSection>({ keyId: row.sensitive_key_id, data: row.sensitive_ciphertext }, id);
  }

  private applySensitive(c: Case, sensitive: SensitiveSection | undefined): void {
    if (sensitive === undefined) return;
    const empty = !sensitive || Object.values(sensitive).every((v) => v === undefined || v === '' || (Array.isArray(v) && !v.length));
    if (empty) {
      c.sensitiveCiphertext = null;
      c.sensitiveKeyId = null;
      return;
    }
    const sealed = this.cipher.encrypt(sensitive, c.id);
    c.sensitiveCiphertext = sealed.data;
    c.sensitiveKeyId = sealed.keyId;
  }
}
