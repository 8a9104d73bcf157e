import { RSS_STRUCTURE_DEMO } from './rss-structure-demo.js';
import { validateSchemeDefinition } from './scheme-validation.js';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const fieldsOf = (input: unknown) => validateSchemeDefinition(input).map((e) => e.field);

describe('validateSchemeDefinition (issue 10 acceptance 3): every error with its path', () => {
  it('accepts the shipped scheme', () => {
    expect(validateSchemeDefinition(RSS_STRUCTURE_DEMO)).toEqual([]);
  });

  it('weights that are not numbers (or negative, or all zero)', () => {
    const d = clone(RSS_STRUCTURE_DEMO) as unknown as { indicators: { weight: unknown }[]; composite: { weights: Record<string, unknown> } };
    d.indicators[0].weight = '1';
    d.indicators[1].weight = -1;
    d.composite.weights.social = 'a third';
    expect(validateSchemeDefinition(d)).toEqual(
      expect.arrayContaining([
        { field: 'indicators[0].weight', message: 'must be a number ≥ 0' },
        { field: 'indicators[1].weight', message: 'must be a number ≥ 0' },
        { field: 'composite.weights.social', message: 'must be a number ≥ 0' },
      ]),
    );
    const zero = clone(RSS_STRUCTURE_DEMO);
    for (const i of zero.indicators) if (i.dimension === 'social') i.weight = 0;
    expect(validateSchemeDefinition(zero)).toEqual([{ field: 'indicators', message: 'the weights of the social indicators must not all be zero' }]);
  });

  it('unknown answer codes, and answers of the scale left without a score', () => {
    const d = clone(RSS_STRUCTURE_DEMO);
    d.indicators[2].scores = { yes: 1, maybe: 0.5 };
    expect(validateSchemeDefinition(d)).toEqual([
      { field: 'indicators[2].scores.maybe', message: 'unknown answer code: not an answer of scale yes_no' },
      { field: 'indicators[2].scores.no', message: 'missing: every answer of the scale needs a score (or null)' },
    ]);
  });

  it('answer scores outside 0–1, unknown scales and dimensions, duplicate codes', () => {
    const d = clone(RSS_STRUCTURE_DEMO) as unknown as { indicators: Record<string, unknown>[]; scales: Record<string, { code: string; label: string }[]> };
    (d.indicators[0].scores as Record<string, unknown>).satisfied = 7;
    d.indicators[1].scale = 'nope';
    d.indicators[3].dimension = 'spiritual';
    d.indicators[4].code = d.indicators[5].code;
    d.scales.yes_no.push({ code: 'yes', label: 'Again' });
    expect(fieldsOf(d)).toEqual(
      expect.arrayContaining(['indicators[0].scores.satisfied', 'indicators[1].scale', 'indicators[3].dimension', 'indicators[5].code', 'scales.yes_no[2].code']),
    );
  });

  it('a dimension without indicators; a composite without its weights or with a formula of its own', () => {
    const d = clone(RSS_STRUCTURE_DEMO);
    d.indicators = d.indicators.filter((i) => i.dimension !== 'psychosocial');
    expect(fieldsOf(d)).toEqual(['indicators']);
    const c = clone(RSS_STRUCTURE_DEMO) as unknown as { composite: Record<string, unknown> };
    c.composite = { formula: 'weighted_mean_of_dimensions', weights: { economic: 1, social: 1 } };
    expect(fieldsOf(c)).toEqual(['composite.weights.psychosocial']);
    c.composite = { formula: 'geometric_mean', weights: {} };
    expect(fieldsOf(c)).toEqual(['composite.formula']);
    const ind = clone(RSS_STRUCTURE_DEMO) as unknown as { composite: Record<string, unknown> };
    ind.composite = { formula: 'weighted_mean_of_indicators', weights: { economic: 1 } };
    expect(fieldsOf(ind)).toContain('composite.weights.economic');
    expect(fieldsOf(ind)).toContain('composite.weights.economic_satisfaction');
  });

  it('the header: name, version, source, official, formulas, unknown fields', () => {
    expect(fieldsOf({ ...RSS_STRUCTURE_DEMO, name: 'Has Spaces', version: 1.5, source: ' ', official: 'no', dimensionFormula: 'median', weights: {} }).sort()).toEqual(
      ['dimensionFormula', 'name', 'official', 'source', 'version', 'weights'].sort(),
    );
    expect(validateSchemeDefinition([])).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
    expect(fieldsOf({})).toEqual(expect.arrayContaining(['name', 'version', 'source', 'official', 'scales', 'indicators', 'composite.formula']));
  });
});
