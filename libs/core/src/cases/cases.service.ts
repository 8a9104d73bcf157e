import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import {
  type Actor,
  assertCan,
  canOn,
  Clock,
  CursorCodec,
  DEFAULT_LIMIT,
  DomainError,
  FieldCipher,
  type Page,
  type PageRequest,
  paginate,
  keyset,
  pageOf,
  preparedQuery,
  readableBy,
  readableByBranches,
  scopeWhere,
  validationFailed,
} from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { openEvents } from '../audit/index.js';
import { SubjectKeys } from '../audit/index.js';
import { JobRegistry } from '../jobs/index.js';
import { allocateNumber } from '../numbering/index.js';
import { Site } from '../sites/index.js';
import { User } from '../users/index.js';
import { CaseCloseChecks } from './case-close-checks.js';
import { CaseNote } from './case-note.entity.js';
import { nextCaseStatus } from './case-status.js';
import type { ClosureReason, Vulnerability } from './case-vocabulary.js';
import { Case } from './case.entity.js';
import { CASE_FIELDS, CASE_FIELDS_READ, CASE_SCOPE_FIELD, type CaseField } from './case.rules.js';
import { type CaseRow, caseRowsSql, caseViewFromRow, NAME_SEARCH_CASE_CONDITION, nameSearchSql } from './name-search.js';
import type { CaseFilter, CaseView, ConsentInput, DuplicateProbe, RegisterCaseInput, SensitiveSection, UpdateCaseInput } from './case.types.js';
import { Consent } from './consent.entity.js';
import { CasesRepository } from './cases.repository.js';

export const REENCRYPT_JOB = 'cases.reencrypt-sensitive';
/** What a list row shows beyond the identity (toCaseSummary). */
const ROW_FIELDS: CaseField[] = ['record', 'vulnerabilities'];
/** The case list: newest first, by registration time then id (the same values in every branch). */
const CASE_LIST = { list: 'cases', direction: 'DESC' as const };
const CASE_LIST_KEY = (registeredAt: string, id: string) => [
  { expr: registeredAt, cast: 'timestamptz' as const },
  { expr: id, cast: 'uuid' as const },
];
const CASE_NUMBER = /^[A-Z0-9-]{2,20}-\d{4}-\d{6}$/;
/** Columns a case update may write (never ids, owner, number or the search key). */
const UPDATABLE: (keyof Case)[] = [
  'status', 'closureReason', 'closedAt', 'assignedTo', 'householdId', 'givenName', 'familyName', 'otherNames', 'sex', 'dateOfBirth',
  'birthYear', 'birthDateEstimated', 'nationality', 'languages', 'contact', 'documents', 'journey', 'migrantCategory', 'vulnerabilities', 'vulnerabilityFlags', 'household',
];

/** What the audit trail records of a case: identity and sections, never the sensitive values. */
const snapshot = (c: Case, sensitiveChanged = false) => ({
  givenName: c.givenName,
  familyName: c.familyName,
  otherNames: c.otherNames,
  sex: c.sex,
  dateOfBirth: c.dateOfBirth,
  birthYear: c.birthYear,
  nationality: c.nationality,
  languages: c.languages,
  contact: c.contact,
  documents: c.documents,
  journey: c.journey,
  migrantCategory: c.migrantCategory,
  vulnerabilities: c.vulnerabilityFlags,
  household: c.household,
  householdId: c.householdId,
  siteId: c.siteId,
  assignedTo: c.assignedTo,
  status: c.status,
  closureReason: c.closureReason,
  ...(sensitiveChanged ? { sensitive: '(changed)' } : {}),
});

/** The identity section of a case, as given in and shown back (absent values omitted). */
export function caseIdentity(c: Case) {
  return {
    givenName: c.givenName,
    familyName: c.familyName,
    otherNames: c.otherNames,
    sex: c.sex,
    dateOfBirth: c.dateOfBirth ?? undefined,
    birthYear: c.birthYear ?? undefined,
    birthDateEstimated: c.birthDateEstimated,
    nationality: c.nationality ?? undefined,
    languages: c.languages,
  };
}

/** Issue 11: an anonymized case takes no personal data any more (409; cases_anonymized_check backs it). */
export function assertNotAnonymized(c: Pick<Case, 'anonymizedAt'>): void {
  if (c.anonymizedAt) throw new DomainError('CASE_ANONYMIZED', 'The case is anonymized: it holds no personal data any more and takes none');
}

