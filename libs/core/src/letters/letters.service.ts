import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import {
  type Actor,
  APP_CONFIG,
  type AppConfig,
  assertCan,
  canOn,
  Clock,
  CursorCodec,
  DomainError,
  type Page,
  type PageRequest,
  paginate,
  readableBy,
  type SigningKey,
  SigningKeys,
  validationFailed,
} from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import type { Case } from '../cases/index.js';
import { CasesService } from '../cases/index.js';
import { nextNumber } from '../numbering/index.js';
import { Organization } from '../organizations/index.js';
import { acceptedReferral } from '../referrals/index.js';
import { User } from '../users/index.js';
import { Letter } from './letter.entity.js';
import { renderLetterPdf } from './letter-pdf.js';
import { LETTER_FIELDS } from './letter.rules.js';
import { checkpointResult, letterState, maliToday, nextLetterStatus, validityErrors } from './letter-status.js';
import { signLetterToken, tokenDigest, verificationUrl, verifyLetterToken } from './letter-token.js';
import type { IssueLetterInput, LetterFilter, LetterVerification, LetterView, SupersedeCause } from './letter.types.js';

/** What the audit trail keeps of a letter. */
const snapshot = (l: Letter) => ({
  status: l.status,
  serialNumber: l.serialNumber,
  issuingOrganizationId: l.issuingOrganizationId,
  validFrom: l.validFrom,
  validUntil: l.validUntil,
  purpose: l.purpose,
  route: l.route,
  holder: l.holder,
  signingKeyId: l.signingKeyId,
  supersededByLetterId: l.supersededByLetterId,
  revokeReason: l.revokeReason,
});

/** Columns a transition writes. */
const ENDING: (keyof Letter)[] = ['status', 'supersededAt', 'supersededByLetterId', 'revokedAt', 'revokedBy', 'revokeReason'];

/**
 * Letters of indulgence (DESIGN §6): issuance, the register, revocation, the printable PDF and
 * the public check of the signed token a letter's QR code carries.
 */
@Injectable()
export class LettersService {
  /** Verification keys: every configured key, by the token's `kid`. */
  private readonly publicKeys: JWTVerifyGetKey = async (header) => {
    const key = this.keys.byKid(header.kid);
    if (!key) throw new Error('not a listed key');
    return key.publicKey;
  };

