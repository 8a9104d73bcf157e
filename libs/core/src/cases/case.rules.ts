import { type Actor, type DefineRules, DomainError } from '@passerelle/common';
import { CASE_SECTIONS } from './case-vocabulary.js';

/**
 * The fields of `read` on a Case: its sections (DESIGN §2), and
 * `record`, what only the owning organization holds about a case — its site and assignment,
 * notes, timeline, consents, screenings, duplicates. A referral never shares it.
 */
export const CASE_FIELDS_READ = [...CASE_SECTIONS, 'record'] as const;
export type CaseField = (typeof CASE_FIELDS_READ)[number];
/** Every list and single read of cases is scoped by the rules granting this field (their SQL: CASE_FIELDS, cases.repository.ts). */
export const CASE_SCOPE_FIELD: CaseField = 'identity';

/**
 * DESIGN §1–2: caseworkers work on their organization's cases registered at one of their sites
 * or assigned to them; managers on all of their organization's cases. The `sensitive` section is
 * read by the organization's managers and the case's assigned caseworker only.
 *
 * The shared view: the caseworkers and managers of an organization a live referral points to
 * read the case's identity and the sections that referral lists (`sharedSections` holds
 * `"<organizationId>:<section>"` of every live share), nothing else, and may not act on it.
 * Analysts, auditors, org and platform admins get no case rule at all: every case is a 404 to them.
 *
 * Who may do what, in one place:
 * - register (create) a case: caseworkers and managers, for their organization, at an active site
 *   of their organization; a caseworker only at one of their own sites, a manager at any
 *   (`assertMayRegisterAt`, 403);
 * - read a case: the rules below (a case outside them is a 404); its `record` (notes, timeline,
 *   consents, screenings, duplicates): the owning organization's readers, never a shared view (403);
 * - update a case, add a note, record or withdraw a consent, record a screening: `update`;
 *   the `sensitive` section may be written only by who may read it;
 * - assign, close, reopen: managers (`assign`, `close`, `reopen`); when a case may close or reopen
 *   is case-status.ts (409), what blocks closing is CaseCloseChecks (409 CASE_NOT_CLOSABLE).
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

/**
 * DESIGN §2: managers register cases at any site of their organization, caseworkers only at their
 * own sites (403). The site's being active and of the actor's organization is checked before.
 */
export function assertMayRegisterAt(actor: Pick<Actor, 'roles' | 'siteIds'>, siteId: string): void {
  if (!actor.roles.includes('manager') && !actor.siteIds.includes(siteId)) {
    throw new DomainError('FORBIDDEN', 'You may register cases only at your own sites');
  }
}
