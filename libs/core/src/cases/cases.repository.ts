import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, DomainError, type FieldMap, preparedQuery, readableBy, scopeWhere, updateVersioned } from '@passerelle/common';
import { Case } from './case.entity.js';
import { CASE_SCOPE_FIELD } from './case.rules.js';

/**
 * The SQL of the fields the rules of case.rules.ts test. A case is shared with an organization
 * while a referral to it is pending or accepted and an active referral consent covers it: the
 * `case_shares` table holds exactly those, kept by triggers (DESIGN §2; migration 1796110000000),
 * so the shared view is one index probe a case (`case_shares_case_idx`). With the shared sections
 * too (`"<organizationId>:<section>"` of a live share), so the rules of one field (`record`, a
 * section) read in SQL. The case list's shared branch starts from the table instead (its
 * (organization, registered_at) index), joined, under the same rules.
 */
export const CASE_FIELDS: FieldMap = {
  id: 'c.id',
  owningOrganizationId: 'c.owning_organization_id',
  siteId: 'c.site_id',
  assignedTo: 'c.assigned_to',
  // A scalar probe, not EXISTS: inside an OR, PostgreSQL may plan an EXISTS as a hash of every
  // share of the organization, built before the first row (6,653 shares: 1.7 ms of a 6.9 ms name
  // search at 1,000,000 cases, growing with the shares); this stays one index probe a row.
  sharedWith: { contains: (param: string) => `COALESCE((SELECT true FROM case_shares s WHERE s.case_id = c.id AND s.organization_id = ${param} LIMIT 1), false)` },
  sharedSections: {
    contains: (param: string) =>
      `EXISTS (SELECT 1 FROM case_shares s CROSS JOIN LATERAL unnest(s.sections) x WHERE s.case_id = c.id AND s.organization_id::text || ':' || x = ${param})`,
  },
};

/** Columns a case update may write (never ids, owner, number or the search key). */
const UPDATABLE: (keyof Case)[] = [
  'status', 'closureReason', 'closedAt', 'assignedTo', 'householdId', 'givenName', 'familyName', 'otherNames', 'sex', 'dateOfBirth',
  'birthYear', 'birthDateEstimated', 'nationality', 'languages', 'contact', 'documents', 'journey', 'migrantCategory', 'vulnerabilities', 'vulnerabilityFlags', 'household',
];

/** A sensitive section as stored: ciphertext under the key `keyId`. */
export interface SealedSensitive {
  id: string;
  sensitive_ciphertext: Buffer;
  sensitive_key_id: string;
}

/**
 * The SQL of cases: which cases an actor may read (the CASL rules of case.rules.ts, in SQL), one
 * case loaded or locked under those rules. Every feature that works on a case loads or locks it
 * here, never with its own query. Takes `em` first and never opens a transaction.
 */
@Injectable()
export class CasesRepository {
  constructor(private readonly db: DataSource) {}

  /** A visible case, else 404 (also when it exists elsewhere: no existence leak, DESIGN §2). */
  async findVisible(em: EntityManager, actor: Actor, id: string): Promise<Case> {
    const c = em === this.db.manager ? await this.loadVisible(actor, id) : await this.visible(em, actor).andWhere('c.id = :id', { id }).getOne();
    if (!c) throw new DomainError('NOT_FOUND', 'Case not found');
    return c;
  }

