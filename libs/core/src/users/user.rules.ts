import type { FieldMap } from '@passerelle/common';
import type { DefineRules } from '../access/ability.factory.js';

export const USER_FIELDS: FieldMap = { id: 'u.id', organizationId: 'u.organization_id', roles: { column: 'u.roles', array: true } };

export const userRules: DefineRules = ({ can }, u) => {
  can('read', 'User', { id: u.userId });
  if (u.roles.includes('platform_admin')) {
    // DESIGN §1: platform admins create each organization's first org_admin and see no one else.
    can('create', 'User', { roles: 'org_admin' });
    can(['read', 'update'], 'User', { roles: 'org_admin' });
  }
  if (u.roles.includes('org_admin')) {
    can(['create', 'read', 'update'], 'User', { organizationId: u.organizationId });
  }
  // Colleagues' names and roles, to assign cases and read the audit trail; analysts see no one.
  if (u.roles.some((r) => r === 'caseworker' || r === 'manager' || r === 'auditor')) {
    can('read', 'User', { organizationId: u.organizationId });
  }
};
