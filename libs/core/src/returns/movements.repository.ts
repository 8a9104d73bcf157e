import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { Movement } from './return.entity.js';
import type { ManifestRow, MovementFilter } from './return.types.js';

/** The SQL of the rules' fields (return.rules.ts) for movements. */
export const MOVEMENT_FIELDS: FieldMap = {
  id: 'mv.id',
  owningOrganizationId: 'mv.owning_organization_id',
};

/** A manifest row as the database gives it: the case's identity and the return's destination and document. */
export interface ManifestRecord {
  case_number: string;
  given_name: string;
  family_name: string;
  sex: ManifestRow['sex'];
  date_of_birth: string | null;
  birth_year: number | null;
  birth_date_estimated: boolean;
  nationality: string | null;
  destination_country: string;
  destination_locality: string;
  travel_document: { type: string; number: string } | null;
  escort_required: boolean;
}

/**
 * The SQL of movements: the movements an actor may read, one loaded or row-locked, the list by
 * departure date, the writes, and the manifest's rows. Takes `em` first and never opens a
 * transaction; the returns in a movement are ReturnsRepository's.
 */
@Injectable()
export class MovementsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Movement> {
    return readableBy(em, actor, Movement, 'Movement', 'mv', MOVEMENT_FIELDS);
  }

  /** A visible movement, else 404. */
  findVisible(em: EntityManager, actor: Actor, id: string): Promise<Movement> {
    return this.one(this.visible(em, actor).andWhere('mv.id = :id', { id }));
  }

  /** A visible movement, row-locked until the transaction `em` ends (else 404). */
  lockVisible(em: EntityManager, actor: Actor, id: string): Promise<Movement> {
    return this.one(this.visible(em, actor).andWhere('mv.id = :id', { id }).setLock('pessimistic_write'));
  }

  /** The visible movements, by status, latest departure date first. */
  list(em: EntityManager, actor: Actor, filter: MovementFilter, page: PageRequest): Promise<Page<Movement>> {
    const qb = this.visible(em, actor);
    if (filter.status) qb.andWhere('mv.status = :status', { status: filter.status });
    return paginate<Movement>(
      qb,
      page,
      { list: 'movements', columns: [{ expr: 'mv.departure_date', cast: 'date' }, { expr: 'mv.id', cast: 'uuid' }], direction: 'DESC', keyOf: (m) => [m.departureDate, m.id] },
      this.cursors,
    );
  }

  async insert(em: EntityManager, m: Movement): Promise<void> {
    await em.insert(Movement, m);
  }

  async update(em: EntityManager, id: string, change: Partial<Movement>): Promise<void> {
    await em.update(Movement, { id }, change);
  }

  /** One row per migrant of the movement, in case-number order (the manifest, DESIGN §6). */
  manifestRecords(em: EntityManager, movementId: string): Promise<ManifestRecord[]> {
    return em.query(
      `SELECT c.case_number, c.given_name, c.family_name, c.sex, to_char(c.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, c.birth_year, c.birth_date_estimated,
              c.nationality, rt.destination_country, rt.destination_locality, rt.travel_document, rt.escort_required
       FROM returns rt JOIN cases c ON c.id = rt.case_id
       WHERE rt.movement_id = $1
       ORDER BY c.case_number`,
      [movementId],
    );
  }

  private async one(qb: SelectQueryBuilder<Movement>): Promise<Movement> {
    const m = await qb.getOne();
    if (!m) throw new DomainError('NOT_FOUND', 'Movement not found');
    return m;
  }
}
