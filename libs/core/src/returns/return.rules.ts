import { type Actor, assertNotMaker, type DefineRules, holdsCapability, requireCapability } from '@passerelle/common';
import type { Return } from './return.entity.js';

/** What caseworkers and managers do with a return; managers also decide (approve, reject). */
const WORK = ['create', 'read', 'update', 'submit', 'depart', 'arrive', 'cancel'];

/**
 * Who may do what with a return (DESIGN §1, §2, §6, issue 9). Three checks, in this order, on
 * every action (ReturnsService, MovementsService, and the `actions` list of return-actions.ts):
 *
 * 1. The capability: the actor's organization holds `return` (`requireReturnCapability`, 403
 *    CAPABILITY_REQUIRED "<ORG> does not hold the return capability"; the system actor holds all).
 * 2. The rules below (403): a return is the case's organization's. Its caseworkers draft, edit,
 *    submit, depart, record the arrival of and cancel the returns of the cases they work on (their
 *    sites, assigned to them) — the same scope as acting on the case; its managers do so for all
 *    its cases, and alone approve or reject. Movements (convoys of several cases) are the
 *    managers'. A receiving organization's shared view of a case never shows its returns;
 *    analysts, auditors and admins get none.
 * 3. Maker-checker on decisions (`assertNotOwnSubmission`, 403 SELF_APPROVAL_FORBIDDEN): the
 *    manager who submitted a return never approves nor rejects it; the database keeps it too
 *    (`returns_maker_checker_check`).
 *
 * So "who may approve a return?": a manager of the case's organization, which holds the `return`
 * capability, who did not submit it. Which state allows what is the table's (return-status.ts,
 * 409); eligibility, consent and what a departure needs are the service's (409).
 */
export const returnRules: DefineRules = ({ can }, u) => {
  const isManager = u.roles.includes('manager');
  const isCaseworker = u.roles.includes('caseworker');
  const own = { owningOrganizationId: u.organizationId };
  if (isManager) {
    can([...WORK, 'approve', 'reject'], 'Return', own);
    can(['create', 'read', 'update', 'depart', 'cancel'], 'Movement', own);
  }
  if (isCaseworker) {
    const mine: Record<string, unknown>[] = [{ caseSiteId: { $in: [...u.siteIds] } }, { caseAssignedTo: u.userId }];
    for (const cond of mine) can(WORK, 'Return', { ...own, ...cond });
  }
};

/** DESIGN §1: only an organization with this capability organizes returns and movements. */
export const RETURN_CAPABILITY = 'return';

/** 403 CAPABILITY_REQUIRED unless the actor's organization holds the `return` capability. */
export const requireReturnCapability = (actor: Actor): void => requireCapability(actor, RETURN_CAPABILITY);

/** Whether the actor's organization holds the `return` capability (the `actions` lists). */
export const holdsReturnCapability = (actor: Actor): boolean => holdsCapability(actor, RETURN_CAPABILITY);

/** The actions maker-checker applies to (DESIGN §2, §6). */
export const RETURN_DECISIONS = ['approve', 'reject'] as const;
export const isReturnDecision = (action: string): action is (typeof RETURN_DECISIONS)[number] => (RETURN_DECISIONS as readonly string[]).includes(action);

/** Maker-checker: whether the actor submitted this return, and so may not decide it. */
export const isOwnSubmission = (actor: Actor, r: Pick<Return, 'submittedBy'>): boolean => r.submittedBy !== null && r.submittedBy === actor.userId;

/** Maker-checker: 403 SELF_APPROVAL_FORBIDDEN when the actor submitted the return they would approve or reject. */
export function assertNotOwnSubmission(actor: Actor, r: Pick<Return, 'submittedBy'>, action: string): void {
  assertNotMaker(actor, r.submittedBy, `You submitted this return: another manager must ${action} it`);
}
