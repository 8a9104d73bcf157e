import type { FieldMap, DefineRules } from '@passerelle/common';

export const SITE_FIELDS: FieldMap = { id: 's.id', organizationId: 's.organization_id' };

export const siteRules: DefineRules = ({ can }, u) => {
  can('read', 'Site');
  if (u.roles.includes('org_admin')) {
    can('create', 'Site', { organizationId: u.organizationId });
    can('update', 'Site', { organizationId: u.organizationId });
  }
};
