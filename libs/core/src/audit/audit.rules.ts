import type { DefineRules } from '@passerelle/common';

/**
 * Who may read the trail: an auditor, their own organization's events only (the SQL of that
 * condition is AUDIT_EVENT_FIELDS, audit-events.repository.ts); who may verify the chain: an
 * auditor, of their own organization's chain (AuditService.verify). Writing events is no one's
 * action: every feature's service records its own (AuditWriter.record).
 */
export const auditRules: DefineRules = ({ can }, u) => {
  if (u.roles.includes('auditor')) {
    can('read', 'AuditEvent', { organizationId: u.organizationId });
    can('verify', 'AuditEvent');
  }
};
