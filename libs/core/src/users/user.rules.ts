import type { FieldMap, DefineRules } from '@passerelle/common';

export const USER_FIELDS: FieldMap = { id: 'u.id', organizationId: 'u.organization_id', roles: { column: 'u.roles', array: true } };

export const userRules: DefineRules = ({ can, cannot }, u) => {
  can('read', 'User', { id: u.userId });
  if (u.roles.includes('platform_admin')) {
    // DESIGN §1: platform admins create each organization's first org_admin and see no one else.
    // They edit no one: "nobody edits another org's anything" (issue 4), and a password reset of
    // an org admin who also holds a case role would open case data to them.
    can('create', 'User', { roles: 'org_admin' });
    can('read', 'User', { roles: 'org_admin' });
  }
  if (u.roles.includes('org_admin')) {
    can(['create', 'read', 'update'], 'User', { organizationId: u.organizationId });
  }
  // Nobody may grant platform_admin (DESIGN §1), so nobody may take over an account holding it
  // (password, deactivation, sites) either.
  cannot('update', 'User', { roles: 'platform_admin' });
  // Colleagues' names and roles, to assign cases and read the audit trail; analysts see no one.
  if (u.roles.some((r) => r === 'caseworker' || r === 'manager' || r === 'auditor')) {
    can('read', 'User', { organizationId: u.organizationId });
  }
};
