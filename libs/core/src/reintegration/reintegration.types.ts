import type { PlanStatus } from './plan-status.js';
import type { ReintegrationItem, ReintegrationPlan } from './reintegration.entity.js';
import type { ReintegrationDimension, ReintegrationItemType, VisitType } from './reintegration-vocabulary.js';
import type { Answers } from './scoring.js';

export interface CreatePlanInput {
  summary?: string;
}
export interface UpdatePlanInput {
  summary?: string | null;
}
export interface ItemInput {
  type: ReintegrationItemType;
  /** Optional: follows from the type; when given it must agree. */
  dimension?: ReintegrationDimension;
  description: string;
  budgetXof: number;
  partnerOrganizationId?: string | null;
}
export type UpdateItemInput = Partial<ItemInput>;
export interface DeliverItemInput {
  deliveredOn: string;
  evidenceNote: string;
}
export interface VisitInput {
  visitDate: string;
  visitType: VisitType;
  visitedBy: string;
  answers: Answers;
  /** The scheme to score with; by default the organization's latest (else the shipped one). */
  schemeId?: string;
}
export interface PlanFilter {
  status?: PlanStatus;
  caseId?: string;
  from?: string;
  to?: string;
}
/** A plan with its items, oldest first. */
export interface PlanView {
  plan: ReintegrationPlan;
  items: ReintegrationItem[];
}
export interface ReintegrationSettings {
  organizationId: string;
  budgetCeilingXof: number | null;
}
