import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, CursorCodec, keyset, type Page, type PageRequest, pageOf, preparedQuery, readableByBranches, scopeWhere, whereDayRange } from '@passerelle/common';
import { Case } from './case.entity.js';
import { CASE_SCOPE_FIELD } from './case.rules.js';
import type { CaseFilter, CaseView } from './case.types.js';
import { CASE_FIELDS, CasesRepository } from './cases.repository.js';

/** The case list: newest first, by registration time then id (the same values in every branch). */
const CASE_LIST = { list: 'cases', direction: 'DESC' as const };
const CASE_LIST_KEY = (registeredAt: string, id: string) => [
  { expr: registeredAt, cast: 'timestamptz' as const },
  { expr: id, cast: 'uuid' as const },
];
const CASE_NUMBER = /^[A-Z0-9-]{2,20}-\d{4}-\d{6}$/;

/** Whether the list's query `q` is a case number (an exact match) rather than names to search. */
export const isCaseNumber = (q: string): boolean => CASE_NUMBER.test(q.toUpperCase());

/**
 * The SQL of the case list and the name search (DESIGN §3, issue 6, issue 12), tuned at
 * 1,000,000 cases: the statements' text is what was measured, change it only with the numbers.
 * Reads outside a transaction: the rows come by prepared statements of the pool (preparedQuery).
 */
@Injectable()
export class CaseSearchRepository {
  constructor(
    private readonly db: DataSource,
    private readonly cursors: CursorCodec,
    private readonly cases: CasesRepository,
  ) {}

  /**
   * Accent- and case-insensitive, typo- and variant-tolerant, by word: every word of the query
   * matches a word of the names, in any order (nameSearchSql below). Ranked by relevance: the best
   * `limit` matches, scoped and filtered.
   */
  async byName(em: EntityManager, actor: Actor, filter: CaseFilter, q: string, limit: number): Promise<CaseView[]> {
    const hits = this.filtered(this.cases.visible(em, actor), filter).select('c.id', 'id').andWhere(NAME_SEARCH_CASE_CONDITION).limit(limit);
    // One round trip, prepared: planning this statement costs as much as running it. The hits
    // are scoped and filtered; the outer join reads the list-row columns of those ids only.
    const rows = await this.rowsOf(actor, nameSearchSql(hits.getQuery(), limit), 'hit.rank, c.registered_at DESC, c.id', { ...hits.getParameters(), nameQuery: q });
    return rows.map(caseViewFromRow);
  }

  /**
   * Newest first. One branch per kind of scope rule, each along its own index to `limit + 1`
   * keys, their union cut to the page: one OR would sort every match (issue 6 closing note).
   * Own cases walk (organization, registered_at); shared ones the shares table, which holds the
   * case's registration time for that (migration 1796110000000), both under the rules' SQL.
   * Then the page's list-row columns, the row's fields judged by the rules in SQL: one prepared
   * statement instead of hydrating two pages of whole cases and two CASL checks a row (issue 12).
   */
  async page(em: EntityManager, actor: Actor, filter: CaseFilter, page: PageRequest, limit: number): Promise<Page<CaseView>> {
    const [own, shared] = readableByBranches(em, actor, Case, 'Case', 'c', CASE_FIELDS, CASE_SCOPE_FIELD, (r) => !('sharedWith' in (r.conditions ?? {})));
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
    if (q && isCaseNumber(q)) qb.andWhere('c.case_number = :exact', { exact: q.toUpperCase() });
    if (filter.caseNumber) qb.andWhere('c.case_number = :caseNumber', { caseNumber: filter.caseNumber.toUpperCase() });
    if (filter.nationality) qb.andWhere('c.nationality = :nationality', { nationality: filter.nationality });
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.siteId) qb.andWhere('c.site_id = :siteId', { siteId: filter.siteId });
    if (filter.vulnerability) qb.andWhere('c.vulnerability_flags @> ARRAY[:vulnerability]::text[]', { vulnerability: filter.vulnerability });
    if (filter.assignedTo) qb.andWhere('c.assigned_to = :assignedTo', { assignedTo: filter.assignedTo });
    if (filter.migrantCategory) qb.andWhere('c.migrant_category = :migrantCategory', { migrantCategory: filter.migrantCategory });
    // Whole days in Mali's time (UTC), whatever the session's zone: `registeredTo` includes the day it names.
    return whereDayRange(qb, 'c.registered_at', { from: filter.registeredFrom, to: filter.registeredTo }, 'registered');
  }
}

/**
 * The name search's SQL (DESIGN §3, issue 12; functions and keys in migration 1796000000000).
 *
 * 1. The query's words (f_name_tokens, as the names were normalized; at most 6).
 * 2. Each word's matches in `name_vocabulary` (f_name_candidates, scored by f_name_match); the
 *    best few per word (their combinations stay a few hundred).
 * 3. The combinations of one match per word: every word must match, or all but one when the
 *    query has several words and that one is a near miss (Touré for Traoré). Ranked by their
 *    weakest match, then by the sum: a result is as good as its worst-matched word.
 * 4. For the combinations in rank order, the visible cases holding their keys (`:case` — the
 *    caller's scoped, filtered query of case ids, joined laterally, limited), each case under its
 *    best combination only; the outer LIMIT stops at the first `limit` cases, so the cases of
 *    worse combinations are never read. Which cases of the last combination read fill the page
 *    is unspecified; the page lists them newest first.
 *
 * Parameter :nameQuery (text); `limit` is written in (an integer the DTO bounds), so the planner
 * knows it. The case query refers to `k.keys`, `k.rank`.
 */
