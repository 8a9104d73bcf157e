import type { FieldMap } from '@passerelle/common';
import type { DefineRules } from '../access/ability.factory.js';

export const CASE_FIELDS: FieldMap = {
  id: 'c.id',
  owningOrganizationId: 'c.owning_organization_id',
  siteId: 'c.site_id',
  assignedTo: 'c.assigned_to',
};

/**
 * DESIGN §1–2: caseworkers work on their organization's cases registered at one of their sites
 * or assigned to them; managers on all of their organization's cases. The `sensitive` section is
 * read by the organization's managers and the case's assigned caseworker only. Analysts,
 * auditors, org and platform admins get no case rule at all: every case is a 404 to them.
 */
export const caseRules: DefineRules = ({ can }, u) => {
  const own = { owningOrganizationId: u.organizationId };
  if (u.roles.includes('manager')) {
    can(['create', 'read', 'update', 'assign', 'close', 'reopen', 'readSensitive'], 'Case', own);
  }
  if (u.roles.includes('caseworker')) {
    can('create', 'Case', own);
    can(['read', 'update'], 'Case', { ...own, siteId: { $in: [...u.siteIds] } });
    can(['read', 'update', 'readSensitive'], 'Case', { ...own, assignedTo: u.userId });
  }
};
