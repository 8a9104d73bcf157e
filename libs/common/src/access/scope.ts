import { rulesToCondition } from '@casl/ability/extra';
import { subject as asSubject } from '@casl/ability';
import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Actor, AppAbility } from './actor.js';
import { DomainError } from '../errors/domain-error.js';

/**
 * How a rule's field reads in SQL: a column (or scalar subquery), an array column matched by
 * containment, or a predicate built around the bound value (a membership a column cannot hold,
 * such as "shared with this organization by a live referral").
 */
export type FieldSql = string | { column: string; array: true } | { contains: (param: string) => string };
export type FieldMap = Record<string, FieldSql>;

const SUBQUERY = /\bSELECT\b/i;

interface Condition {
  operator: string;
  field?: string;
  value: unknown;
}

/**
 * Translates the CASL rules of (action, subject type) into a SQL condition, so lists are scoped
 * by exactly the rules that `ability.can()` checks on single records (CONVENTIONS §2). A field
 * without SQL, or an operator we do not translate, throws: never widen silently.
 */
/** A CASL rule as the scope sees it. */
export interface ScopeRule {
  inverted: boolean;
  conditions?: object;
}

export function scopeWhere(
  ability: AppAbility,
  action: string,
  type: string,
  fields: FieldMap,
  /** `only`: keep just the granting rules it accepts (restrictions always apply): one branch of the scope. */
  options: { prefix?: string; field?: string; only?: (rule: ScopeRule) => boolean } = {},
): { sql: string; params: Record<string, unknown> } {
  const prefix = options.prefix ?? 'scope';
  const params: Record<string, unknown> = {};
  const sql = (c: Condition): string => {
    if (c.field !== undefined) {
      const target = fields[c.field];
      if (!target) throw new Error(`no SQL for ${type}.${c.field}`);
      const k = `${prefix}${Object.keys(params).length}`;
      params[k] = c.value;
      if (typeof target === 'object' && 'contains' in target) {
        if (c.operator === 'eq') return target.contains(`:${k}`);
      } else if (typeof target === 'object') {
        if (c.operator === 'eq') return `:${k} = ANY(${target.column})`;
        if (c.operator === 'in') return (c.value as unknown[]).length ? `${target.column} && :${k}` : 'FALSE';
      } else {
        if (c.operator === 'eq') return c.value === null ? `${target} IS NULL` : `${target} = :${k}`;
        if (c.operator === 'in') {
          // CASL matches null against a listed null; SQL's IN never does.
          const values = c.value as unknown[];
          const present = values.filter((v) => v !== null);
          params[k] = present;
          const alternatives = [...(present.length ? [`${target} IN (:...${k})`] : []), ...(present.length < values.length ? [`${target} IS NULL`] : [])];
          return alternatives.length > 1 ? `(${alternatives.join(' OR ')})` : (alternatives[0] ?? 'FALSE');
        }
      }
      throw new Error(`operator ${c.operator} not translated for ${type}.${c.field}`);
    }
    const parts = (c.value as Condition[]).map(sql);
    // A comparison with NULL is NULL in SQL but "no match" in CASL: NOT must see FALSE, not NULL,
    // or `cannot(…, { f: v })` would also hide every row whose f is NULL.
    if (c.operator === 'not') return `NOT COALESCE((${parts[0]}), FALSE)`;
    if (!parts.length) return c.operator === 'and' ? 'TRUE' : 'FALSE';
    // PostgreSQL evaluates an OR's arms in order and stops at the first true one: column tests
    // first, subqueries (the shared view) last, so the rows the organization owns never run them
    // (the same condition; CASL lists the shared-view rule, defined last, first).
    const ordered = c.operator === 'or' ? [...parts.filter((p) => !SUBQUERY.test(p)), ...parts.filter((p) => SUBQUERY.test(p))] : parts;
    return `(${ordered.join(c.operator === 'and' ? ' AND ' : ' OR ')})`;
  };
  // The rules that grant `field` (all rules when none is named), in CASL's priority order.
  const rules = ability.rulesFor(action, type, options.field).filter((r) => r.inverted || !options.only || options.only(r));
  const ast = rulesToCondition<AppAbility, Condition, Condition>(rules, toAst, {
    and: (value) => ({ operator: 'and', value }),
    or: (value) => ({ operator: 'or', value }),
    empty: () => ({ operator: 'and', value: [] }),
  });
  return { sql: ast ? sql(ast) : 'FALSE', params };
}

function toAst(rule: { ast?: unknown; inverted: boolean }): Condition {
  if (!rule.ast) throw new Error('a CASL rule without conditions AST cannot scope SQL');
  return rule.inverted ? { operator: 'not', value: [rule.ast as Condition] } : (rule.ast as Condition);
}

/** 403 for a record the actor may see but not act on (DESIGN §2). */
export function assertCan(actor: Actor, action: string, type: string, record?: object, field?: string): void {
  const ok = record ? actor.ability.can(action, asSubject(type, { ...record }), field) : actor.ability.can(action, type, field);
  if (!ok) throw new DomainError('FORBIDDEN', `You may not ${action} this ${type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`);
}

export function canOn(actor: Actor, action: string, type: string, record: object, field?: string): boolean {
  return actor.ability.can(action, asSubject(type, { ...record }), field);
}

/**
 * The records of `type` the actor may read, as a query to refine: where every list and
 * single-record load starts, so both obey the same rules (CONVENTIONS §2).
 */
export function readableBy<T extends ObjectLiteral>(
  em: EntityManager,
  actor: Actor,
  entity: EntityTarget<T>,
  type: string,
  alias: string,
  fields: FieldMap,
  /** For subjects read field by field (case sections): the field every readable record grants. */
  field?: string,
): SelectQueryBuilder<T> {
  const scope = scopeWhere(actor.ability, 'read', type, fields, { field });
  return em.getRepository(entity).createQueryBuilder(alias).where(scope.sql, scope.params);
}

/**
 * The same scope as `readableBy`, split into one query per branch: the granting rules `split`
 * accepts, and the others. Their union is exactly the scope. For lists sorted by an index: an OR
 * across branches (own cases OR shared ones) makes PostgreSQL sort every match, while each branch
 * alone walks its index in order (the case list unions their first keys). A branch that grants nothing is null.
 */
export function readableByBranches<T extends ObjectLiteral>(
  em: EntityManager,
  actor: Actor,
  entity: EntityTarget<T>,
  type: string,
  alias: string,
  fields: FieldMap,
  field: string | undefined,
  split: (rule: ScopeRule) => boolean,
): [SelectQueryBuilder<T> | null, SelectQueryBuilder<T> | null] {
  return [split, (r: ScopeRule) => !split(r)]
    .map((only, i) => scopeWhere(actor.ability, 'read', type, fields, { field, only, prefix: `scope${i}_` }))
    .map((scope) => (scope.sql === 'FALSE' ? null : em.getRepository(entity).createQueryBuilder(alias).where(scope.sql, scope.params))) as [
    SelectQueryBuilder<T> | null,
    SelectQueryBuilder<T> | null,
  ];
}
