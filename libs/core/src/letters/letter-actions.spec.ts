import { randomUUID } from 'node:crypto';
import { userActor } from '../access/index.js';
import { letterActions } from './letter-actions.js';
import type { Letter } from './letter.entity.js';

const ORG = randomUUID();
const actor = (roles: string[], organizationId = ORG) => userActor({ userId: randomUUID(), organizationId, organizationCode: 'T', roles, siteIds: [], capabilities: ['indulgence_letter'] });
const letter = (over: Partial<Letter> = {}) =>
  ({ id: randomUUID(), issuingOrganizationId: ORG, owningOrganizationId: ORG, createdBy: null, caseSiteId: randomUUID(), caseAssignedTo: null, status: 'active', holder: { fullName: 'A B' }, ...over }) as Letter;

describe('letterActions', () => {
  it('the issuing organization’s manager revokes an active letter; anyone who reads it prints it', () => {
    expect(letterActions(actor(['manager']), letter())).toEqual(['revoke', 'pdf']);
    expect(letterActions(actor(['manager']), letter({ status: 'revoked' }))).toEqual(['pdf']);
    expect(letterActions(actor(['manager']), letter({ status: 'superseded' }))).toEqual(['pdf']);
  });
  it('a caseworker revokes the letters they issued; an anonymized holder is not printed (409)', () => {
    const cw = actor(['caseworker']);
    expect(letterActions(cw, letter())).toEqual(['pdf']);
    expect(letterActions(cw, letter({ createdBy: cw.userId }))).toEqual(['revoke', 'pdf']);
    expect(letterActions(cw, letter({ createdBy: cw.userId, holder: null }))).toEqual(['revoke']);
  });
});
