import type { FieldMap, DefineRules } from '@passerelle/common';
import { caseAssigneeSql, caseSiteSql } from '../cases/index.js';

export const RETURN_FIELDS: FieldMap = {
  id: 'rt.id',
  owningOrganizationId: 'rt.owning_organization_id',
  caseSiteId: caseSiteSql('rt'),
  caseAssignedTo: caseAssigneeSql('rt'),
};
export const MOVEMENT_FIELDS: FieldMap = {
  id: 'mv.id',
  owningOrganizationId: 'mv.owning_organization_id',
};

/** What caseworkers and managers do with a return; managers also decide (approve, reject). */
const WORK = ['create', 'read', 'update', 'submit', 'depart', 'arrive', 'cancel'];

/**
 * DESIGN §1, §6, issue 9. A return is the case's organization's: its caseworkers draft, edit,
 * submit, depart, record the arrival of and cancel the returns of the cases they work on (their
 * sites, assigned to them) — the same scope as acting on the case; its managers do so for all
 * its cases, and approve or reject (never their own submission: the service says so, 403
 * SELF_APPROVAL_FORBIDDEN). Movements (convoys of several cases) are the managers'.
 *
 * A receiving organization's shared view of a case never shows its returns; analysts, auditors
 * and admins get none. Whether the organization holds the `return` capability is the service's
 * question (403 CAPABILITY_REQUIRED), as for letters; which state allows what is the table's (409).
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
