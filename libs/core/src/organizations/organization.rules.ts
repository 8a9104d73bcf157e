import type { DefineRules } from '@passerelle/common';

/**
 * Who may do what with an organization (DESIGN §1, issue 4): every signed-in user reads the
 * directory of partners and their services; only platform admins create an organization or change
 * one (name, kind, capabilities, deactivation).
 */
export const organizationRules: DefineRules = ({ can }, u) => {
  // The directory of partners is the referral pathway map: every signed-in user reads it.
  can('read', 'Organization');
  can('read', 'Service');
  if (u.roles.includes('platform_admin')) {
    can('create', 'Organization');
    can('update', 'Organization');
  }
};
