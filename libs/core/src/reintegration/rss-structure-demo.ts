import type { IndicatorDefinition, SchemeDefinition } from './scoring.js';

/**
 * The scheme shipped with the product (issue 10), loaded by migration 1796320000000 with the same
 * definition (a unit test keeps the two equal). NOT IOM's: the indicator themes are those of the
 * domain notes (shared/reference/domain-notes.md §2.5, "RSS questions, reconstructed from
 * memory"), word for word; the answer scales and their scores are linear placeholders of ours;
 * every indicator weighs the same in its dimension and each dimension a third of the composite.
 * IOM's official weights (Reintegration Handbook, Annex 4) can be loaded as another scheme.
 */
export const RSS_STRUCTURE_DEMO_NAME = 'rss-structure-demo';

const linear = (codes: string[]): Record<string, number> => Object.fromEntries(codes.map((c, i) => [c, Math.round((i / (codes.length - 1)) * 100) / 100]));
const reversed = (codes: string[]): Record<string, number> => linear([...codes].reverse());

const SATISFACTION = ['very_dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'very_satisfied'];
const FREQUENCY = ['never', 'rarely', 'sometimes', 'often', 'very_often'];
const QUALITY = ['very_poor', 'poor', 'fair', 'good', 'very_good'];
const AGREEMENT = ['strongly_disagree', 'disagree', 'neutral', 'agree', 'strongly_agree'];

const label = (code: string) => code.charAt(0).toUpperCase() + code.slice(1).replaceAll('_', ' ');
const scale = (codes: string[]) => codes.map((code) => ({ code, label: label(code) }));

type Ind = Omit<IndicatorDefinition, 'weight'>;
const ind = (dimension: Ind['dimension'], code: string, text: string, scaleName: string, scores: Ind['scores']): Ind => ({ code, dimension, label: text, scale: scaleName, scores });

const YES_GOOD = { yes: 1, no: 0 };
const NO_GOOD = { yes: 0, no: 1 };

/** Indicator themes from the domain notes §2.5 table, in its order; higher scores are read as more sustainable. */
const INDICATORS: Ind[] = [
  ind('economic', 'economic_satisfaction', 'satisfaction with current economic situation', 'satisfaction5', linear(SATISFACTION)),
  ind('economic', 'food_reduced_for_cost', 'how often food quantity/quality is reduced because of cost', 'frequency5', reversed(FREQUENCY)),
  ind('economic', 'able_to_borrow', 'ability to borrow if needed', 'yes_no', YES_GOOD),
  ind('economic', 'borrowing_frequency', 'frequency of borrowing', 'frequency5', reversed(FREQUENCY)),
  ind('economic', 'debt_vs_spending', 'debt compared with monthly spending', 'debt_level', { no_debt: 1, less_than_monthly_spending: 0.5, more_than_monthly_spending: 0 }),
  ind('economic', 'access_to_employment_training', 'perceived access to employment/training', 'quality5', linear(QUALITY)),
  ind('economic', 'currently_working', 'currently working', 'yes_no', YES_GOOD),
  ind('economic', 'owns_productive_assets', 'ownership of productive assets', 'yes_no', YES_GOOD),
  ind('economic', 'looking_for_job', 'currently looking for a job', 'yes_no', NO_GOOD),
  ind('social', 'access_to_housing', 'access to housing', 'quality5', linear(QUALITY)),
  ind('social', 'housing_standard', 'standard of housing', 'quality5', linear(QUALITY)),
  ind('social', 'access_to_education', 'access to education', 'quality5', linear(QUALITY)),
  ind('social', 'children_enrolled', 'school-age children enrolled', 'yes_no_na', { yes: 1, no: 0, not_applicable: null }),
  ind('social', 'access_to_justice', 'access to justice/law enforcement', 'quality5', linear(QUALITY)),
  ind('social', 'has_identity_documents', 'possession of identity documents', 'yes_no', YES_GOOD),
  ind('social', 'access_to_drinking_water', 'access to safe drinking water', 'quality5', linear(QUALITY)),
  ind('social', 'access_to_health_care', 'access to health care', 'quality5', linear(QUALITY)),
  ind('social', 'health_care_quality', 'quality of health care', 'quality5', linear(QUALITY)),
  ind('psychosocial', 'social_activities', 'participation in social activities', 'frequency5', linear(FREQUENCY)),
  ind('psychosocial', 'support_network', 'strength of support network', 'quality5', linear(QUALITY)),
  ind('psychosocial', 'sense_of_belonging', 'sense of belonging to the community', 'agreement5', linear(AGREEMENT)),
  ind('psychosocial', 'physical_safety', 'feeling of physical safety', 'agreement5', linear(AGREEMENT)),
  ind('psychosocial', 'family_tension', 'frequency of family tension/conflict', 'frequency5', reversed(FREQUENCY)),
  ind('psychosocial', 'discrimination', 'experience of discrimination', 'frequency5', reversed(FREQUENCY)),
  ind('psychosocial', 'signs_of_distress', 'signs of distress (anger, sadness, fear, stress, isolation, low self-esteem, poor concentration)', 'frequency5', reversed(FREQUENCY)),
  ind('psychosocial', 'wants_psychological_support', 'wish for specialised psychological support', 'yes_no', NO_GOOD),
  ind('psychosocial', 'able_to_stay', 'feeling able to stay in the country', 'agreement5', linear(AGREEMENT)),
];

export const RSS_STRUCTURE_DEMO: SchemeDefinition = {
  name: RSS_STRUCTURE_DEMO_NAME,
  version: 1,
  official: false,
  source:
    'NOT IOM OFFICIAL WEIGHTS. Indicator themes: the RSS question themes of shared/reference/domain-notes.md §2.5 (reconstructed from memory, unverified). ' +
    'Answer scales and scores: linear placeholders (0 to 1, higher = more sustainable). Weights: equal within each dimension; each dimension one third of the composite. ' +
    'IOM’s official weights (Reintegration Handbook 2019, Annex 4) were not available; load them as a new scheme when obtained.',
  description: 'The structure of the Reintegration Sustainability Survey (economic, social, psychosocial) with neutral equal weights, for demonstration and for recording answers until the official table is loaded.',
  scales: {
    satisfaction5: scale(SATISFACTION),
    frequency5: scale(FREQUENCY),
    quality5: scale(QUALITY),
    agreement5: scale(AGREEMENT),
    yes_no: scale(['yes', 'no']),
    yes_no_na: scale(['yes', 'no', 'not_applicable']),
    debt_level: scale(['no_debt', 'less_than_monthly_spending', 'more_than_monthly_spending']),
  },
  indicators: INDICATORS.map((i) => ({ ...i, weight: 1 })),
  dimensionFormula: 'weighted_mean',
  composite: { formula: 'weighted_mean_of_dimensions', weights: { economic: 1, social: 1, psychosocial: 1 } },
};
