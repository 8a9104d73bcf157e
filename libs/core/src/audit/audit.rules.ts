import type { FieldMap, DefineRules } from '@passerelle/common';

export const AUDIT_EVENT_FIELDS: FieldMap = { organizationId: 'e.organization_id' };

export const auditRules: DefineRules = ({ can }, u) => {
  if (u.roles.includes('auditor')) {
    can('read', 'AuditEvent', { organizationId: u.organizationId });
    can('verify', 'AuditEvent');
  }
};
