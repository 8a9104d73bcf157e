import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, VirtualColumn } from 'typeorm';
import { Stamped } from '@passerelle/common';
import { Case, caseAssigneeSql, caseSiteSql } from '../cases/index.js';
import type { CaseSection } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import type { Capability } from '../organizations/index.js';
import { Site } from '../sites/index.js';
import type { ReferralStatus, Urgency } from './referral-status.js';

/**
 * A referral from the case's organization to another one, for a service it offers (DESIGN §4).
 * `sharedSections` always holds `identity`; the `case_shares` table (kept by triggers) holds the live
 * ones with an active referral consent: the receiver's shared view of the case.
 */
@Entity('referrals')
@Index('referrals_to_created_idx', ['toOrganizationId', 'createdAt', 'id'])
@Index('referrals_from_created_idx', ['fromOrganizationId', 'createdAt', 'id'])
@Index('referrals_case_idx', ['caseId'])
@Index('referrals_live_to_idx', { synchronize: false })
@Index('referrals_pending_respond_by_idx', { synchronize: false })
@Index('referrals_pending_from_idx', { synchronize: false })
@Index('referrals_pending_to_idx', { synchronize: false })
@Check('referrals_status_check', `status IN ('pending', 'accepted', 'declined', 'completed', 'cancelled')`)
@Check('referrals_urgency_check', `urgency IN ('emergency', 'high', 'normal')`)
@Check('referrals_other_org_check', `to_organization_id <> from_organization_id`)
@Check('referrals_identity_shared_check', `'identity' = ANY(shared_sections)`)
@Check('referrals_declined_check', `(status = 'declined') = (decline_reason IS NOT NULL)`)
@Check('referrals_cancelled_check', `(status = 'cancelled') = (cancel_reason IS NOT NULL)`)
export class Referral extends Stamped {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'referrals_case_id_fkey' })
  case?: Relation<Case>;
  /** The case's organization (the sender): every case table carries it (DESIGN §9). */
  @Column('uuid') owningOrganizationId: string;
  @Column('uuid') fromOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_organization_id', foreignKeyConstraintName: 'referrals_from_organization_id_fkey' })
  fromOrganization?: Relation<Organization>;
  @Column('uuid') toOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_organization_id', foreignKeyConstraintName: 'referrals_to_organization_id_fkey' })
  toOrganization?: Relation<Organization>;
  @Column('uuid', { nullable: true }) toSiteId: string | null;
  @ManyToOne(() => Site, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_site_id', foreignKeyConstraintName: 'referrals_to_site_id_fkey' })
  toSite?: Relation<Site>;
  @Column('text') serviceType: Capability;
  @Column('text') urgency: Urgency;
  @Column('text') reason: string;
  @Column('text', { array: true }) sharedSections: CaseSection[];
  @Column('text') status: ReferralStatus;
  @Column('timestamptz') respondBy: Date;
  @Column('timestamptz', { nullable: true }) respondedAt: Date | null;
  @Column('uuid', { nullable: true }) respondedBy: string | null;
  @Column('text', { nullable: true }) declineReason: string | null;
  @Column('timestamptz', { nullable: true }) completedAt: Date | null;
  @Column('uuid', { nullable: true }) completedBy: string | null;
  @Column('text', { nullable: true }) outcome: string | null;
  @Column('timestamptz', { nullable: true }) cancelledAt: Date | null;
  @Column('uuid', { nullable: true }) cancelledBy: string | null;
  @Column('text', { nullable: true }) cancelReason: string | null;

  /** For the rules (never stored): the case's site and assignee now, and whether this referral shares the case now. */
  @VirtualColumn({ query: caseSiteSql }) caseSiteId: string;
  @VirtualColumn({ query: caseAssigneeSql }) caseAssignedTo: string | null;
  // A scalar subquery, so PostgreSQL probes the one referral per row instead of hashing every live share.
  @VirtualColumn({ type: 'boolean', query: (r) => `COALESCE((SELECT true FROM case_shares s WHERE s.referral_id = ${r}.id LIMIT 1), false)` }) live: boolean;
}
