import type { FieldMap, DefineRules } from '@passerelle/common';

export const ORGANIZATION_FIELDS: FieldMap = { id: 'o.id' };

export const organizationRules: DefineRules = ({ can }, u) => {
  // The directory of partners is the referral pathway map: every signed-in user reads it.
  can('read', 'Organization');
  can('read', 'Service');
  if (u.roles.includes('platform_admin')) {
    can('create', 'Organization');
    can('update', 'Organization');
  }
};
