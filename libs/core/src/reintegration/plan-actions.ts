import { type Actor, canOn } from '@passerelle/common';
import type { ReintegrationItem, ReintegrationPlan } from './reintegration.entity.js';
import { type PlanAction, planTransitionAllowed } from './plan-status.js';
import { holdsReintegrationCapability, makerOf } from './reintegration.rules.js';

/**
 * What may be done to a reintegration plan: edit PATCH /reintegration-plans/{id} (and its items
 * while a draft); submit, approve, reject, complete POST …/{id}/…; visit POST …/{id}/visits.
 */
export const PLAN_ACTION_NAMES = ['edit', 'submit', 'approve', 'reject', 'complete', 'visit'] as const;
export type PlanActionName = (typeof PLAN_ACTION_NAMES)[number];
export const PLAN_ACTION_ENDPOINTS: Record<PlanActionName, string> = {
  edit: 'PATCH /reintegration-plans/{id}, POST /reintegration-plans/{id}/items, PATCH /reintegration-plans/{id}/items/{itemId}',
  submit: 'POST /reintegration-plans/{id}/submit',
  approve: 'POST /reintegration-plans/{id}/approve',
  reject: 'POST /reintegration-plans/{id}/reject',
  complete: 'POST /reintegration-plans/{id}/complete',
  visit: 'POST /reintegration-plans/{id}/visits',
};

const RULE: Record<PlanActionName, string> = { edit: 'update', submit: 'submit', approve: 'approve', reject: 'reject', complete: 'complete', visit: 'recordVisit' };

/**
 * The capability, the rules (403), maker-checker (403 SELF_APPROVAL_FORBIDDEN: neither the
 * submitter nor the first approver; reintegration.rules.ts) and the table (409) the services assert. `items`,
 * when the response holds them (a single plan): a plan is submitted with a planned item and
 * completed with none left planned (409 CONFLICT); a list row does not know, and the endpoint
 * keeps its 409. Left to the endpoint: a closed case (409 CONFLICT), a missing consent (409).
 */
export function planActions(actor: Actor, p: ReintegrationPlan, items?: readonly Pick<ReintegrationItem, 'status'>[]): PlanActionName[] {
  if (!holdsReintegrationCapability(actor)) return [];
  const planned = items?.filter((i) => i.status === 'planned').length;
  return PLAN_ACTION_NAMES.filter((a) => {
    if (!planTransitionAllowed(p.status, a as PlanAction) || !canOn(actor, RULE[a], 'ReintegrationPlan', p)) return false;
    if ((a === 'approve' || a === 'reject') && makerOf(actor, p)) return false;
    if (a === 'submit' && planned === 0) return false;
    if (a === 'complete' && planned) return false;
    return true;
  });
}
