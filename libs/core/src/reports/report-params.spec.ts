import { DomainError } from '@passerelle/common';
import { parseGroupBy, reportPeriod } from './report-params.js';

const now = new Date('2026-11-23T08:00:00Z');
const fieldsOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.errors?.map((x) => x.field);
    throw e;
  }
  throw new Error('expected a DomainError');
};

describe('reportPeriod', () => {
  it('whole UTC days, to included; default: the last 12 months up to today', () => {
    expect(reportPeriod({ from: '2026-01-01', to: '2026-01-31' }, now, 100)).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      start: new Date('2026-01-01T00:00:00Z'),
      end: new Date('2026-02-01T00:00:00Z'),
    });
    expect(reportPeriod({}, now, 400)).toMatchObject({ from: '2025-11-24', to: '2026-11-23' });
    expect(reportPeriod({ to: '2026-06-30' }, now, 400)).toMatchObject({ from: '2025-07-01', to: '2026-06-30' });
  });

  it('refuses unreal dates, from after to, and periods over the maximum (400 naming the field)', () => {
    expect(fieldsOf(() => reportPeriod({ from: '2026-02-29' }, now, 400))).toEqual(['from']);
    expect(fieldsOf(() => reportPeriod({ to: '2026-13-01' }, now, 400))).toEqual(['to']);
    expect(fieldsOf(() => reportPeriod({ from: '2026-05-02', to: '2026-05-01' }, now, 400))).toEqual(['from']);
    expect(fieldsOf(() => reportPeriod({ from: '2026-01-01', to: '2026-01-11' }, now, 10))).toEqual(['to']);
    expect(reportPeriod({ from: '2026-01-01', to: '2026-01-10' }, now, 10).to).toBe('2026-01-10');
  });
});

describe('parseGroupBy', () => {
  const known = ['month', 'sex', 'nationality', 'site'];
  it('the default when absent; the names in order otherwise', () => {
    expect(parseGroupBy(undefined, known, ['month'], 3)).toEqual(['month']);
    expect(parseGroupBy('sex,month', known, ['month'], 3)).toEqual(['sex', 'month']);
  });
  it('400 on an unknown, repeated or surplus dimension', () => {
    expect(fieldsOf(() => parseGroupBy('month,religion', known, [], 3))).toEqual(['groupBy']);
    expect(fieldsOf(() => parseGroupBy('sex,sex', known, [], 3))).toEqual(['groupBy']);
    expect(fieldsOf(() => parseGroupBy('month,sex,nationality,site', known, [], 3))).toEqual(['groupBy']);
    expect(fieldsOf(() => parseGroupBy('', known, [], 3))).toEqual(['groupBy']);
  });
});
