import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy, updateVersioned, whereDayRange } from '@passerelle/common';
import { caseAssigneeSql, caseSiteSql } from '../cases/index.js';
import { Return } from './return.entity.js';
import type { ReturnFilter } from './return.types.js';

/** The SQL of the rules' fields (return.rules.ts): what `readableBy` turns their conditions into. */
export const RETURN_FIELDS: FieldMap = {
  id: 'rt.id',
  owningOrganizationId: 'rt.owning_organization_id',
  caseSiteId: caseSiteSql('rt'),
  caseAssignedTo: caseAssigneeSql('rt'),
};

/** Columns a write may change (never ids, owner or case). */
const WRITABLE: (keyof Return)[] = [
  'status',
  'destinationCountry',
  'destinationLocality',
  'mode',
  'escortRequired',
  'escort',
  'pocketMoneyXof',
  'travelDocument',
  'legs',
  'submittedBy',
  'submittedAt',
  'decidedBy',
  'decidedAt',
  'rejectReason',
  'cancelReason',
  'cancelledBy',
  'cancelledAt',
  'departedAt',
  'departedBy',
  'arrivedAt',
  'arrivalConfirmedBy',
  'movementId',
];

/**
 * Whether the case has an `arrived` return to `country` (ISO 3166-1 alpha-3): what the case's
 * closure with reason `returned` needs, and what lets a reintegration plan start for a returnee
 * home in Mali (`MLI`, DESIGN §6). No access check: the caller has already loaded the case.
 */
export async function hasArrivedReturnTo(em: EntityManager, caseId: string, country: string): Promise<boolean> {
  const rows = await em.query(`SELECT 1 FROM returns WHERE case_id = $1 AND status = 'arrived' AND destination_country = $2 LIMIT 1`, [caseId, country]);
  return rows.length > 0;
}

/** Whether the case has an `arrived` return, to any country. */
export async function hasArrivedReturn(em: EntityManager, caseId: string): Promise<boolean> {
  return (await em.query(`SELECT 1 FROM returns WHERE case_id = $1 AND status = 'arrived' LIMIT 1`, [caseId])).length > 0;
}

/** The case's return in progress (draft, submitted, approved), if any: its id and status. */
export async function returnInProgress(em: EntityManager, caseId: string): Promise<{ id: string; status: string } | null> {
  const [row] = await em.query(`SELECT id, status FROM returns WHERE case_id = $1 AND status IN ('draft', 'submitted', 'approved') LIMIT 1`, [caseId]);
  return row ?? null;
}

/**
 * The SQL of returns: the returns an actor may read (the rules of return.rules.ts, in SQL), one
 * return loaded or row-locked under them, the pipeline and a case's list, the versioned write, and
 * the case facts a departure is checked against. Takes `em` first and never opens a transaction.
 */
@Injectable()
export class ReturnsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  /** The returns the actor may read, to narrow further. */
  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Return> {
    return readableBy(em, actor, Return, 'Return', 'rt', RETURN_FIELDS);
  }

  /** A visible return, else 404. */
  async findVisible(em: EntityManager, actor: Actor, id: string): Promise<Return> {
    return this.one(this.visible(em, actor).andWhere('rt.id = :id', { id }));
  }

  /** A visible return, row-locked until the transaction `em` ends (else 404): concurrent actions on it serialize. */
  async lockVisible(em: EntityManager, actor: Actor, id: string): Promise<Return> {
    return this.one(this.visible(em, actor).andWhere('rt.id = :id', { id }).setLock('pessimistic_write', undefined, ['rt']));
  }

  /** The pipeline: by status, destination country and the (Mali) days it was opened, newest first. */
  list(em: EntityManager, actor: Actor, filter: ReturnFilter, page: PageRequest): Promise<Page<Return>> {
    const qb = this.visible(em, actor);
    if (filter.status) qb.andWhere('rt.status = :status', { status: filter.status });
    if (filter.destinationCountry) qb.andWhere('rt.destination_country = :country', { country: filter.destinationCountry });
    whereDayRange(qb, 'rt.created_at', filter);
    return this.page(qb, page, 'returns');
  }

  /** The visible returns of one case, newest first. */
  listForCase(em: EntityManager, actor: Actor, caseId: string, page: PageRequest): Promise<Page<Return>> {
    return this.page(this.visible(em, actor).andWhere('rt.case_id = :caseId', { caseId }), page, `returns:${caseId}`);
  }

  /** The visible returns of a movement, in id order. */
  inMovement(em: EntityManager, actor: Actor, movementId: string): Promise<Return[]> {
    return this.visible(em, actor).andWhere('rt.movement_id = :movementId', { movementId }).orderBy('rt.id').getMany();
  }

  /** The same, row-locked in id order (the order every multi-return action locks in). */
  lockInMovement(em: EntityManager, actor: Actor, movementId: string): Promise<Return[]> {
    return this.visible(em, actor).andWhere('rt.movement_id = :movementId', { movementId }).orderBy('rt.id').setLock('pessimistic_write', undefined, ['rt']).getMany();
  }

  async insert(em: EntityManager, r: Return): Promise<void> {
    await em.insert(Return, r);
  }

  /**
   * Writes the return's columns and a new version, if its version is still `expected` (412
   * otherwise), and puts the new version and stamp on `r`.
   */
  async persist(em: EntityManager, r: Return, by: string | null, at: Date, expected: number): Promise<void> {
    const set: Record<string, unknown> = {};
    for (const k of WRITABLE) set[k] = r[k];
    const { version } = await updateVersioned(em, Return, { id: r.id, what: 'return' }, { ...set, updatedAt: at }, by, expected);
    Object.assign(r, { version, updatedAt: at, updatedBy: by });
  }

  inProgress(em: EntityManager, caseId: string): Promise<{ id: string; status: string } | null> {
    return returnInProgress(em, caseId);
  }

  hasArrived(em: EntityManager, caseId: string): Promise<boolean> {
    return hasArrivedReturn(em, caseId);
  }

  private async one(qb: SelectQueryBuilder<Return>): Promise<Return> {
    const r = await qb.getOne();
    if (!r) throw new DomainError('NOT_FOUND', 'Return not found');
    return r;
  }

  private page(qb: SelectQueryBuilder<Return>, page: PageRequest, list: string): Promise<Page<Return>> {
    return paginate<Return>(qb, page, byTime(list, 'rt', 'created_at', (r) => r.createdAt), this.cursors);
  }
}
