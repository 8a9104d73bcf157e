import type { FieldMap, DefineRules } from '@passerelle/common';
import { caseAssigneeSql, caseSiteSql } from '../cases/index.js';

export const PLAN_FIELDS: FieldMap = {
  id: 'p.id',
  owningOrganizationId: 'p.owning_organization_id',
  caseSiteId: caseSiteSql('p'),
  caseAssignedTo: caseAssigneeSql('p'),
};

export const SCHEME_FIELDS: FieldMap = {
  id: 's.id',
  organizationId: 's.organization_id',
};

/**
 * DESIGN §1, §6, issue 10. Plans follow their case: a caseworker works on the plans of the
 * organization's cases at their sites or assigned to them, a manager on all of them (drafting,
 * items, submission, delivery, visits, completion); only managers approve or reject, never a
 * plan they submitted (the service: 403 SELF_APPROVAL_FORBIDDEN). Whether the organization holds
 * the `reintegration` capability is the service's question (403 CAPABILITY_REQUIRED on writes),
 * which states allow what is the transition table's (409). Analysts, auditors and admins get no
 * plan: a plan is personal data (404).
 *
 * Scoring schemes hold no personal data: everyone reads the shipped ones and their own
 * organization's; an organization's admin loads new ones.
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
