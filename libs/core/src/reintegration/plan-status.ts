import { DomainError } from '@passerelle/common';

/**
 * A reintegration plan's life (issue 10). `awaiting_second_approval`: the plan's budget was above
 * its organization's ceiling when it was submitted, one manager approved it and a second,
 * different one (neither the submitter nor the first approver) must approve it too.
 */
export const PLAN_STATUSES = ['draft', 'submitted', 'awaiting_second_approval', 'approved', 'in_progress', 'completed', 'rejected'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * `edit`: change the plan or its items (draft only); `deliver`: deliver or cancel an approved
 * item (the first delivery starts the plan); `visit`: record a monitoring visit.
 */
export type PlanAction = 'edit' | 'submit' | 'approve' | 'reject' | 'deliver' | 'complete' | 'visit';
export const PLAN_ACTIONS: readonly PlanAction[] = ['edit', 'submit', 'approve', 'reject', 'deliver', 'complete', 'visit'];

export const ITEM_STATUSES = ['planned', 'delivered', 'cancelled'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export type ItemAction = 'edit' | 'deliver' | 'cancel';
export const ITEM_ACTIONS: readonly ItemAction[] = ['edit', 'deliver', 'cancel'];

/** What a transition needs to know beyond the state: how many approvals the plan needs, how many it has. */
export interface PlanContext {
  approvalsRequired?: 1 | 2;
}

const TRANSITIONS: Record<PlanAction, { from: readonly PlanStatus[]; to: (from: PlanStatus, ctx: PlanContext) => PlanStatus }> = {
  edit: { from: ['draft'], to: (s) => s },
  submit: { from: ['draft'], to: () => 'submitted' },
  // Below the ceiling one approval suffices; above it the first leads to the second (issue 10).
  approve: { from: ['submitted', 'awaiting_second_approval'], to: (s, ctx) => (s === 'submitted' && ctx.approvalsRequired === 2 ? 'awaiting_second_approval' : 'approved') },
  reject: { from: ['submitted', 'awaiting_second_approval'], to: () => 'rejected' },
  // The first delivery (or cancellation) of an approved plan starts its implementation.
  deliver: { from: ['approved', 'in_progress'], to: () => 'in_progress' },
  complete: { from: ['approved', 'in_progress'], to: () => 'completed' },
  // The RSS also serves as the baseline assessment before the plan (domain notes §2.2): any plan but a rejected one.
  visit: { from: ['draft', 'submitted', 'awaiting_second_approval', 'approved', 'in_progress', 'completed'], to: (s) => s },
};

const LABEL: Record<PlanAction, string> = {
  edit: 'change',
  submit: 'submit',
  approve: 'approve',
  reject: 'reject',
  deliver: 'deliver or cancel items of',
  complete: 'complete',
  visit: 'record a visit on',
};

export const planTransitionAllowed = (from: PlanStatus, action: PlanAction): boolean => TRANSITIONS[action].from.includes(from);

export function nextPlanStatus(from: PlanStatus, action: PlanAction, ctx: PlanContext = {}): PlanStatus {
  const t = TRANSITIONS[action];
  if (!planTransitionAllowed(from, action)) throw new DomainError('INVALID_TRANSITION', `cannot ${LABEL[action]} a ${from.replaceAll('_', ' ')} reintegration plan`);
  return t.to(from, ctx);
}

const ITEM_TRANSITIONS: Record<ItemAction, { from: readonly ItemStatus[]; to: (s: ItemStatus) => ItemStatus }> = {
  edit: { from: ['planned'], to: (s) => s },
  deliver: { from: ['planned'], to: () => 'delivered' },
  cancel: { from: ['planned'], to: () => 'cancelled' },
};

export function nextItemStatus(from: ItemStatus, action: ItemAction): ItemStatus {
  const t = ITEM_TRANSITIONS[action];
  if (!t.from.includes(from)) throw new DomainError('INVALID_TRANSITION', `cannot ${action} a ${from} item`);
  return t.to(from);
}

/** Issue 10: a second approver is needed when the budget is strictly above the organization's ceiling (none: never). */
export function approvalsRequired(totalBudgetXof: number, ceilingXof: number | null): 1 | 2 {
  return ceilingXof !== null && totalBudgetXof > ceilingXof ? 2 : 1;
}
