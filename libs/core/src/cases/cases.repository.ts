import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, DomainError, preparedQuery, readableBy, scopeWhere } from '@passerelle/common';
import { Case } from './case.entity.js';
import { CASE_FIELDS, CASE_SCOPE_FIELD } from './case.rules.js';

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
   * The cases the actor may read, to narrow to given ids (one case, a page of referrals, search
   * hits): the shared view probed per case. The list walks its scope by branch instead.
   */
  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Case> {
    return readableBy(em, actor, Case, 'Case', 'c', CASE_FIELDS, CASE_SCOPE_FIELD);
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
