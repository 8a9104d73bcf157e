import type { FieldMap } from '@passerelle/common';
import type { DefineRules } from '../access/ability.factory.js';

export const AUDIT_EVENT_FIELDS: FieldMap = { organizationId: 'e.organization_id' };

export const auditRules: DefineRules = ({ can }, u) => {
  if (u.roles.includes('auditor')) {
    can('read', 'AuditEvent', { organizationId: u.organizationId });
    can('verify', 'AuditEvent');
  }
};
