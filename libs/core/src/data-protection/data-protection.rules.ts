import type { FieldMap, DefineRules } from '@passerelle/common';

export const ANONYMIZATION_REQUEST_FIELDS: FieldMap = {
  id: 'ar.id',
  owningOrganizationId: 'ar.owning_organization_id',
};

/**
 * Issue 11: the subject-access export and early anonymization are a manager's, of the owning
 * organization's cases only. A request is decided by another manager (the service says so:
 * 403 SELF_APPROVAL_FORBIDDEN); only a closed case may be asked for (409).
 */
export const dataProtectionRules: DefineRules = ({ can }, u) => {
  if (!u.roles.includes('manager')) return;
  const own = { owningOrganizationId: u.organizationId };
  can('export', 'Case', own);
  can(['create', 'read', 'approve', 'reject'], 'AnonymizationRequest', own);
};
