import { randomUUID } from 'node:crypto';
import { userActor } from '../access/index.js';
import { movementActions, returnActions } from './return-actions.js';
import type { Movement, Return } from './return.entity.js';
import { RETURN_STATUSES, type ReturnStatus } from './return-status.js';

const ORG = randomUUID();
const SITE = randomUUID();
const actor = (roles: string[], over: { capabilities?: string[]; siteIds?: string[] } = {}) =>
  userActor({ userId: randomUUID(), organizationId: ORG, organizationCode: 'T', roles, siteIds: over.siteIds ?? [SITE], capabilities: over.capabilities ?? ['return'] });
const ret = (status: ReturnStatus, over: Partial<Return> = {}) =>
  ({ id: randomUUID(), owningOrganizationId: ORG, caseSiteId: SITE, caseAssignedTo: null, status, submittedBy: null, movementId: null, ...over }) as Return;

describe('returnActions: the capability, the rules, maker-checker and the table', () => {
  const m = actor(['manager']);
  it.each([
    ['draft', ['editPlan', 'editTravel', 'submit', 'cancel']],
    ['submitted', ['editTravel', 'approve', 'reject', 'cancel']],
    ['approved', ['editTravel', 'depart', 'cancel']],
    ['rejected', []],
    ['departed', ['arrive']],
    ['arrived', []],
    ['cancelled', []],
  ] as const)('a manager, %s: %j', (status, expected) => {
    expect(returnActions(m, ret(status, { submittedBy: randomUUID() }))).toEqual(expected);
  });

  it('covers every status', () => expect(RETURN_STATUSES).toHaveLength(7));

  it('the submitter never approves nor rejects (403 SELF_APPROVAL_FORBIDDEN)', () => {
    expect(returnActions(m, ret('submitted', { submittedBy: m.userId }))).toEqual(['editTravel', 'cancel']);
  });

  it('a caseworker never decides; one elsewhere does nothing', () => {
    expect(returnActions(actor(['caseworker']), ret('submitted'))).toEqual(['editTravel', 'cancel']);
    expect(returnActions(actor(['caseworker'], { siteIds: [] }), ret('draft'))).toEqual([]);
  });

  it('a return in a movement departs with it (409), and without the capability nothing (403)', () => {
    expect(returnActions(m, ret('approved', { movementId: randomUUID() }))).toEqual(['editTravel', 'cancel']);
    expect(returnActions(actor(['manager'], { capabilities: [] }), ret('draft'))).toEqual([]);
  });
});

describe('movementActions', () => {
  const mv = (status: Movement['status']) => ({ id: randomUUID(), owningOrganizationId: ORG, status }) as Movement;
  it('a manager edits, departs and cancels a planned movement; an empty one does not depart', () => {
    expect(movementActions(actor(['manager']), mv('planned'))).toEqual(['edit', 'depart', 'cancel']);
    expect(movementActions(actor(['manager']), mv('planned'), [])).toEqual(['edit', 'cancel']);
    expect(movementActions(actor(['manager']), mv('departed'))).toEqual([]);
  });
  it('movements are the managers’', () => expect(movementActions(actor(['caseworker']), mv('planned'))).toEqual([]));
});
