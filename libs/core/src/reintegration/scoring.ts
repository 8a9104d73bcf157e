import { REINTEGRATION_DIMENSIONS, type ReintegrationDimension } from './reintegration-vocabulary.js';

/**
 * A scoring scheme as data (issue 10): IOM's Reintegration Sustainability Survey gives economic,
 * social, psychosocial and composite scores from weighted indicators, and IOM's official weights
 * are not available to us, so nothing here is hard-coded: a scheme names its indicators, the
 * answers each accepts (an answer scale) and what each answer scores, each indicator's weight in
 * its dimension, and how the composite is formed. Validated by `validateSchemeDefinition`.
 */
export interface AnswerOption {
  code: string;
  label: string;
}
export interface IndicatorDefinition {
  code: string;
  dimension: ReintegrationDimension;
  label: string;
  /** The answer scale (a key of `scales`). */
  scale: string;
  /** What each answer of the scale scores, 0–1 (higher: more sustainable); null: not applicable, left out. */
  scores: Record<string, number | null>;
  /** Weight in its dimension's score. */
  weight: number;
}
export const DIMENSION_FORMULAS = ['weighted_mean'] as const;
export const COMPOSITE_FORMULAS = ['weighted_mean_of_dimensions', 'weighted_mean_of_indicators'] as const;
export type CompositeDefinition =
  /** The dimension scores, weighted by dimension. */
  | { formula: 'weighted_mean_of_dimensions'; weights: Record<ReintegrationDimension, number> }
  /** Every answered indicator, weighted by its own composite weight (keys: indicator codes). */
  | { formula: 'weighted_mean_of_indicators'; weights: Record<string, number> };
export interface SchemeDefinition {
  name: string;
  version: number;
  /** Where the weights come from, in words: a citation, or why they are placeholders. */
  source: string;
  /** True only for IOM's own published table. */
  official: boolean;
  description?: string;
  scales: Record<string, AnswerOption[]>;
  indicators: IndicatorDefinition[];
  /** `weighted_mean`: of the answered indicators' scores, by weight, re-normalised over those answered. */
  dimensionFormula: (typeof DIMENSION_FORMULAS)[number];
  composite: CompositeDefinition;
}

/** The stored scheme a visit is scored with: its id goes with every score. */
export interface SchemeRef {
  id: string;
  official: boolean;
  definition: SchemeDefinition;
}

/** The answers of one visit: indicator code → answer code; absent or null: not answered. */
export type Answers = Record<string, string | null | undefined>;

export interface DimensionScore {
  /** 0–1, 4 decimals; null when no indicator of the dimension was answered (never a silent zero). */
  score: number | null;
  answered: number;
  /** Indicators of the dimension with no answer: left out of the score, not counted as zero. */
  missing: string[];
  /** Answered "not applicable" (e.g. no school-age children): left out, by design. */
  notApplicable: string[];
  /** Every indicator answered (not-applicable ones count as answered). */
  complete: boolean;
}
export interface VisitScores {
  schemeId: string;
  schemeName: string;
  schemeVersion: number;
  official: boolean;
  dimensions: Record<ReintegrationDimension, DimensionScore>;
  composite: { score: number | null; missing: string[]; complete: boolean };
}

export const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Σ wᵢ·sᵢ / Σ wᵢ over the given pairs; null when there is nothing to weigh. */
function weightedMean(pairs: { weight: number; score: number }[]): number | null {
  const total = pairs.reduce((s, p) => s + p.weight, 0);
  if (!pairs.length || total <= 0) return null;
  return round4(pairs.reduce((s, p) => s + p.weight * p.score, 0) / total);
}

/**
 * The scores of one visit's answers under `scheme` (pure). The answers must already be checked
 * against the scheme (`answerErrors`): an answer code the scale lacks is a caller's bug here.
 * Missing answers are left out of every mean and listed; a dimension with none answered scores
 * null, and so does the composite when nothing at all was answered.
 */
export function scoreVisit(scheme: SchemeRef, answers: Answers): VisitScores {
  const def = scheme.definition;
  const scored = def.indicators.map((ind) => {
    const answer = answers[ind.code];
    if (answer === undefined || answer === null) return { ind, state: 'missing' as const };
    if (!Object.hasOwn(ind.scores, answer)) throw new Error(`answer ${answer} is not on the scale of ${ind.code}`);
    const score = ind.scores[answer];
    return score === null ? { ind, state: 'not_applicable' as const } : { ind, state: 'scored' as const, score };
  });
  const dimensions = Object.fromEntries(
    REINTEGRATION_DIMENSIONS.map((d) => {
      const mine = scored.filter((s) => s.ind.dimension === d);
      const answered = mine.filter((s) => s.state === 'scored') as { ind: IndicatorDefinition; score: number }[];
      const missing = mine.filter((s) => s.state === 'missing').map((s) => s.ind.code);
      return [
        d,
        {
          score: weightedMean(answered.map((s) => ({ weight: s.ind.weight, score: s.score }))),
          answered: answered.length,
          missing,
          notApplicable: mine.filter((s) => s.state === 'not_applicable').map((s) => s.ind.code),
          complete: missing.length === 0,
        },
      ];
    }),
  ) as Record<ReintegrationDimension, DimensionScore>;
  const missing = scored.filter((s) => s.state === 'missing').map((s) => s.ind.code);
  let composite: number | null;
  if (def.composite.formula === 'weighted_mean_of_dimensions') {
    const weights = def.composite.weights;
    composite = weightedMean(REINTEGRATION_DIMENSIONS.filter((d) => dimensions[d].score !== null).map((d) => ({ weight: weights[d], score: dimensions[d].score! })));
  } else {
    const weights = def.composite.weights;
    composite = weightedMean(scored.filter((s) => s.state === 'scored').map((s) => ({ weight: weights[s.ind.code], score: (s as { score: number }).score })));
  }
  return {
    schemeId: scheme.id,
    schemeName: def.name,
    schemeVersion: def.version,
    official: scheme.official,
    dimensions,
    composite: { score: composite, missing, complete: missing.length === 0 },
  };
}

/** What is wrong with a visit's answers under the scheme: unknown indicators, answers not on their scale. */
export function answerErrors(def: SchemeDefinition, answers: Answers): { field: string; message: string }[] {
  const byCode = new Map(def.indicators.map((i) => [i.code, i]));
  const errors: { field: string; message: string }[] = [];
  for (const [code, answer] of Object.entries(answers)) {
    const ind = byCode.get(code);
    if (!ind) errors.push({ field: `answers.${code}`, message: `is not an indicator of ${def.name} v${def.version}` });
    else if (answer !== null && answer !== undefined && (typeof answer !== 'string' || !Object.hasOwn(ind.scores, answer))) {
      // In the scale's order (a stored definition is jsonb, whose keys are not kept in order).
      const codes = (def.scales[ind.scale] ?? []).map((o) => o.code);
      errors.push({ field: `answers.${code}`, message: `must be one of ${codes.join(', ')} (or null: not answered)` });
    }
  }
  return errors;
}
