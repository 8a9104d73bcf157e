import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, Clock, DomainError } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { CasesRepository, ConsentsService, ScreeningsService } from '../cases/index.js';
import { LettersService } from '../letters/index.js';
import { StaysService } from '../stays/index.js';
import { returnSnapshot, returnTarget } from './return-audit.js';
import type { Movement, Return } from './return.entity.js';
import { type DepartureRequirement, missingForDeparture, nextReturnStatus } from './return-status.js';
import { ReturnsRepository } from './returns.repository.js';

/** A return's departure facts, read under the case row lock. */
interface Readiness {
  returnId: string;
  caseNumber: string;
  missing: DepartureRequirement[];
  consent: boolean;
}

/** What a departure did besides the return itself: the stay it ended, the letter it superseded. */
export interface DepartureEffects {
  stayId: string | null;
  letterId: string | null;
}

/**
 * The departure of returns (DESIGN §6), one alone (ReturnsService.depart) or a movement's
 * (MovementsService.depart): the requirements and consent of every return, then the stays it
 * ends, the letters it supersedes and the returns themselves, in the caller's transaction.
 */
@Injectable()
export class ReturnDeparturesService {
  constructor(
    private readonly repo: ReturnsRepository,
    private readonly caseRepo: CasesRepository,
    private readonly consents: ConsentsService,
    private readonly screenings: ScreeningsService,
    private readonly stays: StaysService,
    private readonly letters: LettersService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  /**
   * Departs locked, approved returns (DESIGN §6), in the caller's transaction: every return is
   * checked first — a travel document, a leg, fitness to travel `yes` on a medical vulnerability
   * (409 DEPARTURE_REQUIREMENTS_MISSING listing what is missing), an active return consent (409
   * CONSENT_REQUIRED) — and only then does anything change: each migrant is checked out of any
   * active shelter stay, the case's active letter is superseded, and the return departs. Any
   * failure rolls all of it back. Returns lock in id order (a movement's), then each case row.
   */
  async departLocked(em: EntityManager, actor: Actor, returns: Return[], movement: Movement | null): Promise<Map<string, DepartureEffects>> {
    const ordered = [...returns].sort((a, b) => (a.id < b.id ? -1 : 1));
    const checked: Readiness[] = [];
    for (const r of ordered) {
      nextReturnStatus(r.status, 'depart');
      const c = await this.caseRepo.lockById(em, r.caseId);
      const screening = await this.screenings.latest(em, r.caseId);
      const missing = missingForDeparture({
        travelDocument: r.travelDocument,
        legs: r.legs,
        medicalCondition: c.vulnerabilityFlags.includes('medical_condition'),
        fitToTravel: screening?.fitToTravel ?? null,
        escortRequired: r.escortRequired,
        escort: r.escort,
      });
      checked.push({ returnId: r.id, caseNumber: r.caseNumber, missing, consent: !!(await this.consents.activeFor(em, r.caseId, 'return')) });
    }
    const incomplete = checked.filter((x) => x.missing.length);
    if (incomplete.length) {
      const missing = [...new Set(incomplete.flatMap((x) => x.missing))];
      const what = incomplete.map((x) => (ordered.length > 1 ? `${x.caseNumber}: ${x.missing.join(', ')}` : x.missing.join(', '))).join('; ');
      throw new DomainError('DEPARTURE_REQUIREMENTS_MISSING', `Departure needs: ${what}`, { extra: {
        missing,
        returns: incomplete.map(({ returnId, caseNumber, missing: m }) => ({ returnId, caseNumber, missing: m })),
      } });
    }
    const unconsented = checked.filter((x) => !x.consent);
    if (unconsented.length) {
      throw new DomainError('CONSENT_REQUIRED', `No active return consent: ${unconsented.map((x) => x.caseNumber).join(', ')}`, { extra: { returnIds: unconsented.map((x) => x.returnId) } });
    }
    const now = this.clock.now();
    const effects = new Map<string, DepartureEffects>();
    for (const r of ordered) {
      const stay = await this.stays.checkOutForDeparture(em, actor, r.caseId);
      const letter = await this.letters.supersedeActive(em, actor, r.caseId, 'departed');
      const before = returnSnapshot(r);
      const version = r.version;
      Object.assign(r, { status: nextReturnStatus(r.status, 'depart'), departedAt: now, departedBy: actor.userId });
      await this.repo.persist(em, r, actor.userId, this.clock.now(), version);
      const done = { stayId: stay?.id ?? null, letterId: letter?.id ?? null };
      effects.set(r.id, done);
      await this.audit.record(em, actor, 'return.departed', returnTarget(r), {
        changes: diff(before, returnSnapshot(r)),
        details: { caseId: r.caseId, ...(movement ? { movementId: movement.id, movementReference: movement.reference } : {}), ...done },
      });
    }
    return effects;
  }
}
