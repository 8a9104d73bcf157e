import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, type Page, type PageRequest, stampedBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { nextNumber } from '../numbering/index.js';
import { OrganizationsRepository } from '../organizations/index.js';
import { manifestCsv, renderManifestPdf } from './manifest.js';
import { MovementsRepository } from './movements.repository.js';
import { ReturnDeparturesService } from './return-departures.service.js';
import { Movement, type Return } from './return.entity.js';
import { requireReturnCapability } from './return.rules.js';
import { nextMovementStatus, nextReturnStatus } from './return-status.js';
import type { CreateMovementInput, ManifestRow, MovementFilter, MovementView } from './return.types.js';
import { ReturnsRepository } from './returns.repository.js';

const snapshot = (m: Movement) => ({
  status: m.status,
  reference: m.reference,
  departureDate: m.departureDate,
  carrier: m.carrier,
  vehicle: m.vehicle,
  escortStaff: m.escortStaff,
  departedAt: m.departedAt?.toISOString() ?? null,
  cancelledAt: m.cancelledAt?.toISOString() ?? null,
  cancelReason: m.cancelReason,
});

const target = (m: Movement) => ({ type: 'Movement', id: m.id, organizationId: m.owningOrganizationId });

/**
 * Movements (convoys, DESIGN §6): approved returns of one organization leaving together, managed
 * by its managers. A movement's events are written once per return in it, with `details.caseId`,
 * so each case's timeline shows the convoy it left with. Departing the movement departs all its
 * returns in one transaction (ReturnDeparturesService.departLocked), or none.
 */
