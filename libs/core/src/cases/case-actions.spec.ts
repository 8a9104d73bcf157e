import { randomUUID } from 'node:crypto';
import { userActor } from '../access/index.js';
import { caseActions, type CaseActionSubject } from './case-actions.js';

const ORG = randomUUID();
const SITE = randomUUID();
const actor = (roles: string[], over: { siteIds?: string[]; capabilities?: string[]; organizationId?: string } = {}) =>
  userActor({ userId: randomUUID(), organizationId: over.organizationId ?? ORG, organizationCode: 'T', roles, siteIds: over.siteIds ?? [SITE], capabilities: over.capabilities ?? ['return', 'indulgence_letter'] });
const kase = (over: Partial<CaseActionSubject> = {}): CaseActionSubject => ({ owningOrganizationId: ORG, siteId: SITE, assignedTo: null, status: 'open', anonymizedAt: null, ...over });

describe('caseActions: the rules and the table the case endpoints assert', () => {
  it('a manager of the owning organization: everything the open case allows, reopen only when closed', () => {
    const m = actor(['manager']);
    expect(caseActions(m, kase())).toEqual(['edit', 'assign', 'close', 'note', 'consent', 'screen', 'refer', 'letter', 'return', 'readSensitive']);
    expect(caseActions(m, kase({ status: 'closed' }))).toEqual(['edit', 'assign', 'reopen', 'note', 'consent', 'screen', 'readSensitive']);
  });

  it('a caseworker at the case’s site: works on it, never assigns, closes, reopens nor reads the sensitive section', () => {
    expect(caseActions(actor(['caseworker']), kase())).toEqual(['edit', 'note', 'consent', 'screen', 'refer', 'letter', 'return']);
  });

  it('the assigned caseworker reads the sensitive section; one elsewhere gets nothing', () => {
    const cw = actor(['caseworker'], { siteIds: [] });
    expect(caseActions(cw, kase())).toEqual([]);
    expect(caseActions(cw, kase({ assignedTo: cw.userId }))).toContain('readSensitive');
  });

  it('the organization’s capabilities gate letters and returns (403 CAPABILITY_REQUIRED)', () => {
    expect(caseActions(actor(['manager'], { capabilities: [] }), kase())).not.toEqual(expect.arrayContaining(['letter']));
    expect(caseActions(actor(['manager'], { capabilities: [] }), kase())).not.toContain('return');
  });

  it('an anonymized case takes no edit, note, consent nor reopening (409 CASE_ANONYMIZED)', () => {
    expect(caseActions(actor(['manager']), kase({ status: 'closed', anonymizedAt: new Date() }))).toEqual(['assign', 'screen', 'readSensitive']);
  });

  it('another organization, an analyst, a shared view: nothing to do', () => {
    expect(caseActions(actor(['manager'], { organizationId: randomUUID() }), kase())).toEqual([]);
    expect(caseActions(actor(['analyst']), kase())).toEqual([]);
    const partner = actor(['manager'], { organizationId: randomUUID() });
    expect(caseActions(partner, kase({ sharedWith: [partner.organizationId!], sharedSections: [] }))).toEqual([]);
  });
});
