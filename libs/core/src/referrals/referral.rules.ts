import { type DefineRules, DomainError } from '@passerelle/common';
import type { Capability, Organization } from '../organizations/index.js';
import type { Site } from '../sites/index.js';

/**
 * Who may do what with referrals and service records (DESIGN §1, §4):
 *
 * - refer a case (create): a caseworker or manager who may update the case — its own organization,
 *   never through a shared view (case.rules.ts) — to another active organization offering the
 *   service (`assertOffers`, 422 SERVICE_NOT_OFFERED), under an active referral consent;
 * - read: the sending side — a manager every referral of the organization, a caseworker those of
 *   the cases they work on (their sites, assigned to them) and those they sent; the receiving
 *   side — the organization's caseworkers and managers every referral addressed to it;
 * - accept, decline, complete: the receiving organization's caseworkers and managers;
 * - cancel: the sending side, as it reads them;
 * - record a service: the owning organization, for a case it may update; another organization
 *   only under a referral to it that it accepted and that still shares the case (ServiceRecordsService),
 *   for a service it offers (`assertOffers`);
 * - read service records: the owning side as for referrals; a provider always keeps what it recorded.
 *
 * Which state allows which action is the transition table's business (referral-status.ts, 409),
 * not the rules'. The SQL of these rules: REFERRAL_FIELDS (referrals.repository.ts) and
 * SERVICE_RECORD_FIELDS (service-records.repository.ts).
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

/** 422 SERVICE_NOT_OFFERED unless the organization holds the service among its capabilities (referred to it, or provided by it). */
export function assertOffers(org: Pick<Organization, 'code' | 'capabilities'>, serviceType: Capability): void {
  if (!org.capabilities.includes(serviceType)) {
    throw new DomainError('SERVICE_NOT_OFFERED', `${org.code} does not offer ${serviceType}`, { errors: [{ field: 'serviceType', message: `not offered by ${org.code}` }] });
  }
}

/** 422 SERVICE_NOT_OFFERED when a referral names a site that lists services without this one (a site listing none offers what its organization offers: the directory's rule). */
export function assertSiteOffers(site: Pick<Site, 'name' | 'services'>, serviceType: Capability): void {
  if (site.services.length && !site.services.includes(serviceType)) {
    throw new DomainError('SERVICE_NOT_OFFERED', `${site.name} does not offer ${serviceType}`, { errors: [{ field: 'toSiteId', message: `does not offer ${serviceType}` }] });
  }
}