export const MAX_QUERY_WORDS = 6;

export const nameSearchSql = (caseQuery: string, limit: number): string => `
WITH RECURSIVE words AS (
  SELECT w.word, w.i::int AS i, count(*) OVER () AS n
  FROM unnest(f_name_tokens(:nameQuery)) WITH ORDINALITY AS w(word, i)
  WHERE w.i <= ${MAX_QUERY_WORDS}
),
matches AS (
  SELECT m.i, m.token, m.score FROM (
    SELECT words.i, words.n, f.token, f.score, row_number() OVER (PARTITION BY words.i ORDER BY f.score DESC, f.token) AS nth
    FROM words CROSS JOIN LATERAL f_name_candidates(words.word) f
    WHERE words.n > 1 OR f.score >= 0.5
  ) m
  WHERE m.nth <= greatest(3, floor(power(400, 1.0 / m.n)))
),
combinations (i, tokens, worst, total, misses) AS (
  SELECT 1, ARRAY[m.token], m.score, m.score, (m.score < 0.5)::int FROM matches m WHERE m.i = 1
  UNION ALL
  SELECT m.i, k.tokens || m.token, least(k.worst, m.score), k.total + m.score, k.misses + (m.score < 0.5)::int
  FROM combinations k JOIN matches m ON m.i = k.i + 1
  WHERE k.misses + (m.score < 0.5)::int <= 1
),
name_search_ranked AS MATERIALIZED (
  SELECT f_name_query_keys(k.tokens) AS keys, row_number() OVER (ORDER BY k.worst DESC, k.total DESC, k.tokens) AS rank
  FROM combinations k
  WHERE k.i = (SELECT max(i) FROM words)
)
SELECT hit.id, k.rank
FROM (SELECT * FROM name_search_ranked ORDER BY rank) k
CROSS JOIN LATERAL (${caseQuery}) hit
ORDER BY k.rank
LIMIT ${Math.trunc(limit)}`;

/** The case query's condition: the combination's keys, and no better combination holds the case. */
export const NAME_SEARCH_CASE_CONDITION =
  'c.name_keys @> k.keys AND NOT EXISTS (SELECT 1 FROM name_search_ranked k2 WHERE k2.rank < k.rank AND c.name_keys @> k2.keys)';

/** A search hit as a list row shows it (toCaseSummary), with the fields the rules let it show. */
interface CaseRow {
  id: string;
  case_number: string;
  status: Case['status'];
  owning_organization_id: string;
  registered_at: Date;
  anonymized_at: Date | null;
  site_id: string;
  assigned_to: string | null;
  given_name: string;
  family_name: string;
  other_names: string[];
  sex: Case['sex'];
  date_of_birth: string | null;
  birth_year: number | null;
  birth_date_estimated: boolean;
  nationality: string | null;
  languages: string[];
  vulnerability_flags: Case['vulnerabilityFlags'];
  can_record: boolean;
  can_vulnerabilities: boolean;
}

/**
 * The rows of a list of case ids (`ids`: SQL with columns `id` and, for `order`, what it names)
 * with their list-row columns and the fields the rules let them show. `readable`: the SQL of the
 * rules granting `record` and `vulnerabilities` (scopeWhere by field), so that a row's fields are
 * judged in the query, not by two ability checks a row.
 */
export const caseRowsSql = (ids: string, order: string, readable: { record: string; vulnerabilities: string }): string => `
SELECT c.id, c.case_number, c.status, c.owning_organization_id, c.registered_at, c.anonymized_at, c.site_id, c.assigned_to,
       c.given_name, c.family_name, c.other_names, c.sex, c.date_of_birth::text AS date_of_birth, c.birth_year,
       c.birth_date_estimated, c.nationality, c.languages, c.vulnerability_flags,
       COALESCE((${readable.record}), false) AS can_record, COALESCE((${readable.vulnerabilities}), false) AS can_vulnerabilities
FROM (${ids}) hit
JOIN cases c ON c.id = hit.id
ORDER BY ${order}`;

/** A row as the case (the columns a list row shows) and the fields it may show. */
export const caseViewFromRow = (r: CaseRow): CaseView => ({
  case: Object.assign(new Case(), {
    id: r.id,
    caseNumber: r.case_number,
    status: r.status,
    owningOrganizationId: r.owning_organization_id,
    registeredAt: r.registered_at,
    anonymizedAt: r.anonymized_at,
    siteId: r.site_id,
    assignedTo: r.assigned_to,
    givenName: r.given_name,
    familyName: r.family_name,
    otherNames: r.other_names,
    sex: r.sex,
    dateOfBirth: r.date_of_birth,
    birthYear: r.birth_year,
    birthDateEstimated: r.birth_date_estimated,
    nationality: r.nationality,
    languages: r.languages,
    vulnerabilityFlags: r.vulnerability_flags,
  }),
  // identity: every row the scope lets through shows it (CASE_SCOPE_FIELD).
  fields: ['identity', ...(r.can_record ? (['record'] as const) : []), ...(r.can_vulnerabilities ? (['vulnerabilities'] as const) : [])],
});

export type { CaseRow };
