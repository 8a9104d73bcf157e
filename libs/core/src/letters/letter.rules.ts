import type { FieldMap, DefineRules } from '@passerelle/common';
import { caseAssigneeSql, caseSiteSql } from '../cases/index.js';

export const LETTER_FIELDS: FieldMap = {
  id: 'l.id',
  issuingOrganizationId: 'l.issuing_organization_id',
  owningOrganizationId: 'l.owning_organization_id',
  createdBy: 'l.created_by',
  caseSiteId: caseSiteSql('l'),
  caseAssignedTo: caseAssigneeSql('l'),
};

/**
 * DESIGN §1, §6. Caseworkers and managers issue letters; whether their organization holds the
 * `indulgence_letter` capability and whether they may act on the case is the service's question
 * (403 CAPABILITY_REQUIRED, 404/403 on the case).
 *
 * The issuing organization keeps its register: its managers read and revoke every letter it
 * issued, a caseworker those they issued and those of the organization's cases they work on
 * (their sites, assigned to them). The case's organization, when another one issued the letter,
 * reads the letters of its cases as it reads the cases, and revokes none (the issuer does).
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