@Injectable()
export class MovementsService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: MovementsRepository,
    private readonly returns: ReturnsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly departures: ReturnDeparturesService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  create(actor: Actor, input: CreateMovementInput): Promise<MovementView> {
    requireReturnCapability(actor);
    assertCan(actor, 'create', 'Movement', { owningOrganizationId: actor.organizationId });
    return this.db.transaction(async (em) => {
      const returns = await this.lockJoining(em, actor, input.returnIds, null);
      const org = await this.organizations.getById(em, actor.organizationId!);
      const now = this.clock.now();
      const year = now.getUTCFullYear();
      const reference = `${org.code}-MV-${year}-${String(await nextNumber(em, `movement:${org.id}`, year)).padStart(5, '0')}`;
      const m = em.create(Movement, {
        reference,
        owningOrganizationId: org.id,
        status: 'planned',
        departureDate: input.departureDate,
        carrier: input.carrier.trim(),
        vehicle: input.vehicle?.trim() || null,
        escortStaff: (input.escortStaff ?? []).map((s) => s.trim()).filter(Boolean),
        departedAt: null,
        departedBy: null,
        cancelledAt: null,
        cancelledBy: null,
        cancelReason: null,
        createdAt: now,
        updatedAt: now,
        ...stampedBy(actor),
      });
      await this.repo.insert(em, m);
      for (const r of returns) await this.join(em, actor, m, r, 'movement.created', diff(null, snapshot(m)));
      return { movement: m, returns: await this.returns.inMovement(em, actor, m.id) };
    });
  }

  /** Puts an approved return of the organization in a planned movement. */
  addReturn(actor: Actor, id: string, returnId: string): Promise<MovementView> {
    return this.edit(actor, id, async (em, m) => {
      const [r] = await this.lockJoining(em, actor, [returnId], m.id);
      if (r.movementId !== m.id) await this.join(em, actor, m, r, 'movement.return_added');
    });
  }

  /** Takes a return out of a planned movement; it stays approved and may leave another way. */
  removeReturn(actor: Actor, id: string, returnId: string): Promise<MovementView> {
    return this.edit(actor, id, async (em, m) => {
      const r = await this.returns.lockVisible(em, actor, returnId);
      if (r.movementId !== m.id) throw new DomainError('NOT_FOUND', 'This return is not in this movement');
      const version = r.version;
      r.movementId = null;
      await this.returns.persist(em, r, actor.userId, this.clock.now(), version);
      await this.audit.record(em, actor, 'movement.return_removed', target(m), { details: { caseId: r.caseId, returnId: r.id, reference: m.reference } });
    });
  }

  /**
   * The convoy leaves: every return in it departs (requirements and consent checked for all
   * first), each migrant's stay ends and active letter is superseded — one transaction.
   */
  depart(actor: Actor, id: string): Promise<MovementView> {
    return this.db.transaction(async (em) => {
      const m = await this.repo.lockVisible(em, actor, id); // 404
      requireReturnCapability(actor);
      assertCan(actor, 'depart', 'Movement', m); // 403
      const status = nextMovementStatus(m.status, 'depart'); // 409
      const returns = await this.returns.lockInMovement(em, actor, m.id);
      if (!returns.length) throw new DomainError('CONFLICT', 'The movement has no returns: add approved returns before it departs');
      for (const r of returns) assertCan(actor, 'depart', 'Return', r);
      const before = snapshot(m);
      const effects = await this.departures.departLocked(em, actor, returns, m);
      const now = this.clock.now();
      Object.assign(m, { status, departedAt: now, departedBy: actor.userId, updatedAt: now, updatedBy: actor.userId });
      await this.repo.update(em, m.id, { status, departedAt: now, departedBy: actor.userId, updatedAt: now, updatedBy: actor.userId });
      const changes = diff(before, snapshot(m));
      for (const r of returns) {
        await this.audit.record(em, actor, 'movement.departed', target(m), { changes, details: { caseId: r.caseId, returnId: r.id, reference: m.reference, ...effects.get(r.id) } });
      }
      return { movement: m, returns: await this.returns.inMovement(em, actor, m.id) };
    });
  }

  /**
   * The convoy is called off before it leaves (insecurity on the road, no vehicle): every return
   * in it leaves it and stays approved, to join another movement or depart alone. One event per
   * return, on its case's timeline, like every movement event.
   */
  cancel(actor: Actor, id: string, reason: string): Promise<MovementView> {
    return this.db.transaction(async (em) => {
      const m = await this.repo.lockVisible(em, actor, id); // 404
      requireReturnCapability(actor);
      assertCan(actor, 'cancel', 'Movement', m); // 403
      const status = nextMovementStatus(m.status, 'cancel'); // 409
      const returns = await this.returns.lockInMovement(em, actor, m.id);
      const before = snapshot(m);
      const now = this.clock.now();
      const change = { status, cancelledAt: now, cancelledBy: actor.userId, cancelReason: reason.trim(), updatedAt: now, updatedBy: actor.userId };
      Object.assign(m, change);
      await this.repo.update(em, m.id, change);
      const changes = diff(before, snapshot(m));
      for (const r of returns) {
        const version = r.version;
        r.movementId = null;
        await this.returns.persist(em, r, actor.userId, this.clock.now(), version);
        await this.audit.record(em, actor, 'movement.cancelled', target(m), { changes, details: { caseId: r.caseId, returnId: r.id, reference: m.reference } });
      }
      if (!returns.length) await this.audit.record(em, actor, 'movement.cancelled', target(m), { changes, details: { reference: m.reference } });
      return { movement: m, returns: await this.returns.inMovement(em, actor, m.id) };
    });
  }

  async get(actor: Actor, id: string): Promise<MovementView> {
    const m = await this.repo.findVisible(this.db.manager, actor, id);
    return { movement: m, returns: await this.returns.inMovement(this.db.manager, actor, m.id) };
  }

  list(actor: Actor, filter: MovementFilter, page: PageRequest): Promise<Page<Movement>> {
    return this.repo.list(this.db.manager, actor, filter, page);
  }

  /**
   * The manifest (DESIGN §6): one row per migrant of the movement, in case-number order. It lists
   * names and travel documents: every download is audited on each case's trail (DESIGN §7).
   */
  async manifest(actor: Actor, id: string, format: 'csv' | 'pdf'): Promise<{ movement: Movement; body: Buffer }> {
    const m = await this.repo.findVisible(this.db.manager, actor, id);
    const rows = await this.manifestRows(m);
    const body = format === 'csv' ? Buffer.from(manifestCsv(rows), 'utf8') : await renderManifestPdf(m, rows, this.clock.now());
    await this.db.transaction(async (em) => {
      for (const r of await this.returns.inMovement(em, actor, m.id)) {
        await this.audit.record(em, actor, 'movement.manifest_viewed', target(m), { details: { caseId: r.caseId, returnId: r.id, reference: m.reference, format } });
      }
    });
    return { movement: m, body };
  }

  async manifestRows(m: Movement): Promise<ManifestRow[]> {
    const rows = await this.repo.manifestRecords(this.db.manager, m.id);
    return rows.map((r) => ({
      movementDate: m.departureDate,
      carrier: m.carrier,
      vehicle: m.vehicle ?? '',
      caseNumber: r.case_number,
      fullName: `${r.given_name} ${r.family_name}`,
      sex: r.sex,
      dateOfBirth: r.date_of_birth ? `${r.date_of_birth}${r.birth_date_estimated ? ' (estimated)' : ''}` : r.birth_year ? `${r.birth_year} (year only)` : '',
      nationality: r.nationality ?? '',
      destinationCountry: r.destination_country,
      destinationLocality: r.destination_locality,
      travelDocumentType: r.travel_document?.type ?? '',
      travelDocumentNumber: r.travel_document?.number ?? '',
      escortRequired: r.escort_required,
    }));
  }

  /** A change of a planned movement's returns, under its row lock (404 → 403 → 409). */
  private edit(actor: Actor, id: string, apply: (em: EntityManager, m: Movement) => Promise<void>): Promise<MovementView> {
    return this.db.transaction(async (em) => {
      const m = await this.repo.lockVisible(em, actor, id);
      requireReturnCapability(actor);
      assertCan(actor, 'update', 'Movement', m);
      nextMovementStatus(m.status, 'edit');
      await apply(em, m);
      return { movement: m, returns: await this.returns.inMovement(em, actor, m.id) };
    });
  }

  /**
   * Locks the returns to put in a movement, in id order: each one the actor may see (404, as for
   * the case of a check-in: no existence leak), approved (409 INVALID_TRANSITION), in no other
   * movement (409).
   */
  private async lockJoining(em: EntityManager, actor: Actor, ids: string[], movementId: string | null): Promise<Return[]> {
    const unique = [...new Set(ids)].sort();
    if (!unique.length) throw validationFailed([{ field: 'returnIds', message: 'must name at least one approved return' }]);
    const found: Return[] = [];
    for (const id of unique) {
      const r = await this.returns.lockVisible(em, actor, id);
      assertCan(actor, 'depart', 'Return', r);
      nextReturnStatus(r.status, 'join');
      if (r.movementId && r.movementId !== movementId) throw new DomainError('CONFLICT', `The return of ${r.caseNumber} is already in another movement: take it out of that one first`, { extra: { returnId: r.id, movementId: r.movementId } });
      found.push(r);
    }
    return found;
  }

  private async join(em: EntityManager, actor: Actor, m: Movement, r: Return, action: string, changes: ReturnType<typeof diff> | null = null): Promise<void> {
    const version = r.version;
    r.movementId = m.id;
    await this.returns.persist(em, r, actor.userId, this.clock.now(), version);
    await this.audit.record(em, actor, action, target(m), { changes, details: { caseId: r.caseId, returnId: r.id, reference: m.reference } });
  }
}
