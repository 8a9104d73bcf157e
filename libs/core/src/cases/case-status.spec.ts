import { CASE_STATUSES } from './case-vocabulary.js';
import { type CaseAction, nextCaseStatus } from './case-status.js';

describe('case transitions', () => {
  const allowed: Record<string, string> = { 'open:close': 'closed', 'closed:reopen': 'open' };
  for (const from of CASE_STATUSES) {
    for (const action of ['close', 'reopen'] as CaseAction[]) {
      const key = `${from}:${action}`;
      it(`${action} from ${from} → ${allowed[key] ?? 'INVALID_TRANSITION'}`, () => {
        if (allowed[key]) expect(nextCaseStatus(from, action)).toBe(allowed[key]);
        else expect(() => nextCaseStatus(from, action)).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      });
    }
  }
});