  constructor(
    private readonly db: DataSource,
    private readonly cases: CasesService,
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
    private readonly clock: Clock,
    private readonly keys: SigningKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(actor: Actor, caseId: string, input: IssueLetterInput): Promise<LetterView> {
    const errors = validityErrors(input.validFrom, input.validUntil, maliToday(this.clock.now()));
    if (errors.length) throw validationFailed(errors);
    assertCan(actor, 'create', 'Letter');
    // DESIGN §1: only an organization with the capability issues letters, whatever the case.
    if (!actor.capabilities.includes('indulgence_letter')) {
      throw new DomainError('CAPABILITY_REQUIRED', `${actor.organizationCode ?? 'Your organization'} does not hold the indulgence_letter capability`);
    }
    return this.db.transaction(async (em) => {
      // The case row lock queues concurrent issuances for one case: each supersedes the one before.
      const c = await this.cases.getVisible(em, actor, caseId, true); // 404
      await this.assertMayActOn(em, actor, c); // 403
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to issue a letter');
      const issuer = await em.findOneByOrFail(Organization, { id: actor.organizationId! });
      const now = this.clock.now();
      const year = now.getUTCFullYear();
      const id = randomUUID();
      const serialNumber = `${issuer.code}-L-${year}-${String(await nextNumber(em, `letter:${issuer.id}`, year)).padStart(5, '0')}`;
      const holder = {
        fullName: `${c.givenName} ${c.familyName}`,
        nationality: c.nationality,
        dateOfBirth: c.dateOfBirth,
        birthYear: c.birthYear,
        birthDateEstimated: c.birthDateEstimated,
      };
      const key = this.keys.current;
      const token = await signLetterToken(key, {
        jti: id,
        sn: serialNumber,
        iss: issuer.code,
        vf: input.validFrom,
        vu: input.validUntil,
        hn: holder.fullName,
        nat: holder.nationality,
      });
      await this.supersedeActive(em, actor, c.id, 'reissued', id);
      const letter = em.create(Letter, {
        id,
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        issuingOrganizationId: issuer.id,
        serialNumber,
        status: 'active',
        validFrom: input.validFrom,
        validUntil: input.validUntil,
        purpose: input.purpose.trim(),
        route: { from: input.route.from.trim(), to: input.route.to.trim(), via: (input.route.via ?? []).map((v) => v.trim()).filter(Boolean) },
        holder,
        verificationToken: token,
        signingKeyId: key.kid,
        supersededAt: null,
        supersededByLetterId: null,
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
        createdAt: now,
        updatedAt: now,
        createdBy: actor.userId,
        updatedBy: actor.userId,
      });
      await em.insert(Letter, letter);
      await this.audit.record(em, actor, 'letter.issued', this.target(letter), { changes: diff(null, snapshot(letter)), details: { caseId: c.id, serialNumber } });
      return this.view(await this.getVisible(em, actor, id));
    });
  }

  revoke(actor: Actor, id: string, reason: string): Promise<LetterView> {
    return this.db.transaction(async (em) => {
      // Row lock: of two concurrent revocations the second waits, then gets 409.
      const l = await this.getVisible(em, actor, id, true); // 404
      assertCan(actor, 'revoke', 'Letter', l); // 403
      const before = snapshot(l);
      const now = this.clock.now();
      Object.assign(l, { status: nextLetterStatus(l.status, 'revoke'), revokedAt: now, revokedBy: actor.userId, revokeReason: reason.trim() }); // 409
      await this.write(em, actor, l, now);
      await this.audit.record(em, actor, 'letter.revoked', this.target(l), { changes: diff(before, snapshot(l)), details: { caseId: l.caseId, serialNumber: l.serialNumber } });
      return this.view(l);
    });
  }

  /**
   * Ends the case's active letter, if any, without revoking it: a new letter replaces it, or the
   * migrant left on their return (issue 9 calls this in the departure's transaction). The caller
   * has already checked that the actor may act on the case; the letter row is locked.
   */
  async supersedeActive(em: EntityManager, actor: Actor, caseId: string, cause: SupersedeCause, byLetterId: string | null = null): Promise<Letter | null> {
    const active = await em.getRepository(Letter).createQueryBuilder('l').where(`l.case_id = :caseId AND l.status = 'active'`, { caseId }).setLock('pessimistic_write').getOne();
    if (!active) return null;
    const before = snapshot(active);
    const now = this.clock.now();
    Object.assign(active, { status: nextLetterStatus(active.status, 'supersede'), supersededAt: now, supersededByLetterId: byLetterId });
    await this.write(em, actor, active, now);
    await this.audit.record(em, actor, 'letter.superseded', this.target(active), {
      changes: diff(before, snapshot(active)),
      details: { caseId, serialNumber: active.serialNumber, cause },
    });
    return active;
  }

  /** One letter; reading it (a person's identity) is audited. */
  async get(actor: Actor, id: string): Promise<LetterView> {
    const l = await this.getVisible(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'letter.viewed', this.target(l), { details: { caseId: l.caseId } });
    return this.view(l);
  }

  /** The letter as a one-page A4 PDF with its QR code; every download is audited (DESIGN §7). */
  async pdf(actor: Actor, id: string): Promise<{ letter: Letter; pdf: Buffer }> {
    const l = await this.getVisible(this.db.manager, actor, id);
    if (!l.holder) throw new DomainError('CASE_ANONYMIZED', 'The case of this letter is anonymized: there is no holder to print');
    const issuedBy = l.createdBy ? await this.db.getRepository(User).findOne({ where: { id: l.createdBy }, select: { id: true, displayName: true } }) : null;
    const pdf = await renderLetterPdf({
      serialNumber: l.serialNumber,
      issuer: { code: l.issuingOrganization!.code, name: l.issuingOrganization!.name },
      holder: l.holder,
      validFrom: l.validFrom,
      validUntil: l.validUntil,
      route: l.route,
      purpose: l.purpose,
      issuedAt: l.createdAt,
      issuedBy: issuedBy?.displayName ?? null,
      verificationUrl: verificationUrl(this.config.publicBaseUrl, l.verificationToken),
      keysUrl: `${this.config.publicBaseUrl}/api/v1/public/letters/keys`,
    });
    await this.audit.record(null, actor, 'letter.pdf_viewed', this.target(l), { details: { caseId: l.caseId, serialNumber: l.serialNumber } });
    return { letter: l, pdf };
  }

  /** The register of the actor's organization: the letters it issued that the actor may read, newest first. */
  list(actor: Actor, filter: LetterFilter, page: PageRequest): Promise<Page<LetterView>> {
    const qb = this.visible(this.db.manager, actor).andWhere('l.issuing_organization_id = :me', { me: actor.organizationId });
    return this.page(this.filtered(qb, filter), page, 'letters');
  }

  /** The letters of one case (404 when the case is hidden from the actor and none of its letters is theirs). */
  async listForCase(actor: Actor, caseId: string, page: PageRequest): Promise<Page<LetterView>> {
    const result = await this.page(this.visible(this.db.manager, actor).andWhere('l.case_id = :caseId', { caseId }), page, `letters:${caseId}`);
    if (!result.items.length && !page.cursor && !(await this.cases.visible(this.db.manager, actor).andWhere('c.id = :caseId', { caseId }).getExists())) {
      throw new DomainError('NOT_FOUND', 'Case not found');
    }
    return result;
  }

  /**
   * The public check (DESIGN §6): anything whose signature does not verify with a listed key is
   * `invalid` and nothing more; a genuine letter's state today with the holder's name and
   * nationality, the issuer and the validity. Each check of a genuine letter is audited in its
   * case's trail (a letter presented at a checkpoint is part of the case's story).
   */
  async verify(token: string, request: { ip?: string; requestId?: string } = {}): Promise<LetterVerification> {
    const claims = await verifyLetterToken(token, this.publicKeys);
    if (!claims) return { result: 'invalid' };
    const l = await this.db.getRepository(Letter).createQueryBuilder('l').innerJoinAndSelect('l.issuingOrganization', 'io').where('l.id = :id', { id: claims.jti }).getOne();
    if (!l) return { result: 'unknown' };
    // Signed with our key but not the token this letter was issued with: never vouch for it. An
    // anonymized case's letter keeps only the token's digest (issue 11).
    if (l.verificationToken !== token && l.verificationToken !== tokenDigest(token)) return { result: 'invalid' };
    const result = checkpointResult(l, maliToday(this.clock.now()));
    await this.audit.record(null, null, 'letter.verified', this.target(l), { details: { caseId: l.caseId, serialNumber: l.serialNumber, result }, ...request });
    return {
      result,
      serialNumber: l.serialNumber,
      // Anonymized: the state, serial, issuer and validity, and no holder.
      holder: l.holder ? { fullName: l.holder.fullName, nationality: l.holder.nationality } : null,
      issuer: { code: l.issuingOrganization!.code, name: l.issuingOrganization!.name },
      validFrom: l.validFrom,
      validUntil: l.validUntil,
    };
  }

  /** The public keys as a JWKS, for checkers that verify offline; several during a rotation. */
  jwks(): { keys: SigningKey['jwk'][] } {
    return { keys: this.keys.keys.map((k) => k.jwk) };
  }

  async getVisible(em: EntityManager, actor: Actor, id: string, lock = false): Promise<Letter> {
    const qb = this.visible(em, actor).andWhere('l.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write', undefined, ['l']);
    const l = await qb.getOne();
    if (!l) throw new DomainError('NOT_FOUND', 'Letter not found');
    return l;
  }

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Letter> {
    return readableBy(em, actor, Letter, 'Letter', 'l', LETTER_FIELDS).innerJoinAndSelect('l.issuingOrganization', 'io');
  }

  /**
   * DESIGN §6 "a case its user may act on": one of the organization's own that the actor may
   * edit, or one referred to the organization for a letter, once it accepted the referral.
   */
  private async assertMayActOn(em: EntityManager, actor: Actor, c: Case): Promise<void> {
    if (canOn(actor, 'update', 'Case', c)) return;
    if (c.owningOrganizationId !== actor.organizationId && (await acceptedReferral(em, c.id, actor.organizationId!, { serviceType: 'indulgence_letter' }))) return;
    throw new DomainError('FORBIDDEN', 'You may issue letters only for cases you work on, or referred to your organization for a letter and accepted');
  }

  private filtered(qb: SelectQueryBuilder<Letter>, filter: LetterFilter): SelectQueryBuilder<Letter> {
    const today = maliToday(this.clock.now());
    if (filter.status === 'active') qb.andWhere(`l.status = 'active' AND l.valid_until >= :today`, { today });
    else if (filter.status === 'expired') qb.andWhere(`l.status = 'active' AND l.valid_until < :today`, { today });
    else if (filter.status) qb.andWhere('l.status = :status', { status: filter.status });
    // Whole days in Mali's time (UTC), whatever the session's zone: `to` includes the day it names.
    if (filter.from) qb.andWhere(`l.created_at >= (CAST(:from AS date)::timestamp AT TIME ZONE 'UTC')`, { from: filter.from });
    if (filter.to) qb.andWhere(`l.created_at < ((CAST(:to AS date) + 1)::timestamp AT TIME ZONE 'UTC')`, { to: filter.to });
    return qb;
  }

  private async page(qb: SelectQueryBuilder<Letter>, page: PageRequest, list: string): Promise<Page<LetterView>> {
    const found = await paginate<Letter>(
      qb,
      page,
      { list, columns: [{ expr: 'l.created_at', cast: 'timestamptz' }, { expr: 'l.id', cast: 'uuid' }], direction: 'DESC', keyOf: (l) => [l.createdAt.toISOString(), l.id] },
      this.cursors,
    );
    return { items: found.items.map((l) => this.view(l)), nextCursor: found.nextCursor };
  }

  private async write(em: EntityManager, actor: Actor, l: Letter, now: Date): Promise<void> {
    const set = Object.fromEntries(ENDING.map((k) => [k, l[k]]));
    await em.update(Letter, { id: l.id }, { ...set, updatedAt: now, updatedBy: actor.userId });
    Object.assign(l, { updatedAt: now, updatedBy: actor.userId });
  }

  private view(l: Letter): LetterView {
    const anonymized = l.holder === null;
    return { letter: l, state: letterState(l, maliToday(this.clock.now())), verificationUrl: anonymized ? null : verificationUrl(this.config.publicBaseUrl, l.verificationToken) };
  }

  private target(l: Letter) {
    return { type: 'Letter', id: l.id, organizationId: l.owningOrganizationId };
  }
}
