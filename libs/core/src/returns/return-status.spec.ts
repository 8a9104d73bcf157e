import { codeOf } from '../../../../test/support/domain-errors.js';
import {
  MOVEMENT_STATUSES,
  type MovementAction,
  type MovementStatus,
  missingForDeparture,
  nextMovementStatus,
  nextReturnStatus,
  RETURN_IN_PROGRESS,
  RETURN_STATUSES,
  type ReturnAction,
  type ReturnStatus,
} from './return-status.js';


/**
 * DESIGN §6 / issue 9, every (status, action) pair of a return: draft → submitted → approved →
 * departed → arrived; submitted → rejected; any state before departed → cancelled; the edits and
 * joining a movement keep the state. Every other pair is 409 INVALID_TRANSITION.
 */
const ALLOWED: Record<string, ReturnStatus> = {
  'draft:editPlan': 'draft',
  'draft:editTravel': 'draft',
  'submitted:editTravel': 'submitted',
  'approved:editTravel': 'approved',
  'draft:submit': 'submitted',
  'submitted:approve': 'approved',
  'submitted:reject': 'rejected',
  'approved:depart': 'departed',
  'departed:arrive': 'arrived',
  'draft:cancel': 'cancelled',
  'submitted:cancel': 'cancelled',
  'approved:cancel': 'cancelled',
  'approved:join': 'approved',
};
const ACTIONS: ReturnAction[] = ['editPlan', 'editTravel', 'submit', 'approve', 'reject', 'depart', 'arrive', 'cancel', 'join'];

describe('return transitions: every status × action', () => {
  for (const from of RETURN_STATUSES) {
    for (const action of ACTIONS) {
      const to = ALLOWED[`${from}:${action}`];
      it(`${action} a ${from} return → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) expect(nextReturnStatus(from, action)).toBe(to);
        else expect(codeOf(() => nextReturnStatus(from, action))).toBe('INVALID_TRANSITION');
      });
    }
  }

  it('the states in progress are exactly those that can still be cancelled', () => {
    const cancellable = RETURN_STATUSES.filter((s) => codeOf(() => nextReturnStatus(s, 'cancel')) === undefined);
    expect([...RETURN_IN_PROGRESS].sort()).toEqual([...cancellable].sort());
  });

  it('arrived, rejected and cancelled are final: no action leaves them', () => {
    for (const from of ['arrived', 'rejected', 'cancelled'] as const) {
      for (const action of ACTIONS) expect(codeOf(() => nextReturnStatus(from, action))).toBe('INVALID_TRANSITION');
    }
  });
});

const MOVEMENT_ALLOWED: Record<string, MovementStatus> = { 'planned:edit': 'planned', 'planned:depart': 'departed', 'planned:cancel': 'cancelled' };
const MOVEMENT_ACTIONS: MovementAction[] = ['edit', 'depart', 'cancel'];

describe('movement transitions', () => {
  for (const from of MOVEMENT_STATUSES) {
    for (const action of MOVEMENT_ACTIONS) {
      const to = MOVEMENT_ALLOWED[`${from}:${action}`];
      it(`${action} a ${from} movement → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) expect(nextMovementStatus(from, action)).toBe(to);
        else expect(codeOf(() => nextMovementStatus(from, action))).toBe('INVALID_TRANSITION');
      });
    }
  }
});

describe('departure requirements (DESIGN §6)', () => {
  const ready = { travelDocument: { type: 'laissez_passer', number: 'LP-123' }, legs: [{}], medicalCondition: false, fitToTravel: null, escortRequired: false, escort: null };

  it('a travel document with a number and one leg suffice without a medical vulnerability', () => {
    expect(missingForDeparture(ready)).toEqual([]);
  });

  it('lists every missing item', () => {
    expect(missingForDeparture({ travelDocument: null, legs: [], medicalCondition: true, fitToTravel: 'pending', escortRequired: true, escort: null })).toEqual(['travel_document', 'legs', 'fitness_to_travel', 'escort']);
    expect(missingForDeparture({ ...ready, travelDocument: { type: 'passport', number: '  ' } })).toEqual(['travel_document']);
  });

  it('a required escort must be named; an escort named without being required is no requirement', () => {
    expect(missingForDeparture({ ...ready, escortRequired: true })).toEqual(['escort']);
    expect(missingForDeparture({ ...ready, escortRequired: true, escort: { name: '   ' } })).toEqual(['escort']);
    expect(missingForDeparture({ ...ready, escortRequired: true, escort: { name: 'Aminata Traoré' } })).toEqual([]);
    expect(missingForDeparture({ ...ready, escortRequired: false, escort: null })).toEqual([]);
  });

  it('a medical vulnerability needs fitness to travel yes on the latest screening', () => {
    for (const fit of [null, 'no', 'pending', 'not_required']) expect(missingForDeparture({ ...ready, medicalCondition: true, fitToTravel: fit })).toEqual(['fitness_to_travel']);
    expect(missingForDeparture({ ...ready, medicalCondition: true, fitToTravel: 'yes' })).toEqual([]);
  });
});
