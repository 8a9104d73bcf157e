import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, VirtualColumn } from 'typeorm';
import { Stamped } from '@passerelle/common';
import { Case, caseAssigneeSql, caseSiteSql } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import type { MovementStatus, ReturnMode, ReturnStatus, TravelDocumentType } from './return-status.js';

/** The document the migrant travels on (DESIGN §6): a passport or a laissez-passer, with its number. */
export interface TravelDocument {
  type: TravelDocumentType;
  number: string;
  issuingCountry?: string;
}

/** One stage of the journey home. */
export interface ReturnLeg {
  from: string;
  to: string;
  /** ISO 8601 UTC. */
  departAt: string;
  carrier: string;
}

/** Who accompanies the migrant, when an escort is required (vulnerable cases). */
export interface ReturnEscort {
  name: string;
  phone?: string;
}

/**
 * A convoy (DESIGN §6): approved returns of one organization leaving together on one date, with
 * one carrier or vehicle and its escort staff. Departing it departs its returns in one
 * transaction. `{ORGCODE}-MV-{YYYY}-{NNNNN}` numbers it for the manifest.
 */
@Entity('movements')
@Index('movements_reference_key', ['reference'], { unique: true })
@Index('movements_owner_departure_idx', ['owningOrganizationId', 'departureDate', 'id'])
@Check('movements_status_check', `status IN ('planned', 'departed', 'cancelled')`)
@Check('movements_departed_check', `(status = 'departed') = (departed_at IS NOT NULL)`)
@Check('movements_cancelled_check', `(status = 'cancelled') = (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)`)
export class Movement extends Stamped {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'movements_pkey' }) id: string;
  @Column('text') reference: string;
  @Column('uuid') owningOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owning_organization_id', foreignKeyConstraintName: 'movements_owning_organization_id_fkey' })
  owningOrganization?: Relation<Organization>;
  @Column('text') status: MovementStatus;
  @Column('date') departureDate: string;
  /** The transport company or airline. */
  @Column('text') carrier: string;
  /** Vehicle plate, bus or flight number. */
  @Column('text', { nullable: true }) vehicle: string | null;
  /** Staff escorting the convoy, by name. */
  @Column('text', { array: true, default: () => "'{}'" }) escortStaff: string[];
  @Column('timestamptz', { nullable: true }) departedAt: Date | null;
  @Column('uuid', { nullable: true }) departedBy: string | null;
  /** Called off before it left (migration 1796620000000): its returns left it, still approved. */
  @Column('timestamptz', { nullable: true }) cancelledAt: Date | null;
  @Column('uuid', { nullable: true }) cancelledBy: string | null;
  @Column('text', { nullable: true }) cancelReason: string | null;
}

/**
 * A voluntary return (AVRR, DESIGN §6) of one case, organized by the case's organization (which
 * holds the `return` capability). At most one in progress (draft, submitted, approved) per case:
 * `returns_one_in_progress_per_case`, a partial unique index in the migration. Approval is
 * maker-checker, kept by the database too (`returns_maker_checker_check`).
 */
@Entity('returns')
@Index('returns_owner_created_idx', ['owningOrganizationId', 'createdAt', 'id'])
@Index('returns_case_created_idx', ['caseId', 'createdAt', 'id'])
@Index('returns_movement_idx', ['movementId'])
@Index('returns_one_in_progress_per_case', { synchronize: false })
@Check('returns_status_check', `status IN ('draft', 'submitted', 'approved', 'rejected', 'departed', 'arrived', 'cancelled')`)
@Check('returns_mode_check', `mode IN ('road', 'air')`)
@Check('returns_destination_country_check', `destination_country ~ '^[A-Z]{3}$'`)
@Check('returns_pocket_money_check', `pocket_money_xof IS NULL OR pocket_money_xof >= 0`)
@Check('returns_maker_checker_check', `decided_by IS NULL OR submitted_by IS NULL OR decided_by <> submitted_by`)
@Check('returns_rejected_check', `(status = 'rejected') = (reject_reason IS NOT NULL)`)
@Check('returns_cancelled_check', `(status = 'cancelled') = (cancel_reason IS NOT NULL)`)
@Check('returns_departed_check', `(status IN ('departed', 'arrived')) = (departed_at IS NOT NULL)`)
@Check('returns_arrived_check', `(status = 'arrived') = (arrived_at IS NOT NULL AND arrival_confirmed_by IS NOT NULL)`)
export class Return extends Stamped {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'returns_pkey' }) id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'returns_case_id_fkey' })
  case?: Relation<Case>;
  /** The case's organization, which organizes the return (DESIGN §9: every case table carries it). */
  @Column('uuid') owningOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owning_organization_id', foreignKeyConstraintName: 'returns_owning_organization_id_fkey' })
  owningOrganization?: Relation<Organization>;
  @Column('text') status: ReturnStatus;
  /** ISO 3166-1 alpha-3, like the case's nationality. */
  @Column('char', { length: 3 }) destinationCountry: string;
  @Column('text') destinationLocality: string;
  @Column('text') mode: ReturnMode;
  @Column('boolean', { default: false }) escortRequired: boolean;
  @Column('jsonb', { nullable: true }) escort: ReturnEscort | null;
  /** Cash handed to the migrant for the journey, in CFA francs. */
  @Column('integer', { nullable: true }) pocketMoneyXof: number | null;
  @Column('jsonb', { nullable: true }) travelDocument: TravelDocument | null;
  @Column('jsonb', { default: () => "'[]'" }) legs: ReturnLeg[];
  @Column('uuid', { nullable: true }) submittedBy: string | null;
  @Column('timestamptz', { nullable: true }) submittedAt: Date | null;
  /** The manager who approved or rejected it: never the submitter. */
  @Column('uuid', { nullable: true }) decidedBy: string | null;
  @Column('timestamptz', { nullable: true }) decidedAt: Date | null;
  @Column('text', { nullable: true }) rejectReason: string | null;
  @Column('text', { nullable: true }) cancelReason: string | null;
  @Column('uuid', { nullable: true }) cancelledBy: string | null;
  @Column('timestamptz', { nullable: true }) cancelledAt: Date | null;
  @Column('timestamptz', { nullable: true }) departedAt: Date | null;
  @Column('uuid', { nullable: true }) departedBy: string | null;
  @Column('timestamptz', { nullable: true }) arrivedAt: Date | null;
  /** Who confirmed the arrival at destination (a person's name, e.g. the receiving office's staff). */
  @Column('text', { nullable: true }) arrivalConfirmedBy: string | null;
  /** The convoy it leaves with, if any. */
  @Column('uuid', { nullable: true }) movementId: string | null;
  @ManyToOne(() => Movement, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'movement_id', foreignKeyConstraintName: 'returns_movement_id_fkey' })
  movement?: Relation<Movement>;
  @Column('integer', { default: 1 }) version: number;

  /** For the rules and the pipeline (never stored): the case's number, site and assignee now. */
  @VirtualColumn({ query: (r) => `(SELECT case_number FROM cases WHERE id = ${r}.case_id)` }) caseNumber: string;
  @VirtualColumn({ query: caseSiteSql }) caseSiteId: string;
  @VirtualColumn({ query: caseAssigneeSql }) caseAssignedTo: string | null;
}
