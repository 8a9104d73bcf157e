import { type Actor, assertNotMaker, type DefineRules } from '@passerelle/common';

/**
 * Who may act on a person's data (issue 11), all of it here:
 * - the subject-access export of a case: a manager of the case's owning organization;
 * - asking for a closed case to be anonymized early (create an AnonymizationRequest): a manager of
 *   the owning organization (the case must be closed and not yet anonymized: 409);
 * - reading, approving, rejecting a request: a manager of the owning organization, and never the
 *   one who asked (maker-checker: `assertNotAnonymizationRequester`, 403 SELF_APPROVAL_FORBIDDEN; also a CHECK
 *   constraint on the table); only a pending request is decided (409, anonymization-status.ts).
 * No capability is required. The retention job anonymizes as the system actor, by no rule.
 * The SQL of these conditions: ANONYMIZATION_REQUEST_FIELDS (anonymization-requests.repository.ts).
 */
export const dataProtectionRules: DefineRules = ({ can }, u) => {
  if (!u.roles.includes('manager')) return;
  const own = { owningOrganizationId: u.organizationId };
  can('export', 'Case', own);
  can(['create', 'read', 'approve', 'reject'], 'AnonymizationRequest', own);
};

/** Maker-checker: the manager who asked for an anonymization never decides it (403 SELF_APPROVAL_FORBIDDEN). */
export function assertNotAnonymizationRequester(actor: Actor, request: { requestedBy: string }, action: 'approve' | 'reject'): void {
  assertNotMaker(actor, request.requestedBy, `You requested this anonymization: another manager must ${action} it`);
}
