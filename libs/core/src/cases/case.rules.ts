import type { FieldMap, DefineRules } from '@passerelle/common';
import { CASE_SECTIONS } from './case-vocabulary.js';

/**
 * The fields of `read` on a Case: its sections (DESIGN §2), and
 * `record`, what only the owning organization holds about a case — its site and assignment,
 * notes, timeline, consents, screenings, duplicates. A referral never shares it.
 */
export const CASE_FIELDS_READ = [...CASE_SECTIONS, 'record'] as const;
export type CaseField = (typeof CASE_FIELDS_READ)[number];
/** Every list and single read of cases is scoped by the rules granting this field. */
export const CASE_SCOPE_FIELD: CaseField = 'identity';

/**
 * The SQL of the fields the rules test. A case is shared with an organization while a referral to
 * it is pending or accepted and an active referral consent covers it: the `case_shares` table
 * holds exactly those, kept by triggers (DESIGN §2; migration 1796110000000), so the shared view
 * is one index probe a case (`case_shares_case_idx`). With the shared sections too
 * (`"<organizationId>:<section>"` of a live share), so the rules of one field (`record`, a
 * section) read in SQL. The case list's shared branch starts from the table instead (its
 * (organization, registered_at) index), joined, under the same rules.
 */
export const CASE_FIELDS: FieldMap = {
  id: 'c.id',
  owningOrganizationId: 'c.owning_organization_id',
  siteId: 'c.site_id',
  assignedTo: 'c.assigned_to',
  // A scalar probe, not EXISTS: inside an OR, PostgreSQL may plan an EXISTS as a hash of every
  // share of the organization, built before the first row (6,653 shares: 1.7 ms of a 6.9 ms name
  // search at 1,000,000 cases, growing with the shares); this stays one index probe a row.
  sharedWith: { contains: (param: string) => `COALESCE((SELECT true FROM case_shares s WHERE s.case_id = c.id AND s.organization_id = ${param} LIMIT 1), false)` },
  sharedSections: {
    contains: (param: string) =>
      `EXISTS (SELECT 1 FROM case_shares s CROSS JOIN LATERAL unnest(s.sections) x WHERE s.case_id = c.id AND s.organization_id::text || ':' || x = ${param})`,
  },
};

/**
 * DESIGN §1–2: caseworkers work on their organization's cases registered at one of their sites
 * or assigned to them; managers on all of their organization's cases. The `sensitive` section is
 * read by the organization's managers and the case's assigned caseworker only.
 *
 * The shared view: the caseworkers and managers of an organization a live referral points to
 * read the case's identity and the sections that referral lists (`sharedSections` holds
 * `"<organizationId>:<section>"` of every live share), nothing else, and may not act on it.
 * Analysts, auditors, org and platform admins get no case rule at all: every case is a 404 to them.
 */
export const caseRules: DefineRules = ({ can }, u) => {
  const own = { owningOrganizationId: u.organizationId };
  const isManager = u.roles.includes('manager');
  if (isManager) {
    can(['create', 'read', 'update', 'assign', 'close', 'reopen'], 'Case', own);
  }
  if (u.roles.includes('caseworker')) {
    const atMySites = { ...own, siteId: { $in: [...u.siteIds] } };
    can('create', 'Case', own);
    can('read', 'Case', CASE_FIELDS_READ.filter((f) => f !== 'sensitive'), atMySites);
    can('update', 'Case', atMySites);
    can(['read', 'update'], 'Case', { ...own, assignedTo: u.userId });
  }
  if (isManager || u.roles.includes('caseworker')) {
    can('read', 'Case', ['identity'], { sharedWith: u.organizationId });
    for (const section of CASE_SECTIONS) {
      if (section !== 'identity') can('read', 'Case', [section], { sharedSections: `${u.organizationId}:${section}` });
    }
  }
};
