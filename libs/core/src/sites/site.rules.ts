import type { DefineRules } from '@passerelle/common';

/**
 * Who may do what with sites: everyone reads them (the directory is public, DESIGN §4); an
 * organization's admins create and update its own. A site's stays are not public: stay.rules.ts.
 * The SQL of these rules: SITE_FIELDS in sites.repository.ts.
 */
export const siteRules: DefineRules = ({ can }, u) => {
  can('read', 'Site');
  if (u.roles.includes('org_admin')) {
    can('create', 'Site', { organizationId: u.organizationId });
    can('update', 'Site', { organizationId: u.organizationId });
  }
};
