import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, VirtualColumn } from 'typeorm';
import { Stamped } from '@passerelle/common';
import { Case } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import { Referral } from '../referrals/index.js';
import { Site } from '../sites/index.js';
import type { ExtensionStatus, StayStatus } from './stay-status.js';

/**
 * DESIGN §5, one definition for the occupancy and the alerts: an active stay (alias `st`) is
 * overdue once its expected check-out has passed, and ending when it falls within the next 24 h.
 */
export const OVERDUE_SQL = (st: string, now: string) => `${st}.expected_check_out_at < CAST(${now} AS timestamptz)`;
export const ENDING_WITHIN_24H_SQL = (st: string, now: string) =>
  `${st}.expected_check_out_at >= CAST(${now} AS timestamptz) AND ${st}.expected_check_out_at <= CAST(${now} AS timestamptz) + interval '24 hours'`;

/**
 * A migrant's stay at a shelter site (DESIGN §5), owned by the shelter's organization; the case
 * may be another organization's, housed under an accepted `shelter` referral (`referralId`).
 * No personal data: the case id only. Capacity is kept by the check-in transaction (site row
 * locked, active stays counted); `stays_one_active_per_case` (partial unique, migration) keeps
 * one active stay per case anywhere. `createdBy` (Stamped): who checked the migrant in.
 */
@Entity('stays')
@Index('stays_owner_checked_in_idx', ['owningOrganizationId', 'checkedInAt', 'id'])
@Index('stays_site_checked_in_idx', ['siteId', 'checkedInAt', 'id'])
@Index('stays_case_idx', ['caseId'])
@Index('stays_one_active_per_case', { synchronize: false })
@Index('stays_active_site_idx', { synchronize: false })
@Check('stays_status_check', `status IN ('active', 'checked_out')`)
@Check('stays_checked_out_check', `(status = 'checked_out') = (checked_out_at IS NOT NULL)`)
@Check('stays_dates_check', `expected_check_out_at > checked_in_at AND (checked_out_at IS NULL OR checked_out_at >= checked_in_at)`)
export class Stay extends Stamped {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'stays_pkey' }) id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'stays_case_id_fkey' })
  case?: Relation<Case>;
  /** The shelter's organization: it runs the stay and reads it (DESIGN §9: every case table carries an owner). */
  @Column('uuid') owningOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owning_organization_id', foreignKeyConstraintName: 'stays_owning_organization_id_fkey' })
  owningOrganization?: Relation<Organization>;
  @Column('uuid') siteId: string;
  @ManyToOne(() => Site, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'stays_site_id_fkey' })
  site?: Relation<Site>;
  /** The accepted shelter referral the migrant came under, when the case is another organization's. */
  @Column('uuid', { nullable: true }) referralId: string | null;
  @ManyToOne(() => Referral, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'stays_referral_id_fkey' })
  referral?: Relation<Referral>;
  @Column('text') status: StayStatus;
  @Column('timestamptz') checkedInAt: Date;
  @Column('timestamptz') expectedCheckOutAt: Date;
  @Column('timestamptz', { nullable: true }) checkedOutAt: Date | null;
  @Column('uuid', { nullable: true }) checkedOutBy: string | null;

  /** The case number, for the shelter's bed board and alerts: no name. */
  @VirtualColumn({ query: (s) => `(SELECT case_number FROM cases WHERE id = ${s}.case_id)` }) caseNumber: string;
}

/**
 * A request to keep the migrant longer (DESIGN §5): made by the shelter's staff, decided by a
 * manager of the shelter's organization who did not make it — the database refuses a decision
 * by the requester too. At most one pending request per stay (partial unique, migration).
 */
@Entity('stay_extensions')
@Index('stay_extensions_stay_idx', ['stayId', 'requestedAt'])
@Index('stay_extensions_one_pending_per_stay', { synchronize: false })
@Check('stay_extensions_status_check', `status IN ('pending', 'approved', 'rejected', 'cancelled')`)
@Check('stay_extensions_days_check', `days BETWEEN 1 AND 30`)
@Check('stay_extensions_decided_check', `(status = 'pending') = (decided_at IS NULL)`)
@Check('stay_extensions_maker_checker_check', `decided_by IS NULL OR decided_by <> requested_by`)
export class StayExtension {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'stay_extensions_pkey' }) id: string;
  @Column('uuid') stayId: string;
  @ManyToOne(() => Stay, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'stay_id', foreignKeyConstraintName: 'stay_extensions_stay_id_fkey' })
  stay?: Relation<Stay>;
  @Column('uuid') owningOrganizationId: string;
  @Column('integer') days: number;
  @Column('text') reason: string;
  @Column('text') status: ExtensionStatus;
  @Column('timestamptz') requestedAt: Date;
  @Column('uuid') requestedBy: string;
  @Column('timestamptz', { nullable: true }) decidedAt: Date | null;
  /** The approving or rejecting manager; null while pending and when a check-out cancelled the request. */
  @Column('uuid', { nullable: true }) decidedBy: string | null;
  @Column('text', { nullable: true }) decisionReason: string | null;
}
