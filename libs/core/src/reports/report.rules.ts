import type { DefineRules } from '@passerelle/common';

/**
 * Issue 11, DESIGN §1: aggregated, de-identified reports of their own organization for its
 * analysts ("aggregated, de-identified reports only") and managers. Caseworkers, auditors, org
 * and platform admins get no rule: 403 on every report. The organization is always the actor's
 * own (the service scopes every statement by it); there is no platform-wide analyst role.
 */
export const reportRules: DefineRules = ({ can }, u) => {
  if (u.roles.includes('analyst') || u.roles.includes('manager')) can('read', 'Report');
};