  /**
   * A visible case, row-locked until the transaction `em` ends (else 404): what every change to a
   * case, or to what hangs on it (a consent, a referral, a stay, a return…), starts from, so two
   * concurrent changes to one case run one after the other.
   */
  async lockVisible(em: EntityManager, actor: Actor, id: string): Promise<Case> {
    const c = await this.visible(em, actor).andWhere('c.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!c) throw new DomainError('NOT_FOUND', 'Case not found');
    return c;
  }

  /**
   * The case of a record already loaded under the rules (a return, a stay…), row-locked with
   * no second visibility check, and what a departure checks of it. Consent withdrawal, screenings
   * and closing take the same lock, so they wait for each other.
   */
  async lockById(em: EntityManager, id: string): Promise<Pick<Case, 'id' | 'status' | 'vulnerabilityFlags'>> {
    const [row] = await em.query(`SELECT id, status, vulnerability_flags FROM cases WHERE id = $1 FOR UPDATE`, [id]);
    return { id: row.id, status: row.status, vulnerabilityFlags: row.vulnerability_flags };
  }

  /**
   * The cases the actor may read, to narrow to given ids (one case, a page of referrals, search
   * hits): the shared view probed per case. The list walks its scope by branch instead.
   */
  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Case> {
    return readableBy(em, actor, Case, 'Case', 'c', CASE_FIELDS, CASE_SCOPE_FIELD);
  }

  /** A new case, as registered (the cases_search_name trigger sets its search key). */
  async insert(em: EntityManager, c: Case): Promise<void> {
    await em.insert(Case, c);
  }

  /**
   * Writes the case's updatable columns and a new version, if its version is still `expected`
   * (the check is inside the UPDATE: of two concurrent PATCHes one wins, one gets 412), and puts
   * the new version and `updatedAt` back on `c`. The ciphertext is written only when it was
   * (re)computed in this request (`sensitiveKeyId` set); untouched, it is left alone.
   */
  async persist(em: EntityManager, c: Case, expected: number, byUserId: string | null): Promise<void> {
    const set: Partial<Record<keyof Case, unknown>> = {};
    for (const k of UPDATABLE) set[k] = c[k];
    if (c.sensitiveKeyId !== undefined) Object.assign(set, { sensitiveCiphertext: c.sensitiveCiphertext, sensitiveKeyId: c.sensitiveKeyId });
    const saved = await updateVersioned(em, Case, { id: c.id, what: 'case' }, set, byUserId, expected);
    c.version = saved.version;
    c.updatedAt = saved.updatedAt;
  }

  /** The case's sensitive section as stored (through `em`: inside a write, as the write left it), null when none. */
  async sensitiveOf(em: EntityManager, id: string): Promise<Omit<SealedSensitive, 'id'> | null> {
    const [row] = await em.query('SELECT sensitive_ciphertext, sensitive_key_id FROM cases WHERE id = $1', [id]);
    return row?.sensitive_ciphertext ? row : null;
  }

  /** Up to `batch` sensitive sections sealed under another key than `keyId`, row-locked, skipping rows locked by a request. */
  lockSealedUnder(em: EntityManager, keyId: string, batch: number): Promise<SealedSensitive[]> {
    return em.query(
      `SELECT id, sensitive_ciphertext, sensitive_key_id FROM cases
           WHERE sensitive_key_id IS NOT NULL AND sensitive_key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [keyId, batch],
    );
  }

  /** Replaces a sensitive section's ciphertext (the key rotation: same values, new key). */
  async reseal(em: EntityManager, id: string, sealed: { data: Buffer; keyId: string }): Promise<void> {
    await em.query('UPDATE cases SET sensitive_ciphertext = $2, sensitive_key_id = $3 WHERE id = $1', [id, sealed.data, sealed.keyId]);
  }

  /** The case's search key (lower(f_unaccent(all names)), kept by the cases_search_name trigger). */
  async searchNameOf(em: EntityManager, id: string): Promise<string | null> {
    const [row] = await em.query('SELECT search_name FROM cases WHERE id = $1', [id]);
    return row?.search_name ?? null;
  }

  /** The search key names would have (f_case_search_name, the trigger's own function). */
  async searchNameFor(em: EntityManager, names: { givenName: string; familyName: string; otherNames?: string[] }): Promise<string | null> {
    const [row] = await em.query('SELECT f_case_search_name($1, $2, $3::text[]) AS name', [names.givenName, names.familyName, names.otherNames ?? []]);
    return row?.name ?? null;
  }

  /**
   * The 20 visible cases most like a person (`name`: a search key), scored: 0.6 name similarity
   * (pg_trgm, among those `%` finds similar) + 0.2 same birth year + 0.2 same nationality, best first.
   */
  async likelyDuplicates(
    em: EntityManager,
    actor: Actor,
    p: { name: string; birthYear: number | null; nationality: string | null; exceptId?: string },
  ): Promise<{ case: Case; score: number }[]> {
    const qb = this.visible(em, actor)
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
    return entities.map((e) => ({ case: e, score: scores.get(e.id) ?? 0 }));
  }

  /**
   * A visible case outside a transaction (the reads: GET /cases/{id} and the like) as a named
   * prepared statement of TypeORM's own select list, hydrated by TypeORM's own column converters:
   * building the query and mapping the row through the query builder cost as much as running it
   * (13 % of the API's CPU under GET /cases/{id}, issue 12), and the plan is made once a connection.
   */
  private async loadVisible(actor: Actor, id: string): Promise<Case | null> {
    const scope = scopeWhere(actor.ability, 'read', 'Case', CASE_FIELDS, { field: CASE_SCOPE_FIELD });
    const [row] = await preparedQuery<Record<string, unknown>>(this.db, `${this.caseSelect()} WHERE (${scope.sql}) AND c.id = :caseId`, { ...scope.params, caseId: id });
    return row ? this.hydrate(row) : null;
  }

  private selectList?: string;
  private caseSelect(): string {
    // "SELECT "c"."id" AS "c_id", … FROM "cases" "c"", as getOne() sends it.
    this.selectList ??= this.db.getRepository(Case).createQueryBuilder('c').getQuery();
    return this.selectList;
  }

  private hydrate(row: Record<string, unknown>): Case {
    const c = new Case();
    const driver = this.db.driver;
    for (const column of this.db.getMetadata(Case).columns) {
      const value = row[`c_${column.databaseName}`];
      if (value !== undefined) (c as unknown as Record<string, unknown>)[column.propertyName] = driver.prepareHydratedValue(value, column);
    }
    return c;
  }
}
