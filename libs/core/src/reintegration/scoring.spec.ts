import { RSS_STRUCTURE_DEMO } from './rss-structure-demo.js';
import { validateSchemeDefinition } from './scheme-validation.js';
import { answerErrors, type SchemeDefinition, type SchemeRef, scoreVisit } from './scoring.js';

/** A small scheme whose scores are computed by hand below. */
const DEF: SchemeDefinition = {
  name: 'hand-computed',
  version: 1,
  source: 'test fixture',
  official: false,
  scales: {
    q3: [
      { code: 'low', label: 'Low' },
      { code: 'mid', label: 'Mid' },
      { code: 'high', label: 'High' },
    ],
    yn: [
      { code: 'yes', label: 'Yes' },
      { code: 'no', label: 'No' },
    ],
    yn_na: [
      { code: 'yes', label: 'Yes' },
      { code: 'no', label: 'No' },
      { code: 'na', label: 'Not applicable' },
    ],
  },
  indicators: [
    { code: 'e1', dimension: 'economic', label: 'E1', scale: 'q3', scores: { low: 0, mid: 0.5, high: 1 }, weight: 1 },
    { code: 'e2', dimension: 'economic', label: 'E2', scale: 'yn', scores: { yes: 1, no: 0 }, weight: 3 },
    { code: 's1', dimension: 'social', label: 'S1', scale: 'q3', scores: { low: 0, mid: 0.5, high: 1 }, weight: 1 },
    { code: 's2', dimension: 'social', label: 'S2', scale: 'yn_na', scores: { yes: 1, no: 0, na: null }, weight: 1 },
    { code: 'p1', dimension: 'psychosocial', label: 'P1', scale: 'yn', scores: { yes: 0, no: 1 }, weight: 2 },
    { code: 'p2', dimension: 'psychosocial', label: 'P2', scale: 'q3', scores: { low: 0, mid: 0.5, high: 1 }, weight: 2 },
  ],
  dimensionFormula: 'weighted_mean',
  composite: { formula: 'weighted_mean_of_dimensions', weights: { economic: 2, social: 1, psychosocial: 1 } },
};
const SCHEME: SchemeRef = { id: 'scheme-1', official: false, definition: DEF };

describe('scoreVisit (issue 10 acceptance 2): hand-computed examples', () => {
  it('the fixture is a valid scheme', () => {
    expect(validateSchemeDefinition(DEF)).toEqual([]);
  });

  it('every answer given: weighted means per dimension, composite by dimension weights', () => {
    const s = scoreVisit(SCHEME, { e1: 'mid', e2: 'yes', s1: 'high', s2: 'no', p1: 'yes', p2: 'high' });
    // economic (1·0.5 + 3·1) / 4 = 0.875; social (1·1 + 1·0) / 2 = 0.5; psychosocial (2·0 + 2·1) / 4 = 0.5
    // composite (2·0.875 + 1·0.5 + 1·0.5) / 4 = 0.6875
    expect(s).toEqual({
      schemeId: 'scheme-1',
      schemeName: 'hand-computed',
      schemeVersion: 1,
      official: false,
      dimensions: {
        economic: { score: 0.875, answered: 2, missing: [], notApplicable: [], complete: true },
        social: { score: 0.5, answered: 2, missing: [], notApplicable: [], complete: true },
        psychosocial: { score: 0.5, answered: 2, missing: [], notApplicable: [], complete: true },
      },
      composite: { score: 0.6875, missing: [], complete: true },
    });
  });

  it('missing answers are left out and named, never counted as zero; a dimension with none answered is null', () => {
    const s = scoreVisit(SCHEME, { e1: 'mid', s1: 'low', s2: 'na', p1: null });
    // economic: e1 only → 0.5 (had e2 counted as 0 it would be 0.125); social: s1 → 0, s2 not applicable;
    // psychosocial: nothing → null; composite over the scored dimensions (2·0.5 + 1·0) / 3 = 0.3333
    expect(s.dimensions.economic).toEqual({ score: 0.5, answered: 1, missing: ['e2'], notApplicable: [], complete: false });
    expect(s.dimensions.social).toEqual({ score: 0, answered: 1, missing: [], notApplicable: ['s2'], complete: true });
    expect(s.dimensions.psychosocial).toEqual({ score: null, answered: 0, missing: ['p1', 'p2'], notApplicable: [], complete: false });
    expect(s.composite).toEqual({ score: 0.3333, missing: ['e2', 'p1', 'p2'], complete: false });
  });

  it('no answer at all: every score null, every indicator missing', () => {
    const s = scoreVisit(SCHEME, {});
    for (const d of ['economic', 'social', 'psychosocial'] as const) expect(s.dimensions[d].score).toBeNull();
    expect(s.composite).toEqual({ score: null, missing: ['e1', 'e2', 's1', 's2', 'p1', 'p2'], complete: false });
  });

  it('a composite weighted by indicator: each answered indicator by its own composite weight', () => {
    const byIndicator: SchemeRef = {
      id: 'scheme-2',
      official: true,
      definition: { ...DEF, composite: { formula: 'weighted_mean_of_indicators', weights: { e1: 1, e2: 0, s1: 1, s2: 1, p1: 1, p2: 2 } } },
    };
    expect(validateSchemeDefinition(byIndicator.definition)).toEqual([]);
    const s = scoreVisit(byIndicator, { e1: 'high', e2: 'no', s1: 'mid', s2: 'yes', p2: 'low' });
    // (1·1 + 0·0 + 1·0.5 + 1·1 + 2·0) / (1 + 0 + 1 + 1 + 2) = 2.5 / 5 = 0.5; p1 missing, left out
    expect(s.composite).toEqual({ score: 0.5, missing: ['p1'], complete: false });
    expect(s.official).toBe(true);
    expect(s.schemeId).toBe('scheme-2');
  });

  it('rounds to 4 decimals: one third is 0.3333', () => {
    const s = scoreVisit(SCHEME, { p1: 'no', p2: 'low', s1: 'high', s2: 'no', e1: 'low', e2: 'no' });
    // psychosocial (2·1 + 2·0) / 4 = 0.5; social 0.5; economic 0 → composite (0 + 0.5 + 0.5) / 4 = 0.25
    expect(s.composite.score).toBe(0.25);
    expect(scoreVisit(SCHEME, { e1: 'high', s1: 'low' }).composite.score).toBe(0.6667);
  });

  it('refuses to score an answer its scale lacks (the service checks answers first)', () => {
    expect(() => scoreVisit(SCHEME, { e1: 'toString' })).toThrow(/not on the scale/);
  });
});

