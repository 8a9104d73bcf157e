import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, VirtualColumn } from 'typeorm';
import { Stamped } from '@passerelle/common';
import { Case, caseAssigneeSql, caseSiteSql } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import type { ItemStatus, PlanStatus } from './plan-status.js';
import type { ReintegrationDimension, ReintegrationItemType, VisitType } from './reintegration-vocabulary.js';
import type { Answers, VisitScores } from './scoring.js';
import { ScoringScheme } from './scoring-scheme.entity.js';

/** bigint (XOF) and numeric (scores) come back from pg as strings: numbers here, exact within 2^53. */
export const asNumber = { to: (v: number | null | undefined) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/**
 * A returnee's reintegration plan (DESIGN §6, issue 10): owned by the case's organization, which
 * holds the `reintegration` capability. One plan per case that is not rejected
 * (`reintegration_plans_one_per_case`, a partial unique index in the migration). Maker-checker:
 * nobody approves a plan they submitted, and the second approval (above the organization's
 * budget ceiling) is by a third person — reintegration.rules.ts says so (403), the database too.
 */
@Entity('reintegration_plans')
@Index('reintegration_plans_owner_created_idx', ['owningOrganizationId', 'createdAt', 'id'])
@Index('reintegration_plans_case_idx', ['caseId', 'createdAt'])
@Index('reintegration_plans_one_per_case', { synchronize: false })
@Check('reintegration_plans_status_check', `status IN ('draft', 'submitted', 'awaiting_second_approval', 'approved', 'in_progress', 'completed', 'rejected')`)
@Check('reintegration_plans_total_budget_check', `total_budget_xof >= 0`)
@Check('reintegration_plans_approvals_required_check', `approvals_required IS NULL OR approvals_required IN (1, 2)`)
@Check('reintegration_plans_submitted_check', `(status = 'draft') = (submitted_at IS NULL)`)
@Check('reintegration_plans_rejected_check', `(status = 'rejected') = (rejected_at IS NOT NULL)`)
@Check(
  'reintegration_plans_maker_checker_check',
  `(first_approved_by IS NULL OR first_approved_by <> submitted_by) AND (second_approved_by IS NULL OR (second_approved_by <> submitted_by AND second_approved_by <> first_approved_by)) AND (rejected_by IS NULL OR rejected_by <> submitted_by)`,
)
export class ReintegrationPlan extends Stamped {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'reintegration_plans_pkey' }) id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'reintegration_plans_case_id_fkey' })
  case?: Relation<Case>;
  /** The case's organization (DESIGN §9). */
  @Column('uuid') owningOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owning_organization_id', foreignKeyConstraintName: 'reintegration_plans_owning_organization_id_fkey' })
  owningOrganization?: Relation<Organization>;
  @Column('text') status: PlanStatus;
  /** The returnee's goals and circumstances, in the caseworker's words. */
  @Column('text', { nullable: true }) summary: string | null;
  /** Σ budgets of the items not cancelled, kept by the service with every item change. */
  @Column('bigint', { default: 0, transformer: asNumber }) totalBudgetXof: number;
  /** The organization's ceiling when the plan was submitted (null: none); frozen with the items. */
  @Column('bigint', { nullable: true, transformer: asNumber }) budgetCeilingXof: number | null;
  /** 2 when the total was above that ceiling: a second, different manager approves too. */
  @Column('integer', { nullable: true }) approvalsRequired: 1 | 2 | null;
  @Column('timestamptz', { nullable: true }) submittedAt: Date | null;
  @Column('uuid', { nullable: true }) submittedBy: string | null;
  @Column('timestamptz', { nullable: true }) firstApprovedAt: Date | null;
  @Column('uuid', { nullable: true }) firstApprovedBy: string | null;
  @Column('timestamptz', { nullable: true }) secondApprovedAt: Date | null;
  @Column('uuid', { nullable: true }) secondApprovedBy: string | null;
  @Column('timestamptz', { nullable: true }) rejectedAt: Date | null;
  @Column('uuid', { nullable: true }) rejectedBy: string | null;
  @Column('text', { nullable: true }) rejectionReason: string | null;
  /** The first delivery or cancellation of an item once approved. */
  @Column('timestamptz', { nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { nullable: true }) completedAt: Date | null;
  @Column('uuid', { nullable: true }) completedBy: string | null;
  @Column('integer', { default: 1 }) version: number;

  /** For the rules (never stored): the case's site and assignee now, and its number for lists. */
  @VirtualColumn({ query: caseSiteSql }) caseSiteId: string;
  @VirtualColumn({ query: caseAssigneeSql }) caseAssignedTo: string | null;
  @VirtualColumn({ query: (p) => `(SELECT case_number FROM cases WHERE id = ${p}.case_id)` }) caseNumber: string;
}

/** `dimension` follows from `type` (DESIGN §6); the CHECK keeps the two in agreement. */
const TYPE_DIMENSION_SQL =
  `(dimension = 'economic' AND type IN ('livestock_fattening', 'market_gardening', 'welding', 'cutting_and_sewing', 'carpentry', 'masonry', 'petty_trade', 'other_business', 'vocational_training', 'management_training', 'in_kind_kit'))` +
  ` OR (dimension = 'social' AND type IN ('housing', 'education', 'health_referral', 'documentation'))` +
  ` OR (dimension = 'psychosocial' AND type IN ('counselling', 'peer_group'))`;

