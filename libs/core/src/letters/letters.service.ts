import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, APP_CONFIG, type AppConfig, assertCan, canOn, Clock, DomainError, type Page, type PageRequest, type SigningKey, SigningKeys, stampedBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { type Case, CasesRepository } from '../cases/index.js';
import { nextNumber } from '../numbering/index.js';
import { OrganizationsRepository } from '../organizations/index.js';
import { ReferralsRepository } from '../referrals/index.js';
import { Letter } from './letter.entity.js';
import { renderLetterPdf } from './letter-pdf.js';
import { requireLetterCapability } from './letter.rules.js';
import { LettersRepository } from './letters.repository.js';
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
    private readonly repo: LettersRepository,
    private readonly caseRepo: CasesRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly referrals: ReferralsRepository,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    private readonly keys: SigningKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(actor: Actor, caseId: string, input: IssueLetterInput): Promise<LetterView> {
    const errors = validityErrors(input.validFrom, input.validUntil, maliToday(this.clock.now()));
    if (errors.length) throw validationFailed(errors);
    assertCan(actor, 'create', 'Letter');
    requireLetterCapability(actor); // 403, whatever the case
    return this.db.transaction(async (em) => {
      // The case row lock queues concurrent issuances for one case: each supersedes the one before.
      const c = await this.caseRepo.lockVisible(em, actor, caseId); // 404
      await this.assertMayActOn(em, actor, c); // 403
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to issue a letter');
      const issuer = await this.organizations.getById(em, actor.organizationId!);
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
        ...stampedBy(actor),
      });
      await this.repo.insert(em, letter);
      await this.audit.record(em, actor, 'letter.issued', this.target(letter), { changes: diff(null, snapshot(letter)), details: { caseId: c.id, serialNumber } });
      return this.view(await this.repo.findVisible(em, actor, id));
    });
  }

  revoke(actor: Actor, id: string, reason: string): Promise<LetterView> {
    return this.db.transaction(async (em) => {
      // Row lock: of two concurrent revocations the second waits, then gets 409.
      const l = await this.repo.lockVisible(em, actor, id); // 404
      assertCan(actor, 'revoke', 'Letter', l); // 403
      const before = snapshot(l);
      const now = this.clock.now();
      Object.assign(l, { status: nextLetterStatus(l.status, 'revoke'), revokedAt: now, revokedBy: actor.userId, revokeReason: reason.trim() }); // 409
      await this.repo.persist(em, l, actor.userId, now);
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
    const active = await this.repo.lockActiveOf(em, caseId);
    if (!active) return null;
    const before = snapshot(active);
    const now = this.clock.now();
    Object.assign(active, { status: nextLetterStatus(active.status, 'supersede'), supersededAt: now, supersededByLetterId: byLetterId });
    await this.repo.persist(em, active, actor.userId, now);
    await this.audit.record(em, actor, 'letter.superseded', this.target(active), {
      changes: diff(before, snapshot(active)),
      details: { caseId, serialNumber: active.serialNumber, cause },
    });
    return active;
  }

  /** One letter; reading it (a person's identity) is audited. */
  async get(actor: Actor, id: string): Promise<LetterView> {
    const l = await this.repo.findVisible(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'letter.viewed', this.target(l), { details: { caseId: l.caseId } });
    return this.view(l);
  }

  /** The letter as a one-page A4 PDF with its QR code; every download is audited (DESIGN §7). */
  async pdf(actor: Actor, id: string): Promise<{ letter: Letter; pdf: Buffer }> {
    const l = await this.repo.findVisible(this.db.manager, actor, id);
    if (!l.holder) throw new DomainError('CASE_ANONYMIZED', 'The case of this letter is anonymized: there is no holder to print');
    const issuedBy = l.createdBy ? await this.repo.issuerName(this.db.manager, l.createdBy) : null;
    const pdf = await renderLetterPdf({
      serialNumber: l.serialNumber,
      issuer: { code: l.issuingOrganization!.code, name: l.issuingOrganization!.name },
      holder: l.holder,
      validFrom: l.validFrom,
      validUntil: l.validUntil,
      route: l.route,
      purpose: l.purpose,
      issuedAt: l.createdAt,
      issuedBy,
      verificationUrl: verificationUrl(this.config.publicBaseUrl, l.verificationToken),
      keysUrl: `${this.config.publicBaseUrl}/api/v1/public/letters/keys`,
    });
    await this.audit.record(null, actor, 'letter.pdf_viewed', this.target(l), { details: { caseId: l.caseId, serialNumber: l.serialNumber } });
    return { letter: l, pdf };
  }

  /** The register of the actor's organization: the letters it issued that the actor may read, newest first. */
  list(actor: Actor, filter: LetterFilter, page: PageRequest): Promise<Page<LetterView>> {
    return this.views(this.repo.register(this.db.manager, actor, actor.organizationId, filter, maliToday(this.clock.now()), page));
  }

  /** The letters of one case (404 when the case is hidden from the actor and none of its letters is theirs). */
  async listForCase(actor: Actor, caseId: string, page: PageRequest): Promise<Page<LetterView>> {
    const result = await this.views(this.repo.listForCase(this.db.manager, actor, caseId, page));
    if (!result.items.length && !page.cursor && !(await this.repo.caseVisible(this.db.manager, actor, caseId))) {
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
    const l = await this.repo.findForCheck(this.db.manager, claims.jti);
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

  /**
   * DESIGN §6 "a case its user may act on": one of the organization's own that the actor may
   * edit, or one referred to the organization for a letter, once it accepted the referral.
   */
  private async assertMayActOn(em: EntityManager, actor: Actor, c: Case): Promise<void> {
    if (canOn(actor, 'update', 'Case', c)) return;
    if (c.owningOrganizationId !== actor.organizationId && (await this.referrals.findAccepted(em, c.id, actor.organizationId!, { serviceType: 'indulgence_letter' }))) return;
    throw new DomainError('FORBIDDEN', 'You may issue letters only for cases you work on, or referred to your organization for a letter and accepted');
  }

  private async views(found: Promise<Page<Letter>>): Promise<Page<LetterView>> {
    const { items, nextCursor } = await found;
    return { items: items.map((l) => this.view(l)), nextCursor };
  }

  private view(l: Letter): LetterView {
    const anonymized = l.holder === null;
    return { letter: l, state: letterState(l, maliToday(this.clock.now())), verificationUrl: anonymized ? null : verificationUrl(this.config.publicBaseUrl, l.verificationToken) };
  }

  private target(l: Letter) {
    return { type: 'Letter', id: l.id, organizationId: l.owningOrganizationId };
  }
}
