import { type Actor, assertNotMaker, type DefineRules } from '@passerelle/common';
import type { StayExtension } from './stay.entity.js';

/**
 * Who may do what with stays (DESIGN §1, §5):
 *
 * - only an organization with the `shelter` capability runs stays (no rule at all without it);
 * - its caseworkers and managers check migrants in at its shelters and out, read its stays and
 *   its shelters' occupancy, and request extensions;
 * - its managers approve or reject extension requests — never their own (`assertNotExtensionRequester`,
 *   403 SELF_APPROVAL_FORBIDDEN; the database refuses it too);
 * - which case they may check in is StaysService.mayHouse's question: their own organization's
 *   case, for whoever may update it, or another's under a `shelter` referral to them that they accepted.
 *
 * Which state allows what is the transition tables' (stay-status.ts, 409); a free bed is the
 * check-in's (409 SHELTER_FULL, sites/capacity.ts). The SQL of these rules: STAY_FIELDS
 * (stays.repository.ts) and STAY_EXTENSION_FIELDS (stay-extensions.repository.ts).
 */
export const stayRules: DefineRules = ({ can }, u) => {
  if (!u.capabilities.includes('shelter')) return;
  const isManager = u.roles.includes('manager');
  if (!isManager && !u.roles.includes('caseworker')) return;
  const own = { owningOrganizationId: u.organizationId };
  can(['create', 'read', 'checkOut'], 'Stay', own);
  can(['create', 'read'], 'StayExtension', own);
  if (isManager) can(['approve', 'reject'], 'StayExtension', own);
};

/** Maker-checker (DESIGN §5): the requester never decides; what the `actions` lists leave out. */
export const isOwnRequest = (actor: Actor, x: Pick<StayExtension, 'requestedBy'>): boolean => x.requestedBy === actor.userId;

/** Maker-checker (DESIGN §2, §5): 403 SELF_APPROVAL_FORBIDDEN when the actor requested the extension. */
export function assertNotExtensionRequester(actor: Actor, x: Pick<StayExtension, 'requestedBy'>, action: 'approve' | 'reject'): void {
  assertNotMaker(actor, x.requestedBy, `You requested this extension: another manager must ${action} it`);
}