/** One support item of a plan: a kit, a training, a referral… with its budget and delivery. */
@Entity('reintegration_items')
@Index('reintegration_items_plan_idx', ['planId', 'createdAt', 'id'])
@Index('reintegration_items_owner_idx', ['owningOrganizationId', 'type'])
@Check('reintegration_items_type_check', TYPE_DIMENSION_SQL)
@Check('reintegration_items_status_check', `status IN ('planned', 'delivered', 'cancelled')`)
@Check('reintegration_items_budget_check', `budget_xof >= 0`)
@Check('reintegration_items_delivered_check', `(status = 'delivered') = (delivered_on IS NOT NULL)`)
@Check('reintegration_items_cancelled_check', `(status = 'cancelled') = (cancelled_at IS NOT NULL)`)
export class ReintegrationItem extends Stamped {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'reintegration_items_pkey' }) id: string;
  @Column('uuid') planId: string;
  @ManyToOne(() => ReintegrationPlan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'reintegration_items_plan_id_fkey' })
  plan?: Relation<ReintegrationPlan>;
  @Column('uuid') caseId: string;
  @Column('uuid') owningOrganizationId: string;
  @Column('text') dimension: ReintegrationDimension;
  @Column('text') type: ReintegrationItemType;
  @Column('text') description: string;
  /** Whole francs CFA (XOF has no minor unit). */
  @Column('bigint', { transformer: asNumber }) budgetXof: number;
  /** The supplier or partner organization delivering it, when it is one of the platform's. */
  @Column('uuid', { nullable: true }) partnerOrganizationId: string | null;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'partner_organization_id', foreignKeyConstraintName: 'reintegration_items_partner_organization_id_fkey' })
  partnerOrganization?: Relation<Organization>;
  @Column('text') status: ItemStatus;
  /** The day it was handed over (Mali's calendar day). */
  @Column('date', { nullable: true }) deliveredOn: string | null;
  @Column('text', { nullable: true }) evidenceNote: string | null;
  @Column('uuid', { nullable: true }) deliveredBy: string | null;
  @Column('timestamptz', { nullable: true }) cancelledAt: Date | null;
  @Column('uuid', { nullable: true }) cancelledBy: string | null;
  @Column('text', { nullable: true }) cancelReason: string | null;
}

/**
 * A monitoring visit (issue 10): the Reintegration Sustainability Survey answers and the scores
 * the server computed with `schemeId` at the time. Never re-scored: a newer scheme leaves old
 * visits as they were. The four scores are also columns, for reports.
 */
@Entity('reintegration_visits')
@Index('reintegration_visits_plan_idx', ['planId', 'visitDate', 'id'])
@Index('reintegration_visits_case_idx', ['caseId', 'visitDate', 'id'])
@Index('reintegration_visits_owner_idx', ['owningOrganizationId', 'visitDate'])
@Check('reintegration_visits_type_check', `visit_type IN ('baseline', 'follow_up', 'final')`)
@Check(
  'reintegration_visits_scores_check',
  `(economic_score IS NULL OR economic_score BETWEEN 0 AND 1) AND (social_score IS NULL OR social_score BETWEEN 0 AND 1) AND (psychosocial_score IS NULL OR psychosocial_score BETWEEN 0 AND 1) AND (composite_score IS NULL OR composite_score BETWEEN 0 AND 1)`,
)
export class ReintegrationVisit {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'reintegration_visits_pkey' }) id: string;
  @Column('uuid') planId: string;
  @ManyToOne(() => ReintegrationPlan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'reintegration_visits_plan_id_fkey' })
  plan?: Relation<ReintegrationPlan>;
  @Column('uuid') caseId: string;
  @Column('uuid') owningOrganizationId: string;
  @Column('date') visitDate: string;
  @Column('text') visitType: VisitType;
  /** Who made the visit (a name: a partner's field officer need not be a user). */
  @Column('text') visitedBy: string;
  @Column('jsonb') answers: Answers;
  @Column('uuid') schemeId: string;
  @ManyToOne(() => ScoringScheme, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'scheme_id', foreignKeyConstraintName: 'reintegration_visits_scheme_id_fkey' })
  scheme?: Relation<ScoringScheme>;
  @Column('jsonb') scores: VisitScores;
  @Column('numeric', { precision: 5, scale: 4, nullable: true, transformer: asNumber }) economicScore: number | null;
  @Column('numeric', { precision: 5, scale: 4, nullable: true, transformer: asNumber }) socialScore: number | null;
  @Column('numeric', { precision: 5, scale: 4, nullable: true, transformer: asNumber }) psychosocialScore: number | null;
  @Column('numeric', { precision: 5, scale: 4, nullable: true, transformer: asNumber }) compositeScore: number | null;
  @Column('uuid', { nullable: true }) recordedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
