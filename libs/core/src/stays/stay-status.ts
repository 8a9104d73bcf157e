import { DomainError } from '@passerelle/common';

export const STAY_STATUSES = ['active', 'checked_out'] as const;
export type StayStatus = (typeof STAY_STATUSES)[number];
/** `extend`: request or decide an extension, which keeps the stay active; only an active stay has one. */
export type StayAction = 'checkOut' | 'extend';

export const EXTENSION_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];
/** `cancel`: the stay ended (check-out) while the request was still pending. */
export type ExtensionAction = 'approve' | 'reject' | 'cancel';

/** DESIGN §5: extensions of 1 to 30 days each (issue 7). */
export const EXTENSION_DAYS = { min: 1, max: 30 } as const;
const DAY = 86_400_000;

const STAY_TRANSITIONS: Record<StayAction, { from: StayStatus[]; to: StayStatus }> = {
  checkOut: { from: ['active'], to: 'checked_out' },
  extend: { from: ['active'], to: 'active' },
};

const EXTENSION_TRANSITIONS: Record<ExtensionAction, { from: ExtensionStatus[]; to: ExtensionStatus }> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  cancel: { from: ['pending'], to: 'cancelled' },
};

const LABEL: Record<StayAction, string> = { checkOut: 'check out', extend: 'extend' };

/** Whether the tables allow the action: what next*Status check, and what `actions` lists. */
export const stayTransitionAllowed = (from: StayStatus, action: StayAction): boolean => STAY_TRANSITIONS[action].from.includes(from);
export const extensionTransitionAllowed = (from: ExtensionStatus, action: ExtensionAction): boolean => EXTENSION_TRANSITIONS[action].from.includes(from);

export function nextStayStatus(from: StayStatus, action: StayAction): StayStatus {
  const t = STAY_TRANSITIONS[action];
  if (!stayTransitionAllowed(from, action)) throw new DomainError('INVALID_TRANSITION', `cannot ${LABEL[action]} a ${from.replace('_', ' ')} stay`);
  return t.to;
}

export function nextExtensionStatus(from: ExtensionStatus, action: ExtensionAction): ExtensionStatus {
  const t = EXTENSION_TRANSITIONS[action];
  if (!extensionTransitionAllowed(from, action)) throw new DomainError('INVALID_TRANSITION', `cannot ${action} a ${from} extension request`);
  return t.to;
}

/** DESIGN §5: check-in + the site's maxStayDays; an approved extension adds its days to the current date. */
export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY);
}
