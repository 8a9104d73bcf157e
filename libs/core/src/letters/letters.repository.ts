import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy, whereDayRange } from '@passerelle/common';
import { caseAssigneeSql, CasesRepository, caseSiteSql } from '../cases/index.js';
import { User } from '../users/index.js';
import { Letter } from './letter.entity.js';
import type { LetterFilter } from './letter.types.js';

/** The SQL of the rules' fields (letter.rules.ts): what `readableBy` turns their conditions into. */
export const LETTER_FIELDS: FieldMap = {
  id: 'l.id',
  issuingOrganizationId: 'l.issuing_organization_id',
  owningOrganizationId: 'l.owning_organization_id',
  createdBy: 'l.created_by',
  caseSiteId: caseSiteSql('l'),
  caseAssignedTo: caseAssigneeSql('l'),
};

/** Columns a transition writes. */
const ENDING: (keyof Letter)[] = ['status', 'supersededAt', 'supersededByLetterId', 'revokedAt', 'revokedBy', 'revokeReason'];

/**
 * The SQL of letters: the letters an actor may read (the rules of letter.rules.ts, in SQL) with
 * their issuer, one loaded or row-locked, a case's active letter locked, the register and a case's
 * list, the public check's load and the writes. Takes `em` first and never opens a transaction.
 */
@Injectable()
export class LettersRepository {
  constructor(
    private readonly caseRepo: CasesRepository,
    private readonly cursors: CursorCodec,
  ) {}

  /** The letters the actor may read, each with its issuing organization. */
  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Letter> {
    return readableBy(em, actor, Letter, 'Letter', 'l', LETTER_FIELDS).innerJoinAndSelect('l.issuingOrganization', 'io');
  }

  /** A visible letter, else 404. */
  findVisible(em: EntityManager, actor: Actor, id: string): Promise<Letter> {
    return this.one(this.visible(em, actor).andWhere('l.id = :id', { id }));
  }

  /** A visible letter, row-locked until the transaction `em` ends (else 404). */
  lockVisible(em: EntityManager, actor: Actor, id: string): Promise<Letter> {
    return this.one(this.visible(em, actor).andWhere('l.id = :id', { id }).setLock('pessimistic_write', undefined, ['l']));
  }

  /** The case's active letter, row-locked, if any (no access check: the caller acts on the case). */
  lockActiveOf(em: EntityManager, caseId: string): Promise<Letter | null> {
    return em.getRepository(Letter).createQueryBuilder('l').where(`l.case_id = :caseId AND l.status = 'active'`, { caseId }).setLock('pessimistic_write').getOne();
  }

  /** Any letter by id with its issuer, for the public check (the signed token is the access). */
  findForCheck(em: EntityManager, id: string): Promise<Letter | null> {
    return em.getRepository(Letter).createQueryBuilder('l').innerJoinAndSelect('l.issuingOrganization', 'io').where('l.id = :id', { id }).getOne();
  }

  /**
   * The register of `organizationId`: the letters it issued that the actor may read, by state
   * (`active`/`expired` split on `today`, Mali's date) and the (Mali) days they were issued, newest first.
   */
  register(em: EntityManager, actor: Actor, organizationId: string | null, filter: LetterFilter, today: string, page: PageRequest): Promise<Page<Letter>> {
    const qb = this.visible(em, actor).andWhere('l.issuing_organization_id = :me', { me: organizationId });
    if (filter.status === 'active') qb.andWhere(`l.status = 'active' AND l.valid_until >= :today`, { today });
    else if (filter.status === 'expired') qb.andWhere(`l.status = 'active' AND l.valid_until < :today`, { today });
    else if (filter.status) qb.andWhere('l.status = :status', { status: filter.status });
    whereDayRange(qb, 'l.created_at', filter);
    return this.page(qb, page, 'letters');
  }

  /** The visible letters of one case, newest first. */
  listForCase(em: EntityManager, actor: Actor, caseId: string, page: PageRequest): Promise<Page<Letter>> {
    return this.page(this.visible(em, actor).andWhere('l.case_id = :caseId', { caseId }), page, `letters:${caseId}`);
  }

  /** Whether the actor may see the case (for the 404 of a case list with none of their letters). */
  caseVisible(em: EntityManager, actor: Actor, caseId: string): Promise<boolean> {
    return this.caseRepo.visible(em, actor).andWhere('c.id = :caseId', { caseId }).getExists();
  }

  /** The display name of the user who issued a letter, for its PDF. */
  async issuerName(em: EntityManager, userId: string): Promise<string | null> {
    const user = await em.getRepository(User).findOne({ where: { id: userId }, select: { id: true, displayName: true } });
    return user?.displayName ?? null;
  }

  async insert(em: EntityManager, l: Letter): Promise<void> {
    await em.insert(Letter, l);
  }

  /** Writes what a transition changed (status and its dates, reason, successor) and the stamp, also on `l`. */
  async persist(em: EntityManager, l: Letter, by: string | null, at: Date): Promise<void> {
    const set = Object.fromEntries(ENDING.map((k) => [k, l[k]]));
    await em.update(Letter, { id: l.id }, { ...set, updatedAt: at, updatedBy: by });
    Object.assign(l, { updatedAt: at, updatedBy: by });
  }

  private async one(qb: SelectQueryBuilder<Letter>): Promise<Letter> {
    const l = await qb.getOne();
    if (!l) throw new DomainError('NOT_FOUND', 'Letter not found');
    return l;
  }

  private page(qb: SelectQueryBuilder<Letter>, page: PageRequest, list: string): Promise<Page<Letter>> {
    return paginate<Letter>(qb, page, byTime(list, 'l', 'created_at', (l) => l.createdAt), this.cursors);
  }
}
