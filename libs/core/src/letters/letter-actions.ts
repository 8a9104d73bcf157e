import { type Actor, canOn } from '@passerelle/common';
import type { Letter } from './letter.entity.js';
import { letterTransitionAllowed } from './letter-status.js';

/** What may be done to a letter: revoke POST /letters/{id}/revoke; pdf GET /letters/{id}/pdf. */
export const LETTER_ACTIONS = ['revoke', 'pdf'] as const;
export type LetterActionName = (typeof LETTER_ACTIONS)[number];
export const LETTER_ACTION_ENDPOINTS: Record<LetterActionName, string> = { revoke: 'POST /letters/{id}/revoke', pdf: 'GET /letters/{id}/pdf' };

/** The rule and the table of revoke (403, 409); pdf while the letter has a holder (an anonymized case's has none: 409). */
export function letterActions(actor: Actor, l: Letter): LetterActionName[] {
  const out: Record<LetterActionName, boolean> = {
    revoke: letterTransitionAllowed(l.status, 'revoke') && canOn(actor, 'revoke', 'Letter', l),
    pdf: l.holder !== null,
  };
  return LETTER_ACTIONS.filter((a) => out[a]);
}
