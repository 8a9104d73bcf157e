import { randomUUID } from 'node:crypto';
import { userActor } from '../access/index.js';
import { planActions } from './plan-actions.js';
import type { PlanStatus } from './plan-status.js';
import type { ReintegrationPlan } from './reintegration.entity.js';

const ORG = randomUUID();
const SITE = randomUUID();
const actor = (roles: string[], capabilities = ['reintegration']) => userActor({ userId: randomUUID(), organizationId: ORG, organizationCode: 'T', roles, siteIds: [SITE], capabilities });
const plan = (status: PlanStatus, over: Partial<ReintegrationPlan> = {}) =>
  ({ id: randomUUID(), owningOrganizationId: ORG, caseSiteId: SITE, caseAssignedTo: null, status, submittedBy: randomUUID(), firstApprovedBy: null, ...over }) as ReintegrationPlan;

describe('planActions', () => {
  const m = actor(['manager']);
  it.each([
    ['draft', ['edit', 'submit', 'visit']],
    ['submitted', ['approve', 'reject', 'visit']],
    ['approved', ['complete', 'visit']],
    ['in_progress', ['complete', 'visit']],
    ['completed', ['visit']],
    ['rejected', []],
  ] as const)('a manager, %s: %j', (status, expected) => expect(planActions(m, plan(status))).toEqual(expected));

  it('maker-checker: neither the submitter nor the first approver decides', () => {
    expect(planActions(m, plan('submitted', { submittedBy: m.userId }))).toEqual(['visit']);
    expect(planActions(m, plan('awaiting_second_approval', { firstApprovedBy: m.userId }))).toEqual(['visit']);
    expect(planActions(m, plan('awaiting_second_approval'))).toEqual(['approve', 'reject', 'visit']);
  });

  it('with the items at hand: submitted with a planned item, completed with none left planned', () => {
    expect(planActions(m, plan('draft'), [{ status: 'cancelled' }])).toEqual(['edit', 'visit']);
    expect(planActions(m, plan('draft'), [{ status: 'planned' }])).toEqual(['edit', 'submit', 'visit']);
    expect(planActions(m, plan('in_progress'), [{ status: 'planned' }, { status: 'delivered' }])).toEqual(['visit']);
    expect(planActions(m, plan('in_progress'), [{ status: 'delivered' }])).toEqual(['complete', 'visit']);
  });

  it('a caseworker never decides; without the capability nothing', () => {
    expect(planActions(actor(['caseworker']), plan('submitted'))).toEqual(['visit']);
    expect(planActions(actor(['manager'], []), plan('draft'))).toEqual([]);
  });
});
