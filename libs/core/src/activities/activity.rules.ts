import type { DefineRules } from '@passerelle/common';

/**
 * Issue 6: caseworkers and managers record their organization's group activities; analysts read
 * them too, as activities hold no personal data (counts only) and are reported on. Org and
 * platform admins and auditors get no rule: 403 on the routes.
 */
export const activityRules: DefineRules = ({ can }, u) => {
  const own = { owningOrganizationId: u.organizationId };
  if (u.roles.includes('caseworker') || u.roles.includes('manager')) can(['create', 'read'], 'Activity', own);
  if (u.roles.includes('analyst')) can('read', 'Activity', own);
};
