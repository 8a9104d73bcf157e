import type { FieldMap, DefineRules } from '@passerelle/common';
import { caseAssigneeSql, caseSiteSql } from '../cases/index.js';

export const REFERRAL_FIELDS: FieldMap = {
  id: 'r.id',
  fromOrganizationId: 'r.from_organization_id',
  toOrganizationId: 'r.to_organization_id',
  createdBy: 'r.created_by',
  caseSiteId: caseSiteSql('r'),
  caseAssignedTo: caseAssigneeSql('r'),
};

export const SERVICE_RECORD_FIELDS: FieldMap = {
  id: 'sr.id',
  owningOrganizationId: 'sr.owning_organization_id',
  providingOrganizationId: 'sr.providing_organization_id',
  caseSiteId: caseSiteSql('sr'),
  caseAssignedTo: caseAssigneeSql('sr'),
};

/**
 * DESIGN §1, §4. The sending side: a manager sees and cancels every referral of the
 * organization; a caseworker those of the cases they work on (their sites, assigned to them)
 * and those they sent. The receiving side: the organization's caseworkers and managers see,
 * accept, decline and complete every referral addressed to it. Which state allows which action
 * is the transition table's business (409), not the rules'.
 *
 * Service records: the owning side as for referrals; a provider always keeps what it recorded.
 */
export const referralRules: DefineRules = ({ can }, u) => {
  const isManager = u.roles.includes('manager');
  const isCaseworker = u.roles.includes('caseworker');
  if (!isManager && !isCaseworker) return;
  const sent = { fromOrganizationId: u.organizationId };
  const ownedCase = { owningOrganizationId: u.organizationId };
  can('create', ['Referral', 'ServiceRecord']);
  can(['read', 'accept', 'decline', 'complete'], 'Referral', { toOrganizationId: u.organizationId });
  can('read', 'ServiceRecord', { providingOrganizationId: u.organizationId });
  if (isManager) {
    can(['read', 'cancel'], 'Referral', sent);
    can('read', 'ServiceRecord', ownedCase);
  }
  if (isCaseworker) {
    const mine: Record<string, unknown>[] = [{ caseSiteId: { $in: [...u.siteIds] } }, { caseAssignedTo: u.userId }];
    for (const cond of mine) {
      can(['read', 'cancel'], 'Referral', { ...sent, ...cond });
      can('read', 'ServiceRecord', { ...ownedCase, ...cond });
    }
    can(['read', 'cancel'], 'Referral', { ...sent, createdBy: u.userId });
  }
};