describe('answerErrors: a visit’s answers against the scheme', () => {
  it('names unknown indicators and answers not on their scale; null is "not answered"', () => {
    expect(answerErrors(DEF, { e1: 'mid', e2: null, zz: 'yes', s1: 'maybe', p1: 'constructor' })).toEqual([
      { field: 'answers.zz', message: 'is not an indicator of hand-computed v1' },
      { field: 'answers.s1', message: 'must be one of low, mid, high (or null: not answered)' },
      { field: 'answers.p1', message: 'must be one of yes, no (or null: not answered)' },
    ]);
  });
});

describe('the shipped rss-structure-demo scheme', () => {
  it('is valid, not official, says so in its source, with equal weights', () => {
    expect(validateSchemeDefinition(RSS_STRUCTURE_DEMO)).toEqual([]);
    expect(RSS_STRUCTURE_DEMO.official).toBe(false);
    expect(RSS_STRUCTURE_DEMO.source).toMatch(/NOT IOM OFFICIAL WEIGHTS/);
    expect(new Set(RSS_STRUCTURE_DEMO.indicators.map((i) => i.weight))).toEqual(new Set([1]));
    expect(RSS_STRUCTURE_DEMO.composite).toEqual({ formula: 'weighted_mean_of_dimensions', weights: { economic: 1, social: 1, psychosocial: 1 } });
  });

  it('has the nine themes of each dimension from the domain notes', () => {
    const count = (d: string) => RSS_STRUCTURE_DEMO.indicators.filter((i) => i.dimension === d).length;
    expect([count('economic'), count('social'), count('psychosocial')]).toEqual([9, 9, 9]);
    expect(RSS_STRUCTURE_DEMO.indicators.map((i) => i.label)).toContain('feeling able to stay in the country');
  });

  it('scores 1 for the best answers and 0 for the worst', () => {
    const best = Object.fromEntries(RSS_STRUCTURE_DEMO.indicators.map((i) => [i.code, Object.entries(i.scores).find(([, s]) => s === 1)![0]]));
    const worst = Object.fromEntries(RSS_STRUCTURE_DEMO.indicators.map((i) => [i.code, Object.entries(i.scores).find(([, s]) => s === 0)![0]]));
    const ref = { id: 'demo', official: false, definition: RSS_STRUCTURE_DEMO };
    expect(scoreVisit(ref, best).composite).toEqual({ score: 1, missing: [], complete: true });
    expect(scoreVisit(ref, worst).composite).toEqual({ score: 0, missing: [], complete: true });
  });
});
