import { type Actor, assertNotMaker, type DefineRules, holdsCapability, requireCapability } from '@passerelle/common';
import type { ReintegrationPlan } from './reintegration.entity.js';

/**
 * Who may do what with reintegration (DESIGN §1, §6, issue 10), all in this file:
 *
 * - The organization must hold the `reintegration` capability for any write on a plan and to
 *   load a scoring scheme: `requireReintegrationCapability` (403 CAPABILITY_REQUIRED).
 * - Plans follow their case (`reintegrationRules` below): a caseworker works on the plans of the
 *   organization's cases at their sites or assigned to them, a manager on all of them (drafting,
 *   items, submission, delivery, visits, completion). Analysts, auditors and admins get no plan:
 *   a plan is personal data (404).
 * - Who may approve (or reject) a plan? A manager of the plan's organization (the `approve` and
 *   `reject` rules, 403) holding the capability, who is not its maker (`assertMayDecide`, 403
 *   SELF_APPROVAL_FORBIDDEN): never the one who submitted it, and, when it awaits the second
 *   approval (above the organization's budget ceiling), never the manager who gave the first.
 *   Which states allow it is the transition table's (plan-status.ts, 409).
 * - Scoring schemes hold no personal data: everyone reads the shipped ones and their own
 *   organization's; an organization's admin loads new ones and sets the budget ceiling.
 */
export const reintegrationRules: DefineRules = ({ can }, u) => {
  can('read', 'ScoringScheme', { organizationId: null });
  can('read', 'ScoringScheme', { organizationId: u.organizationId });
  if (u.roles.includes('org_admin')) {
    can('create', 'ScoringScheme');
    can('update', 'ReintegrationSettings', { organizationId: u.organizationId });
  }
  const isManager = u.roles.includes('manager');
  const isCaseworker = u.roles.includes('caseworker');
  const work = ['create', 'read', 'update', 'submit', 'deliver', 'complete', 'recordVisit'];
  const own = { owningOrganizationId: u.organizationId };
  if (isManager) can([...work, 'approve', 'reject'], 'ReintegrationPlan', own);
  if (isCaseworker) {
    can(work, 'ReintegrationPlan', { ...own, caseSiteId: { $in: [...u.siteIds] } });
    can(work, 'ReintegrationPlan', { ...own, caseAssignedTo: u.userId });
  }
};

/** DESIGN §1: only an organization with the capability runs reintegration plans. */
export const REINTEGRATION_CAPABILITY = 'reintegration';

/** 403 CAPABILITY_REQUIRED unless the actor's organization holds the reintegration capability. */
export const requireReintegrationCapability = (actor: Actor): void => requireCapability(actor, REINTEGRATION_CAPABILITY);

/** Whether the actor's organization holds the reintegration capability (the `actions` lists). */
export const holdsReintegrationCapability = (actor: Actor): boolean => holdsCapability(actor, REINTEGRATION_CAPABILITY);

type MakerFields = Pick<ReintegrationPlan, 'status' | 'submittedBy' | 'firstApprovedBy'>;

/**
 * Maker-checker (issue 10): the actor's part in making the decision now asked of them — the
 * submitter, or, awaiting the second approval, the first approver — else null.
 */
export function makerOf(actor: Actor, p: MakerFields): 'submitter' | 'first_approver' | null {
  if (p.submittedBy !== null && p.submittedBy === actor.userId) return 'submitter';
  if (p.status === 'awaiting_second_approval' && p.firstApprovedBy === actor.userId) return 'first_approver';
  return null;
}

/**
 * Maker-checker (DESIGN §2): 403 SELF_APPROVAL_FORBIDDEN when the actor submitted the plan, or
 * gave it the first approval it now awaits a second one for.
 */
export function assertMayDecide(actor: Actor, p: MakerFields, action: 'approve' | 'reject'): void {
  assertNotMaker(actor, p.submittedBy, `You submitted this plan: another manager must ${action} it`);
  if (p.status === 'awaiting_second_approval') assertNotMaker(actor, p.firstApprovedBy, `You gave this plan its first approval: a second, different manager must ${action} it`);
}