export function isChild(c: Pick<Case, 'dateOfBirth' | 'birthYear' | 'vulnerabilityFlags'>, today: Date): boolean {
  if (c.vulnerabilityFlags.some((f) => f === 'unaccompanied_child' || f === 'separated_child')) return true;
  const born = c.dateOfBirth ? new Date(`${c.dateOfBirth}T00:00:00Z`) : c.birthYear ? new Date(Date.UTC(c.birthYear, 0, 1)) : null;
  if (!born) return false;
  const adult = new Date(born);
  adult.setUTCFullYear(born.getUTCFullYear() + 18);
  return adult > today;
}

@Injectable()
export class CasesService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly closeChecks: CaseCloseChecks,
    private readonly jobs: JobRegistry,
    private readonly subjectKeys: SubjectKeys,
    private readonly repo: CasesRepository,
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
    const site = await this.db.manager.findOneBy(Site, { id: input.siteId });
    if (!site || !site.active) throw validationFailed([{ field: 'siteId', message: 'must be an active site of your organization' }]);
    // Sites are public (the directory): another organization's site is visible, not yours to use (DESIGN §2: 403).
    if (site.organizationId !== actor.organizationId) throw new DomainError('FORBIDDEN', 'You may register cases only at sites of your organization');
    if (!actor.roles.includes('manager') && !actor.siteIds.includes(site.id)) {
      throw new DomainError('FORBIDDEN', 'You may register cases only at your own sites');
    }
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
      createdBy: actor.userId,
      updatedBy: actor.userId,
    });
    this.applyIdentity(c, input.identity);
    this.applyVulnerabilities(c, input.vulnerabilities ?? [], actor, now);
    this.applySensitive(c, input.sensitive);
    // The number after every validation, outside the registration's transaction (allocateNumber):
    // a refused registration uses none; one failing past this point leaves a gap, never a duplicate.
    const n = await allocateNumber(this.db, `case:${site.organizationId}`, year);
    c.caseNumber = `${actor.organizationCode}-${year}-${String(n).padStart(6, '0')}`;
    return this.db.transaction(async (em) => {
      await em.insert(Case, c);
      const k = await this.recordConsent(em, actor, c, consent, now);
      // The registration's consent in the registration's event (as consent.recorded details it).
      await this.audit.record(em, actor, 'case.created', this.target(c), {
        changes: diff(null, snapshot(c, input.sensitive !== undefined)),
        details: { consentId: k.id, purpose: k.purpose, basis: k.basis, method: k.method },
      });
      return { case: c, fields: this.fieldsOf(actor, c), sensitive: input.sensitive ?? null };
    });
  }

  /** One case as the actor may see it; the read is audited (DESIGN §7). */
  async get(actor: Actor, id: string): Promise<CaseView> {
    const c = await this.getVisible(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'case.viewed', this.target(c));
    return this.view(actor, c);
  }

  async list(actor: Actor, filter: CaseFilter, page: PageRequest): Promise<Page<CaseView>> {
    const q = filter.q?.trim();
    if (q && !CASE_NUMBER.test(q.toUpperCase())) {
      // Accent- and case-insensitive, typo- and variant-tolerant, by word: every word of the
      // query matches a word of the names, in any order (DESIGN §3; name-search.ts). Ranked by
      // relevance: one page of the best `limit` matches (nextCursor null); refine to see others.
      const limit = page.limit ?? DEFAULT_LIMIT;
      const hits = this.filtered(this.visible(this.db.manager, actor), filter).select('c.id', 'id').andWhere(NAME_SEARCH_CASE_CONDITION).limit(limit);
      // One round trip, prepared: planning this statement costs as much as running it. The hits
      // are scoped and filtered; the outer join reads the list-row columns of those ids only.
      const rows = await this.rowsOf(actor, nameSearchSql(hits.getQuery(), limit), 'hit.rank, c.registered_at DESC, c.id', { ...hits.getParameters(), nameQuery: q });
      return { items: rows.map(caseViewFromRow), nextCursor: null };
    }
    // Newest first. One branch per kind of scope rule, each along its own index to `limit + 1`
    // keys, their union cut to the page: one OR would sort every match (issue 6 closing note).
    // Own cases walk (organization, registered_at); shared ones the shares table, which holds the
    // case's registration time for that (migration 1796110000000), both under the rules' SQL.
    // Then the page's list-row columns, the row's fields judged by the rules in SQL: one prepared
    // statement instead of hydrating two pages of whole cases and two CASL checks a row (issue 12).
    const limit = page.limit ?? DEFAULT_LIMIT;
    const [own, shared] = readableByBranches(this.db.manager, actor, Case, 'Case', 'c', CASE_FIELDS, CASE_SCOPE_FIELD, (r) => !('sharedWith' in (r.conditions ?? {})));
    const keys: SelectQueryBuilder<Case>[] = [];
    if (own) keys.push(this.listKeys(own, filter, page, limit, 'c.registered_at', 'c.id'));
    if (shared) {
      const walk = shared.innerJoin('case_shares', 's', 's.case_id = c.id AND s.organization_id = :shareOrganization', { shareOrganization: actor.organizationId }).distinct(true);
      keys.push(this.listKeys(walk, filter, page, limit, 's.case_registered_at', 's.case_id'));
    }
    if (!keys.length) return { items: [], nextCursor: null };
    const ids = `SELECT k.id FROM (${keys.map((b) => `(${b.getQuery()})`).join(' UNION ')}) k ORDER BY k.registered_at DESC, k.id DESC LIMIT ${limit + 1}`;
    const rows = await this.rowsOf(actor, ids, 'c.registered_at DESC, c.id DESC', Object.assign({}, ...keys.map((b) => b.getParameters())));
    return pageOf(rows.map(caseViewFromRow), limit, { ...CASE_LIST, columns: CASE_LIST_KEY('c.registered_at', 'c.id'), keyOf: (v: CaseView) => [v.case.registeredAt.toISOString(), v.case.id] }, this.cursors);
  }

  /** A branch's first `limit + 1` keys after the cursor, newest first, by the given columns. */
  private listKeys(qb: SelectQueryBuilder<Case>, filter: CaseFilter, page: PageRequest, limit: number, registeredAt: string, id: string): SelectQueryBuilder<Case> {
    const b = this.filtered(qb, filter).select(id, 'id').addSelect(registeredAt, 'registered_at');
    keyset(b, page, { ...CASE_LIST, columns: CASE_LIST_KEY(registeredAt, id) }, this.cursors, limit + 1);
    return b;
  }

  /** List rows of the case ids `ids` selects (see caseRowsSql), in one prepared statement. */
  private rowsOf(actor: Actor, ids: string, order: string, params: Record<string, unknown>): Promise<CaseRow[]> {
    const record = scopeWhere(actor.ability, 'read', 'Case', CASE_FIELDS, { field: 'record', prefix: 'record' });
    const vulnerabilities = scopeWhere(actor.ability, 'read', 'Case', CASE_FIELDS, { field: 'vulnerabilities', prefix: 'vulnerabilities' });
    return preparedQuery<CaseRow>(this.db, caseRowsSql(ids, order, { record: record.sql, vulnerabilities: vulnerabilities.sql }), {
      ...params,
      ...record.params,
      ...vulnerabilities.params,
    });
  }

  private filtered(qb: SelectQueryBuilder<Case>, filter: CaseFilter): SelectQueryBuilder<Case> {
    const q = filter.q?.trim();
    if (q && CASE_NUMBER.test(q.toUpperCase())) qb.andWhere('c.case_number = :exact', { exact: q.toUpperCase() });
    if (filter.caseNumber) qb.andWhere('c.case_number = :caseNumber', { caseNumber: filter.caseNumber.toUpperCase() });
    if (filter.nationality) qb.andWhere('c.nationality = :nationality', { nationality: filter.nationality });
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.siteId) qb.andWhere('c.site_id = :siteId', { siteId: filter.siteId });
    if (filter.vulnerability) qb.andWhere('c.vulnerability_flags @> ARRAY[:vulnerability]::text[]', { vulnerability: filter.vulnerability });
    if (filter.assignedTo) qb.andWhere('c.assigned_to = :assignedTo', { assignedTo: filter.assignedTo });
    if (filter.migrantCategory) qb.andWhere('c.migrant_category = :migrantCategory', { migrantCategory: filter.migrantCategory });
    // Whole days in Mali's time (UTC), whatever the session's zone: `registeredTo` includes the day it names.
    if (filter.registeredFrom) qb.andWhere(`c.registered_at >= (CAST(:from AS date)::timestamp AT TIME ZONE 'UTC')`, { from: filter.registeredFrom });
    if (filter.registeredTo) qb.andWhere(`c.registered_at < ((CAST(:to AS date) + 1)::timestamp AT TIME ZONE 'UTC')`, { to: filter.registeredTo });
    return qb;
  }

  update(actor: Actor, id: string, expectedVersion: number, patch: UpdateCaseInput): Promise<CaseView> {
    return this.db.transaction(async (em) => {
      const c = await this.getVisible(em, actor, id);
      assertCan(actor, 'update', 'Case', c);
      assertNotAnonymized(c);
      if (patch.sensitive !== undefined) assertCan(actor, 'read', 'Case', c, 'sensitive');
      if (c.version !== expectedVersion) throw this.stale(c.version);
      const before = snapshot(c);
      const now = this.clock.now();
      if (patch.identity) {
        // Only the fields given: a DTO instance carries its absent optional fields as own `undefined`.
        // null clears a field: no date of birth (the year only), no year, no nationality.
        const given = Object.fromEntries(Object.entries(patch.identity).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v ?? undefined]));
        this.applyIdentity(c, { ...caseIdentity(c), ...given });
      }
      if (patch.contact !== undefined) c.contact = patch.contact;
      if (patch.documents !== undefined) c.documents = patch.documents;
      if (patch.journey !== undefined) c.journey = patch.journey;
      if (patch.migrantCategory !== undefined) c.migrantCategory = patch.migrantCategory;
      if (patch.household !== undefined) c.household = patch.household;
      if (patch.householdId !== undefined) c.householdId = patch.householdId;
      if (patch.vulnerabilities !== undefined) this.applyVulnerabilities(c, patch.vulnerabilities, actor, now);
      if (patch.sensitive !== undefined) this.applySensitive(c, patch.sensitive);
      await this.saveVersioned(em, c, expectedVersion, actor);
      await this.audit.record(em, actor, 'case.updated', this.target(c), { changes: diff(before, snapshot(c, patch.sensitive !== undefined)) });
      return this.view(actor, c, em);
    });
  }

  assign(actor: Actor, id: string, userId: string): Promise<CaseView> {
    return this.db.transaction(async (em) => {
      // Locked like close/reopen: an action without If-Match must not fail on a concurrent edit.
      const c = await this.getVisible(em, actor, id, true);
      assertCan(actor, 'assign', 'Case', c);
      const user = await em.findOneBy(User, { id: userId });
      if (!user || user.organizationId !== c.owningOrganizationId || !user.active || !user.roles.some((r) => r === 'caseworker' || r === 'manager')) {
        throw validationFailed([{ field: 'userId', message: 'must be an active caseworker or manager of the case’s organization' }]);
      }
      const before = snapshot(c);
      c.assignedTo = user.id;
      await this.saveVersioned(em, c, c.version, actor);
      await this.audit.record(em, actor, 'case.assigned', this.target(c), { changes: diff(before, snapshot(c)) });
      return this.view(actor, c, em);
    });
  }

  close(actor: Actor, id: string, reason: ClosureReason): Promise<CaseView> {
    return this.db.transaction(async (em) => {
      const c = await this.getVisible(em, actor, id, true);
      assertCan(actor, 'close', 'Case', c);
      const status = nextCaseStatus(c.status, 'close');
      const blockers = await this.closeChecks.blockers(em, c.id, reason);
      if (blockers.length) throw new DomainError('CASE_NOT_CLOSABLE', `The case cannot be closed: ${blockers.join('; ')}`, { extra: { blockers } });
      const before = snapshot(c);
      Object.assign(c, { status, closureReason: reason, closedAt: this.clock.now() });
      await this.saveVersioned(em, c, c.version, actor);
      await this.audit.record(em, actor, 'case.closed', this.target(c), { changes: diff(before, snapshot(c)) });
      return this.view(actor, c, em);
    });
  }

  reopen(actor: Actor, id: string): Promise<CaseView> {
    return this.db.transaction(async (em) => {
      const c = await this.getVisible(em, actor, id, true);
      assertCan(actor, 'reopen', 'Case', c);
      assertNotAnonymized(c);
      const before = snapshot(c);
      Object.assign(c, { status: nextCaseStatus(c.status, 'reopen'), closureReason: null, closedAt: null });
      await this.saveVersioned(em, c, c.version, actor);
      await this.audit.record(em, actor, 'case.reopened', this.target(c), { changes: diff(before, snapshot(c)) });
      return this.view(actor, c, em);
    });
  }

  addNote(actor: Actor, id: string, text: string): Promise<CaseNote> {
    return this.db.transaction(async (em) => {
      const c = await this.getVisible(em, actor, id);
      assertCan(actor, 'update', 'Case', c);
      assertNotAnonymized(c);
      const note = await em.save(em.create(CaseNote, { caseId: c.id, owningOrganizationId: c.owningOrganizationId, text, authorId: actor.userId, createdAt: this.clock.now() }));
      await this.audit.record(em, actor, 'case.note_added', this.target(c), { details: { noteId: note.id } });
      return note;
    });
  }

  async notes(actor: Actor, id: string, page: PageRequest): Promise<Page<CaseNote>> {
    const c = await this.getRecord(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'case.notes_viewed', this.target(c));
    const qb = this.db.getRepository(CaseNote).createQueryBuilder('n').where('n.case_id = :id', { id: c.id });
    return paginate(qb, page, { list: `notes:${c.id}`, columns: [{ expr: 'n.created_at', cast: 'timestamptz' }, { expr: 'n.id', cast: 'uuid' }], direction: 'DESC', keyOf: (n) => [n.createdAt.toISOString(), n.id] }, this.cursors);
  }

  /** Everything that happened to the case, from its audit trail (reads excluded); the read is audited. */
  async timeline(actor: Actor, id: string, page: PageRequest): Promise<Page<{ at: Date; type: string; actorUserId: string | null; details: Record<string, unknown> | null; changedFields: string[] }>> {
    const c = await this.getRecord(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'case.timeline_viewed', this.target(c));
    const qb = this.db
      .createQueryBuilder()
      .select(['e.seq AS seq', 'e.at AS at', 'e.action AS type', 'e.actor_user_id AS "actorUserId"', 'e.details AS details', 'e.changes AS changes'])
      .from('audit_events', 'e')
      // The case's own events, and those of its referrals and services (which name it in details).
      .where(`((e.entity_type = 'Case' AND e.entity_id = :id) OR (e.details ? 'caseId' AND e.details ->> 'caseId' = :idText)) AND e.action NOT LIKE '%viewed'`, {
        id: c.id,
        idText: c.id,
      });
    const p = await paginate<{ seq: string; at: Date; type: string; actorUserId: string | null; details: Record<string, unknown> | null; changes: Record<string, unknown> | null }>(
      qb,
      page,
      { list: `timeline:${c.id}`, columns: [{ expr: 'e.seq', cast: 'numeric' }], direction: 'ASC', keyOf: (e) => [String(e.seq)] },
      this.cursors,
      { raw: true },
    );
    // Personal values in details read in clear while the case's data key exists (issue 11).
    await openEvents(this.db.manager, this.subjectKeys, p.items);
    return { nextCursor: p.nextCursor, items: p.items.map((e) => ({ at: e.at, type: e.type, actorUserId: e.actorUserId, details: e.details, changedFields: Object.keys(e.changes ?? {}) })) };
  }

  /** Likely duplicates among the cases the actor may see: name similarity + birth year + nationality. */
  async duplicates(actor: Actor, id: string): Promise<(CaseView & { score: number })[]> {
    const c = await this.getRecord(this.db.manager, actor, id);
    const shown = await this.scoredCandidates(actor, { name: (await this.searchNameOf(c.id)) ?? '', birthYear: c.birthYear, nationality: c.nationality, exceptId: c.id });
    // The read audited is what was shown, not the rows below the cut-off.
    await this.audit.record(null, actor, 'case.duplicates_viewed', this.target(c), { details: { candidates: shown.map((d) => d.case.id) } });
    return shown;
  }

  /**
   * The cases the actor may see that look like a person about to be registered (issue 20: the
   * register form warns while the name and date of birth are typed), scored as `duplicates`.
   * Audited as a read of the cases shown, under the actor's organization, when any is shown.
   */
  async duplicateCandidates(actor: Actor, probe: DuplicateProbe): Promise<(CaseView & { score: number })[]> {
    const [row] = await this.db.query('SELECT f_case_search_name($1, $2, $3::text[]) AS name', [probe.givenName, probe.familyName, probe.otherNames ?? []]);
    const birthYear = probe.dateOfBirth ? Number(probe.dateOfBirth.slice(0, 4)) : (probe.birthYear ?? null);
    const shown = await this.scoredCandidates(actor, { name: row?.name ?? '', birthYear, nationality: probe.nationality ?? null });
    // Together: the audit writer puts concurrent reads in one insert (one round trip while typing, not one per case).
    await Promise.all(shown.map((d) => this.audit.record(null, actor, 'case.duplicates_viewed', this.target(d.case), { details: { probe: true } })));
    return shown;
  }

  private async scoredCandidates(actor: Actor, p: { name: string; birthYear: number | null; nationality: string | null; exceptId?: string }): Promise<(CaseView & { score: number })[]> {
    if (!p.name) return [];
    const qb = this.visible(this.db.manager, actor)
      .addSelect(
        `round((0.6 * similarity(c.search_name, :name)
          + 0.2 * (CASE WHEN c.birth_year IS NOT NULL AND c.birth_year = :birthYear THEN 1 ELSE 0 END)
          + 0.2 * (CASE WHEN c.nationality IS NOT NULL AND c.nationality = :nationality THEN 1 ELSE 0 END))::numeric, 2)`,
        'score',
      )
      .andWhere('c.search_name % :name')
      .setParameters({ name: p.name, birthYear: p.birthYear ?? -1, nationality: p.nationality ?? '' })
      .orderBy('score', 'DESC')
      .addOrderBy('c.id')
      .limit(20);
    if (p.exceptId) qb.andWhere('c.id <> :id', { id: p.exceptId });
    const { entities, raw } = await qb.getRawAndEntities();
    const scores = new Map(raw.map((r: { c_id: string; score: string }) => [r.c_id, Number(r.score)]));
    return entities.map((e) => ({ ...this.summary(actor, e), score: scores.get(e.id) ?? 0 })).filter((d) => d.score >= 0.5);
  }

  /** A visible case, else 404; `lock`: row-locked (CasesRepository.lockVisible). */
  getVisible(em: EntityManager, actor: Actor, id: string, lock = false): Promise<Case> {
    return lock ? this.repo.lockVisible(em, actor, id) : this.repo.findVisible(em, actor, id);
  }

  /** A visible case whose record (notes, timeline, consents, …) the actor may read: the owning org's, never a shared view (403). */
  async getRecord(em: EntityManager, actor: Actor, id: string): Promise<Case> {
    const c = await this.getVisible(em, actor, id);
    assertCan(actor, 'read', 'Case', c, 'record');
    return c;
  }

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Case> {
    return this.repo.visible(em, actor);
  }

  /** The fields (sections, `record`) of this case the actor may read: the same rules as every read. */
  /** The fields of `c` the actor may read, of `among` (all of them by default): one CASL check each. */
  fieldsOf(actor: Actor, c: Case, among: readonly CaseField[] = CASE_FIELDS_READ): CaseField[] {
    return among.filter((f) => canOn(actor, 'read', 'Case', c, f));
  }

  recordConsent(em: EntityManager, actor: Actor, c: Case, input: ConsentInput, now: Date): Promise<Consent> {
    return em.save(
      em.create(Consent, {
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        purpose: input.purpose,
        basis: input.basis,
        method: input.method,
        organizationIds: [...new Set(input.organizationIds ?? [])],
        notes: input.notes ?? null,
        recordedBy: actor.userId,
        recordedAt: now,
      }),
    );
  }

  target(c: Case) {
    return { type: 'Case', id: c.id, organizationId: c.owningOrganizationId };
  }

  /** Re-encrypts sensitive sections written under an older key, in batches, while serving (DESIGN §7). */
  async reencryptSensitive(batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.db.transaction(async (em) => {
        const rows: { id: string; sensitive_ciphertext: Buffer; sensitive_key_id: string }[] = await em.query(
          `SELECT id, sensitive_ciphertext, sensitive_key_id FROM cases
           WHERE sensitive_key_id IS NOT NULL AND sensitive_key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [this.cipher.currentKeyId, batch],
        );
        for (const r of rows) {
          const sealed = this.cipher.encrypt(this.cipher.decrypt({ keyId: r.sensitive_key_id, data: r.sensitive_ciphertext }, r.id), r.id);
          await em.query('UPDATE cases SET sensitive_ciphertext = $2, sensitive_key_id = $3 WHERE id = $1', [r.id, sealed.data, sealed.keyId]);
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

  /**
   * A list row: the identity (which every scoped read grants) and, when readable, `record` and
   * `vulnerabilities` — all a row shows (toCaseSummary); two ability checks a row, not eight.
   */
  private summary(actor: Actor, c: Case): CaseView {
    return { case: c, fields: ['identity', ...ROW_FIELDS.filter((f) => canOn(actor, 'read', 'Case', c, f))] };
  }

  private async decryptSensitive(em: EntityManager, id: string): Promise<SensitiveSection | null> {
    const [row] = await em.query('SELECT sensitive_ciphertext, sensitive_key_id FROM cases WHERE id = $1', [id]);
    if (!row?.sensitive_ciphertext) return null;
    return this.cipher.decrypt<SensitiveSection>({ keyId: row.sensitive_key_id, data: row.sensitive_ciphertext }, id);
  }

  private async searchNameOf(id: string): Promise<string | null> {
    const [row] = await this.db.query('SELECT search_name FROM cases WHERE id = $1', [id]);
    return row?.search_name ?? null;
  }

  /** The version check is inside the UPDATE: of two concurrent PATCHes one wins, one gets 412. */
  private async saveVersioned(em: EntityManager, c: Case, expected: number, actor: Actor): Promise<void> {
    const set: Partial<Record<keyof Case, unknown>> = {};
    for (const k of UPDATABLE) set[k] = c[k];
    // The ciphertext is written only when it was (re)computed in this request; untouched, it is left alone.
    if (c.sensitiveKeyId !== undefined) Object.assign(set, { sensitiveCiphertext: c.sensitiveCiphertext, sensitiveKeyId: c.sensitiveKeyId });
    const result = await em
      .createQueryBuilder()
      .update(Case)
      .set({ ...(set as object), updatedBy: actor.userId, version: () => 'version + 1' })
      .where('id = :id AND version = :expected', { id: c.id, expected })
      .returning(['version', 'updatedAt'])
      .execute();
    if (!result.affected) throw this.stale(expected);
    c.version = Number(result.raw[0].version);
    c.updatedAt = result.raw[0].updated_at ?? c.updatedAt;
  }

  private stale(current: number): DomainError {
    return new DomainError('VERSION_CONFLICT', 'The case changed since you read it; reload and retry', { extra: { currentVersion: current } });
  }

  private applyIdentity(c: Case, i: RegisterCaseInput['identity']): void {
    const today = this.clock.now();
    if (i.dateOfBirth) {
      const dob = new Date(`${i.dateOfBirth}T00:00:00Z`);
      if (Number.isNaN(dob.getTime()) || dob > today || dob.getUTCFullYear() < 1900) {
        throw validationFailed([{ field: 'identity.dateOfBirth', message: 'must be a real date between 1900 and today' }]);
      }
    }
    if (i.birthYear !== undefined && i.birthYear > today.getUTCFullYear()) {
      throw validationFailed([{ field: 'identity.birthYear', message: 'must not be in the future' }]);
    }
    c.givenName = i.givenName.trim();
    c.familyName = i.familyName.trim();
    c.otherNames = (i.otherNames ?? []).map((n) => n.trim());
    c.sex = i.sex;
    c.dateOfBirth = i.dateOfBirth ?? null;
    c.birthYear = i.dateOfBirth ? Number(i.dateOfBirth.slice(0, 4)) : (i.birthYear ?? null);
    c.birthDateEstimated = i.birthDateEstimated ?? false;
    c.nationality = i.nationality ?? null;
    c.languages = [...new Set(i.languages ?? [])];
    c.searchName = ''; // set by the cases_search_name trigger: lower(f_unaccent(all names))
  }

  private applyVulnerabilities(c: Case, flags: Vulnerability[], actor: Actor, now: Date): void {
    const previous = new Map((c.vulnerabilities ?? []).map((v) => [v.flag, v]));
    const unique = [...new Set(flags)];
    c.vulnerabilities = unique.map((flag) => previous.get(flag) ?? { flag, assessedBy: actor.userId, assessedAt: now.toISOString() });
    c.vulnerabilityFlags = unique;
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
