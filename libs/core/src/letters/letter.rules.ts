import { type Actor, type DefineRules, requireCapability } from '@passerelle/common';

/**
 * Who may do what with a letter of indulgence (DESIGN §1, §6, issue 8).
 *
 * Issue a letter for a case: a caseworker or manager (the `create` rule below) of an organization
 * holding the `indulgence_letter` capability (`requireLetterCapability`, 403 CAPABILITY_REQUIRED
 * "<ORG> does not hold the indulgence_letter capability", whatever the case), on a case they may
 * act on (LettersService.assertMayActOn, 403 FORBIDDEN): one of their organization's they may edit
 * (the case rules' `update`), or one referred to their organization for a letter by a referral it
 * accepted. The case must be visible (404) and open (409).
 *
 * Read and revoke (the rules below, 403): the issuing organization keeps its register — its
 * managers read and revoke every letter it issued, a caseworker those they issued and those of
 * the organization's cases they work on (their sites, assigned to them). The case's organization,
 * when another one issued the letter, reads the letters of its cases as it reads the cases, and
 * revokes none (the issuer does). Which state allows a revocation is the table's (letter-status.ts, 409).
 */
export const letterRules: DefineRules = ({ can }, u) => {
  const isManager = u.roles.includes('manager');
  const isCaseworker = u.roles.includes('caseworker');
  if (!isManager && !isCaseworker) return;
  const issued = { issuingOrganizationId: u.organizationId };
  const ownedCase = { owningOrganizationId: u.organizationId };
  can('create', 'Letter');
  if (isManager) {
    can(['read', 'revoke'], 'Letter', issued);
    can('read', 'Letter', ownedCase);
  }
  if (isCaseworker) {
    can(['read', 'revoke'], 'Letter', { ...issued, createdBy: u.userId });
    const mine: Record<string, unknown>[] = [{ caseSiteId: { $in: [...u.siteIds] } }, { caseAssignedTo: u.userId }];
    for (const cond of mine) {
      can(['read', 'revoke'], 'Letter', { ...issued, ...ownedCase, ...cond });
      can('read', 'Letter', { ...ownedCase, ...cond });
    }
  }
};

/** DESIGN §1: only an organization with this capability issues letters. */
export const LETTER_CAPABILITY = 'indulgence_letter';

/** 403 CAPABILITY_REQUIRED unless the actor's organization holds the `indulgence_letter` capability. */
export const requireLetterCapability = (actor: Actor): void => requireCapability(actor, LETTER_CAPABILITY);
