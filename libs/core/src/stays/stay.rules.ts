import type { FieldMap, DefineRules } from '@passerelle/common';

export const STAY_FIELDS: FieldMap = {
  id: 'st.id',
  owningOrganizationId: 'st.owning_organization_id',
};
export const STAY_EXTENSION_FIELDS: FieldMap = {
  id: 'x.id',
  owningOrganizationId: 'x.owning_organization_id',
};

/**
 * DESIGN §1, §5: only an organization with the `shelter` capability runs stays. Its caseworkers
 * and managers check migrants in and out of its shelters, read its stays and occupancy, and
 * request extensions; its managers approve or reject them (never their own request: the service
 * says so, 403 SELF_APPROVAL_FORBIDDEN). Which case they may check in (their own, or one referred
 * to them for shelter and accepted) is the service's question; which state allows what is the
 * transition table's (409).
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
