import { DomainError } from '@passerelle/common';

export const REFERRAL_STATUSES = ['pending', 'accepted', 'declined', 'completed', 'cancelled'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export type ReferralAction = 'accept' | 'decline' | 'complete' | 'cancel';
/** While pending or accepted a referral is live: it may give the receiver a shared view (DESIGN §2). */
export const LIVE_REFERRAL_STATUSES: readonly ReferralStatus[] = ['pending', 'accepted'];

export const URGENCIES = ['emergency', 'high', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];
/** DESIGN §4: the receiver answers within 4 h, 24 h or 72 h of creation. */
export const RESPONSE_HOURS: Record<Urgency, number> = { emergency: 4, high: 24, normal: 72 };

export function respondBy(createdAt: Date, urgency: Urgency): Date {
  return new Date(createdAt.getTime() + RESPONSE_HOURS[urgency] * 3_600_000);
}

const TRANSITIONS: Record<ReferralAction, { from: ReferralStatus[]; to: ReferralStatus }> = {
  accept: { from: ['pending'], to: 'accepted' },
  decline: { from: ['pending'], to: 'declined' },
  complete: { from: ['accepted'], to: 'completed' },
  cancel: { from: ['pending', 'accepted'], to: 'cancelled' },
};

/** Whether the table allows `action` from `from`: what nextReferralStatus checks, and what `actions` lists. */
export const referralTransitionAllowed = (from: ReferralStatus, action: ReferralAction): boolean => TRANSITIONS[action].from.includes(from);

export function nextReferralStatus(from: ReferralStatus, action: ReferralAction): ReferralStatus {
  const t = TRANSITIONS[action];
  if (!referralTransitionAllowed(from, action)) throw new DomainError('INVALID_TRANSITION', `cannot ${action} a ${from} referral`);
  return t.to;
}
