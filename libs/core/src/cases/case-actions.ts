import { type Actor, canOn, holdsCapability } from '@passerelle/common';
import type { Case } from './case.entity.js';
import { caseTransitionAllowed } from './case-status.js';

/**
 * What may be done to a case, each naming one endpoint (API.md "Browser session and permitted
 * actions"): edit PATCH /cases/{id}; assign, close, reopen POST …/assign|close|reopen; note POST
 * …/notes; consent POST …/consents (and withdraw one); screen POST …/screenings; refer POST
 * …/referrals; letter POST …/letters; return POST …/returns; readSensitive: GET /cases/{id}
 * shows the `sensitive` section.
 */
export const CASE_ACTIONS = ['edit', 'assign', 'close', 'reopen', 'note', 'consent', 'screen', 'refer', 'letter', 'return', 'readSensitive'] as const;
export type CaseActionName = (typeof CASE_ACTIONS)[number];
/** The endpoint each action names (for the OpenAPI description and the app). */
export const CASE_ACTION_ENDPOINTS: Record<CaseActionName, string> = {
  edit: 'PATCH /cases/{id}',
  assign: 'POST /cases/{id}/assign',
  close: 'POST /cases/{id}/close',
  reopen: 'POST /cases/{id}/reopen',
  note: 'POST /cases/{id}/notes',
  consent: 'POST /cases/{id}/consents, POST /cases/{id}/consents/{consentId}/withdraw',
  screen: 'POST /cases/{id}/screenings',
  refer: 'POST /cases/{id}/referrals',
  letter: 'POST /cases/{id}/letters',
  return: 'POST /cases/{id}/returns',
  readSensitive: 'GET /cases/{id} shows the sensitive section',
};

/** The columns the actions are judged on: a list row has them all. */
export type CaseActionSubject = Pick<Case, 'owningOrganizationId' | 'siteId' | 'assignedTo' | 'status' | 'anonymizedAt'> & Partial<Pick<Case, 'sharedWith' | 'sharedSections'>>;

/**
 * The actions the actor may take on `c` now: the rules the services assert (403) and the state
 * they check (409 INVALID_TRANSITION, CONFLICT on a closed case, CASE_ANONYMIZED), in memory.
 * What needs other rows stays the endpoint's to refuse, with its own code: close while a stay is
 * active or a return in progress (409 CASE_NOT_CLOSABLE), a referral without a consent covering
 * the receiver (409 CONSENT_REQUIRED), a second return (409 RETURN_IN_PROGRESS). A receiving
 * organization's letter under an accepted `indulgence_letter` referral is not listed (it needs
 * the referral row); the endpoint allows it.
 */
export function caseActions(actor: Actor, c: CaseActionSubject): CaseActionName[] {
  const can = (action: string, field?: string) => canOn(actor, action, 'Case', c, field);
  const open = c.status === 'open';
  const alive = !c.anonymizedAt;
  // One check of `update` serves the six actions asserting it: a list of 50 rows stays a few hundred CASL checks, no query.
  const update = can('update');
  const edit = alive && update;
  const out: Record<CaseActionName, boolean> = {
    edit,
    assign: can('assign'),
    close: caseTransitionAllowed(c.status, 'close') && can('close'),
    reopen: alive && caseTransitionAllowed(c.status, 'reopen') && can('reopen'),
    note: edit,
    consent: edit,
    screen: update,
    refer: open && update && actor.ability.can('create', 'Referral'),
    letter: open && update && holdsCapability(actor, 'indulgence_letter') && actor.ability.can('create', 'Letter'),
    return: open && holdsCapability(actor, 'return') && canOn(actor, 'create', 'Return', { owningOrganizationId: c.owningOrganizationId, caseSiteId: c.siteId, caseAssignedTo: c.assignedTo }),
    readSensitive: can('read', 'sensitive'),
  };
  return CASE_ACTIONS.filter((a) => out[a]);
}
