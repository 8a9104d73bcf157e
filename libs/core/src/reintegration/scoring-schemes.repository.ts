import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { ScoringScheme } from './scoring-scheme.entity.js';

/** The SQL of the fields the scheme rules (reintegration.rules.ts) test. */
export const SCHEME_FIELDS: FieldMap = {
  id: 's.id',
  organizationId: 's.organization_id',
};

/**
 * The SQL of scoring schemes: those an actor may read (the shipped ones and their organization's),
 * one of them, the latest, the list page, the insert and the lock that serializes an
 * organization's loads. Takes `em` first and never opens a transaction.
 */
@Injectable()
export class ScoringSchemesRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<ScoringScheme> {
    return readableBy(em, actor, ScoringScheme, 'ScoringScheme', 's', SCHEME_FIELDS);
  }

  findVisible(em: EntityManager, actor: Actor, id: string): Promise<ScoringScheme | null> {
    return this.visible(em, actor).andWhere('s.id = :id', { id }).getOne();
  }

  /** The organization's latest loaded scheme, else the latest shipped. */
  latestVisible(em: EntityManager, actor: Actor): Promise<ScoringScheme | null> {
    return this.visible(em, actor).orderBy('s.organization_id IS NULL', 'ASC').addOrderBy('s.created_at', 'DESC').addOrderBy('s.version', 'DESC').getOne();
  }

  /** Whether the actor already sees a scheme of that name and version. */
  nameVersionTaken(em: EntityManager, actor: Actor, name: string, version: number): Promise<boolean> {
    return this.visible(em, actor).andWhere('s.name = :name AND s.version = :version', { name, version }).getExists();
  }

  /** Newest first. */
  list(em: EntityManager, actor: Actor, page: PageRequest): Promise<Page<ScoringScheme>> {
    return paginate<ScoringScheme>(this.visible(em, actor), page, byTime('scoring-schemes', 's', 'created_at', (s) => s.createdAt), this.cursors);
  }

  /** Loads by one organization queue here until the transaction ends, so each sees the one before. */
  async lockLoads(em: EntityManager, organizationId: string | null): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('scoring_schemes:' || $1))`, [organizationId]);
  }

  async insert(em: EntityManager, scheme: ScoringScheme): Promise<void> {
    await em.insert(ScoringScheme, scheme);
  }
}
