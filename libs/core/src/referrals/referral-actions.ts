import { type Actor, canOn } from '@passerelle/common';
import type { Referral } from './referral.entity.js';
import { type ReferralAction, referralTransitionAllowed } from './referral-status.js';

/**
 * What may be done to a referral, each naming one endpoint: accept, decline, complete, cancel
 * POST /referrals/{id}/…; recordService POST /cases/{caseId}/services with the referral's id.
 */
export const REFERRAL_ACTIONS = ['accept', 'decline', 'complete', 'cancel', 'recordService'] as const;
export type ReferralActionName = (typeof REFERRAL_ACTIONS)[number];
export const REFERRAL_ACTION_ENDPOINTS: Record<ReferralActionName, string> = {
  accept: 'POST /referrals/{id}/accept',
  decline: 'POST /referrals/{id}/decline',
  complete: 'POST /referrals/{id}/complete',
  cancel: 'POST /referrals/{id}/cancel',
  recordService: 'POST /cases/{caseId}/services with referralId',
};

export interface ReferralActionContext {
  /** The case is shared with the actor through this referral now (ReferralView.case ≠ null): a withdrawn consent ends it. */
  caseShared: boolean;
}

/**
 * The rules (403) and the transition table (409 INVALID_TRANSITION) the service asserts, in
 * memory. recordService: the receiving organization, while it has accepted the referral and the
 * case is still shared with it (ServiceRecordsService.record).
 */
export function referralActions(actor: Actor, r: Referral, ctx: ReferralActionContext): ReferralActionName[] {
  const transition = (a: ReferralAction) => referralTransitionAllowed(r.status, a) && canOn(actor, a, 'Referral', r);
  const out: Record<ReferralActionName, boolean> = {
    accept: transition('accept'),
    decline: transition('decline'),
    complete: transition('complete'),
    cancel: transition('cancel'),
    recordService:
      r.status === 'accepted' && ctx.caseShared && r.toOrganizationId === actor.organizationId && r.owningOrganizationId !== actor.organizationId && actor.ability.can('create', 'ServiceRecord'),
  };
  return REFERRAL_ACTIONS.filter((a) => out[a]);
}
