import { codeOf } from '../../../../test/support/domain-errors.js';
import { approvalsRequired, ITEM_ACTIONS, ITEM_STATUSES, type ItemStatus, nextItemStatus, nextPlanStatus, PLAN_ACTIONS, PLAN_STATUSES, type PlanStatus } from './plan-status.js';


/** Issue 10, every (status, action) pair of a plan with one approval required: the allowed ones and their target, all others 409. */
const ONE_APPROVAL: Record<string, PlanStatus> = {
  'draft:edit': 'draft',
  'draft:submit': 'submitted',
  'draft:visit': 'draft',
  'submitted:approve': 'approved',
  'submitted:reject': 'rejected',
  'submitted:visit': 'submitted',
  'awaiting_second_approval:approve': 'approved',
  'awaiting_second_approval:reject': 'rejected',
  'awaiting_second_approval:visit': 'awaiting_second_approval',
  'approved:deliver': 'in_progress',
  'approved:complete': 'completed',
  'approved:visit': 'approved',
  'in_progress:deliver': 'in_progress',
  'in_progress:complete': 'completed',
  'in_progress:visit': 'in_progress',
  'completed:visit': 'completed',
};
/** Above the ceiling only the first approval differs: it waits for a second. */
const TWO_APPROVALS: Record<string, PlanStatus> = { ...ONE_APPROVAL, 'submitted:approve': 'awaiting_second_approval' };

describe.each([
  [1, ONE_APPROVAL],
  [2, TWO_APPROVALS],
] as const)('plan transitions, %i approval(s) required', (required, allowed) => {
  for (const from of PLAN_STATUSES) {
    for (const action of PLAN_ACTIONS) {
      const to = allowed[`${from}:${action}`];
      it(`${action} a ${from} plan → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) expect(nextPlanStatus(from, action, { approvalsRequired: required })).toBe(to);
        else expect(codeOf(() => nextPlanStatus(from, action, { approvalsRequired: required }))).toBe('INVALID_TRANSITION');
      });
    }
  }
});

const ITEM_ALLOWED: Record<string, ItemStatus> = { 'planned:edit': 'planned', 'planned:deliver': 'delivered', 'planned:cancel': 'cancelled' };

describe('item transitions: planned → delivered | cancelled, both final', () => {
  for (const from of ITEM_STATUSES) {
    for (const action of ITEM_ACTIONS) {
      const to = ITEM_ALLOWED[`${from}:${action}`];
      it(`${action} a ${from} item → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) expect(nextItemStatus(from, action)).toBe(to);
        else expect(codeOf(() => nextItemStatus(from, action))).toBe('INVALID_TRANSITION');
      });
    }
  }
});

describe('approvalsRequired: a second approver strictly above the ceiling', () => {
  it.each([
    [1_000_000, 1_000_000, 1],
    [1_000_001, 1_000_000, 2],
    [0, 0, 1],
    [1, 0, 2],
    [50_000_000, null, 1],
  ] as const)('budget %i, ceiling %p → %i', (total, ceiling, expected) => {
    expect(approvalsRequired(total, ceiling)).toBe(expected);
  });
});
