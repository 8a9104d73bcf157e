import { DomainError, type FieldError } from '@passerelle/common';

/** What is stored: a letter is issued active, and ends superseded (by a new letter, a departure) or revoked. */
export const LETTER_STATUSES = ['active', 'superseded', 'revoked'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];
export type LetterAction = 'revoke' | 'supersede';

/** What the register shows: an active letter past its last day is expired (derived, never stored). */
export const LETTER_STATES = ['active', 'expired', 'superseded', 'revoked'] as const;
export type LetterState = (typeof LETTER_STATES)[number];

/** What a checkpoint is told about a genuine letter, today (DESIGN §6). */
export const CHECKPOINT_RESULTS = ['valid', 'not_yet_valid', 'expired', 'revoked', 'superseded'] as const;
export type CheckpointResult = (typeof CHECKPOINT_RESULTS)[number];

/** DESIGN §6: a letter is valid for at most 30 days. */
export const MAX_VALIDITY_DAYS = 30;
const DAY = 86_400_000;

const TRANSITIONS: Record<LetterAction, { from: LetterStatus[]; to: LetterStatus }> = {
  revoke: { from: ['active'], to: 'revoked' },
  supersede: { from: ['active'], to: 'superseded' },
};

export const letterTransitionAllowed = (from: LetterStatus, action: LetterAction): boolean => TRANSITIONS[action].from.includes(from);

export function nextLetterStatus(from: LetterStatus, action: LetterAction): LetterStatus {
  const t = TRANSITIONS[action];
  if (!letterTransitionAllowed(from, action)) throw new DomainError('INVALID_TRANSITION', `cannot ${action} a ${from} letter`);
  return t.to;
}

/** Today's date in Mali, which keeps UTC all year (no daylight saving): validity is in whole days. */
export const maliToday = (now: Date): string => now.toISOString().slice(0, 10);

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

/**
 * A letter is in force from the start of `validFrom` to the end of `validUntil` (dates, inclusive).
 * `validUntil` comes after `validFrom`, at most 30 days later; no letter starts before the day it is
 * issued (a backdated letter would cover a past no one vouched for).
 */
export function validityErrors(validFrom: string, validUntil: string, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (validFrom < today) errors.push({ field: 'validFrom', message: `must not be before today (${today})` });
  const days = daysBetween(validFrom, validUntil);
  if (days < 1) errors.push({ field: 'validUntil', message: 'must be after validFrom' });
  else if (days > MAX_VALIDITY_DAYS) errors.push({ field: 'validUntil', message: `must be at most ${MAX_VALIDITY_DAYS} days after validFrom (got ${days})` });
  return errors;
}

type Validity = { status: LetterStatus; validFrom: string; validUntil: string };

export function letterState(l: Validity, today: string): LetterState {
  return l.status === 'active' && l.validUntil < today ? 'expired' : l.status;
}

/** Revoked and superseded win over the dates: a withdrawn letter is withdrawn whatever its validity. */
export function checkpointResult(l: Validity, today: string): CheckpointResult {
  if (l.status !== 'active') return l.status;
  if (today > l.validUntil) return 'expired';
  if (today < l.validFrom) return 'not_yet_valid';
  return 'valid';
}
