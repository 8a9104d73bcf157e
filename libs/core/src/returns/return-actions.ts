import { type Actor, canOn } from '@passerelle/common';
import type { Movement, Return } from './return.entity.js';
import { holdsReturnCapability, isOwnSubmission, isReturnDecision } from './return.rules.js';
import { type MovementAction, movementTransitionAllowed, type ReturnAction, returnTransitionAllowed } from './return-status.js';

/**
 * What may be done to a return, each naming one endpoint: editPlan PATCH /returns/{id} with the
 * destination, mode or pocket money; editTravel PATCH with the travel document, legs or escort;
 * submit, approve, reject, depart, arrive, cancel POST /returns/{id}/….
 */
export const RETURN_ACTIONS = ['editPlan', 'editTravel', 'submit', 'approve', 'reject', 'depart', 'arrive', 'cancel'] as const;
export type ReturnActionName = (typeof RETURN_ACTIONS)[number];
export const RETURN_ACTION_ENDPOINTS: Record<ReturnActionName, string> = {
  editPlan: 'PATCH /returns/{id} (destination, mode, pocket money)',
  editTravel: 'PATCH /returns/{id} (travel document, legs, escort)',
  submit: 'POST /returns/{id}/submit',
  approve: 'POST /returns/{id}/approve',
  reject: 'POST /returns/{id}/reject',
  depart: 'POST /returns/{id}/depart',
  arrive: 'POST /returns/{id}/arrive',
  cancel: 'POST /returns/{id}/cancel',
};

/** What may be done to a movement: edit (add or remove returns), depart, cancel POST /movements/{id}/…. */
export const MOVEMENT_ACTIONS = ['edit', 'depart', 'cancel'] as const;
export type MovementActionName = (typeof MOVEMENT_ACTIONS)[number];
export const MOVEMENT_ACTION_ENDPOINTS: Record<MovementActionName, string> = {
  edit: 'POST /movements/{id}/returns, DELETE /movements/{id}/returns/{returnId}',
  depart: 'POST /movements/{id}/depart',
  cancel: 'POST /movements/{id}/cancel',
};

/** The CASL action each return action is checked with (ReturnsService). */
const RETURN_RULE: Record<ReturnActionName, string> = {
  editPlan: 'update',
  editTravel: 'update',
  submit: 'submit',
  approve: 'approve',
  reject: 'reject',
  depart: 'depart',
  arrive: 'arrive',
  cancel: 'cancel',
};

/**
 * The capability, the rules (403), maker-checker (403 SELF_APPROVAL_FORBIDDEN) — return.rules.ts —
 * and the table (409) ReturnsService asserts, in memory; and a return in a movement departs with it (409). Left
 * to the endpoint, with their own codes: eligibility and consent (409 NOT_ELIGIBLE,
 * CONSENT_REQUIRED) and what departure needs (409 DEPARTURE_REQUIREMENTS_MISSING).
 */
export function returnActions(actor: Actor, r: Return): ReturnActionName[] {
  if (!holdsReturnCapability(actor)) return [];
  const allowed = (a: ReturnActionName) => {
    if (!returnTransitionAllowed(r.status, a as ReturnAction) || !canOn(actor, RETURN_RULE[a], 'Return', r)) return false;
    if (isReturnDecision(a) && isOwnSubmission(actor, r)) return false;
    if (a === 'depart' && r.movementId) return false;
    return true;
  };
  return RETURN_ACTIONS.filter(allowed);
}

const MOVEMENT_RULE: Record<MovementActionName, string> = { edit: 'update', depart: 'depart', cancel: 'cancel' };

/**
 * The capability, the rules and the table MovementsService asserts. `returns`, when the response
 * holds them (a single movement): an empty movement does not depart (409); a list row does not
 * know, and the endpoint keeps its 409.
 */
export function movementActions(actor: Actor, m: Movement, returns?: readonly unknown[]): MovementActionName[] {
  if (!holdsReturnCapability(actor)) return [];
  return MOVEMENT_ACTIONS.filter(
    (a) => movementTransitionAllowed(m.status, a as MovementAction) && canOn(actor, MOVEMENT_RULE[a], 'Movement', m) && !(a === 'depart' && returns && !returns.length),
  );
}
