import { randomUUID } from 'node:crypto';
import { userActor } from '../access/index.js';
import { extensionActions, stayActions } from './stay-actions.js';
import type { Stay, StayExtension } from './stay.entity.js';

const ORG = randomUUID();
const actor = (roles: string[], over: { capabilities?: string[]; organizationId?: string } = {}) =>
  userActor({ userId: randomUUID(), organizationId: over.organizationId ?? ORG, organizationCode: 'T', roles, siteIds: [], capabilities: over.capabilities ?? ['shelter'] });
const stay = (status: Stay['status']) => ({ id: randomUUID(), owningOrganizationId: ORG, status }) as Stay;
const extension = (status: StayExtension['status'], requestedBy: string = randomUUID()) => ({ id: randomUUID(), owningOrganizationId: ORG, status, requestedBy }) as StayExtension;

describe('stayActions', () => {
  it('an active stay is checked out and extended by the shelter organization’s staff', () => {
    expect(stayActions(actor(['caseworker']), stay('active'))).toEqual(['checkOut', 'requestExtension']);
    expect(stayActions(actor(['manager']), stay('checked_out'))).toEqual([]);
  });

  it('one pending request at a time (409): not listed while the response shows one', () => {
    expect(stayActions(actor(['caseworker']), stay('active'), [extension('rejected'), extension('pending')])).toEqual(['checkOut']);
    expect(stayActions(actor(['caseworker']), stay('active'), [extension('approved')])).toEqual(['checkOut', 'requestExtension']);
  });

  it('no shelter capability, another organization, an analyst: nothing', () => {
    expect(stayActions(actor(['manager'], { capabilities: [] }), stay('active'))).toEqual([]);
    expect(stayActions(actor(['manager'], { organizationId: randomUUID() }), stay('active'))).toEqual([]);
    expect(stayActions(actor(['analyst']), stay('active'))).toEqual([]);
  });
});

describe('extensionActions: maker-checker (DESIGN §5)', () => {
  it('a manager who did not request it decides a pending request', () => {
    expect(extensionActions(actor(['manager']), extension('pending'), stay('active'))).toEqual(['approve', 'reject']);
    expect(extensionActions(actor(['manager']), extension('approved'), stay('active'))).toEqual([]);
  });

  it('never the requester, never a caseworker', () => {
    const m = actor(['manager']);
    expect(extensionActions(m, extension('pending', m.userId!), stay('active'))).toEqual([]);
    expect(extensionActions(actor(['caseworker']), extension('pending'), stay('active'))).toEqual([]);
  });
});
