import type { CaseView } from '../cases/index.js';
import type { CaseSection } from '../cases/index.js';
import type { Capability } from '../organizations/index.js';
import type { Referral } from './referral.entity.js';
import type { ReferralStatus, Urgency } from './referral-status.js';
import type { ServiceRecord } from './service-record.entity.js';

export interface CreateReferralInput {
  toOrganizationId: string;
  toSiteId?: string;
  serviceType: Capability;
  urgency: Urgency;
  reason: string;
  sharedSections?: CaseSection[];
}
export interface ServiceInput {
  serviceType: Capability;
  date: string;
  description?: string;
}
export interface CompleteReferralInput {
  outcome: string;
  servicesProvided?: ServiceInput[];
}
export interface RecordServiceInput extends ServiceInput {
  referralId?: string;
}
export interface ReferralFilter {
  direction?: 'incoming' | 'outgoing';
  status?: ReferralStatus;
  serviceType?: Capability;
  overdue?: boolean;
  caseId?: string;
}
export interface ServiceFilter {
  caseId?: string;
  referralId?: string;
  from?: string;
  to?: string;
}

/**
 * A referral as one actor sees it. `case` is the referral's view of the case: the sections it
 * shares that the actor may read (the CASL rules), or null when the actor may not see the case
 * — for the receiver, as soon as the referral ended or the consent was withdrawn.
 */
export interface ReferralView {
  referral: Referral;
  case: CaseView | null;
  services?: ServiceRecord[];
}
