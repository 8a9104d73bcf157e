import type { FieldError } from '@passerelle/common';
import { REINTEGRATION_DIMENSIONS } from './reintegration-vocabulary.js';
import { COMPOSITE_FORMULAS, DIMENSION_FORMULAS, type SchemeDefinition } from './scoring.js';

/** Codes of scales, answers and indicators: lower snake case (never `__proto__` and the like). */
const CODE = /^[a-z][a-z0-9_]{0,63}$/;
const NAME = /^[a-z0-9][a-z0-9._-]{1,79}$/;
const LIMITS = { scales: 50, answers: 20, indicators: 200, label: 500, source: 2000, description: 4000 } as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isWeight = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= max && !/\u0000/.test(v);

/**
 * Every problem of a scheme definition (issue 10 acceptance 3), as `{field, message}` with the
 * JSON path: a scheme is stored whole and valid, or not at all. Pure; the duplicate (name,
 * version) check needs the database and is the service's.
 */
export function validateSchemeDefinition(input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  if (!isObject(input)) return [{ field: '(body)', message: 'must be a JSON object' }];
  const d = input as Partial<Record<keyof SchemeDefinition, unknown>>;
  const known = new Set(['name', 'version', 'source', 'official', 'description', 'scales', 'indicators', 'dimensionFormula', 'composite']);
  for (const k of Object.keys(d)) if (!known.has(k)) err(k, 'is not a field of a scoring scheme');

  if (typeof d.name !== 'string' || !NAME.test(d.name)) err('name', `must match ${NAME.source}`);
  if (typeof d.version !== 'number' || !Number.isInteger(d.version) || d.version < 1 || d.version > 1_000_000) err('version', 'must be a whole number from 1 to 1000000');
  if (!isText(d.source, LIMITS.source)) err('source', `must say where the weights come from (1–${LIMITS.source} characters)`);
  if (typeof d.official !== 'boolean') err('official', 'must be true or false');
  if (d.description !== undefined && !isText(d.description, LIMITS.description)) err('description', `must be text of at most ${LIMITS.description} characters`);
  if (!(DIMENSION_FORMULAS as readonly unknown[]).includes(d.dimensionFormula)) err('dimensionFormula', `must be one of ${DIMENSION_FORMULAS.join(', ')}`);

  // Scales: the answers a question accepts.
  const scales = new Map<string, Set<string>>();
  if (!isObject(d.scales) || !Object.keys(d.scales).length || Object.keys(d.scales).length > LIMITS.scales) {
    err('scales', `must be an object of 1–${LIMITS.scales} answer scales`);
  } else {
    for (const [name, options] of Object.entries(d.scales)) {
      const at = `scales.${name}`;
      if (!CODE.test(name)) err(at, `scale names must match ${CODE.source}`);
      if (!Array.isArray(options) || !options.length || options.length > LIMITS.answers) {
        err(at, `must list 1–${LIMITS.answers} answers`);
        continue;
      }
      const codes = new Set<string>();
      options.forEach((o: unknown, i) => {
        if (!isObject(o) || typeof o.code !== 'string' || !CODE.test(o.code)) return err(`${at}[${i}].code`, `must match ${CODE.source}`);
        if (!isText(o.label, LIMITS.label)) err(`${at}[${i}].label`, `must be text of 1–${LIMITS.label} characters`);
        for (const k of Object.keys(o)) if (k !== 'code' && k !== 'label') err(`${at}[${i}].${k}`, 'is not a field of an answer');
        if (codes.has(o.code)) err(`${at}[${i}].code`, `duplicate answer code ${o.code}`);
        codes.add(o.code);
      });
      scales.set(name, codes);
    }
  }

  // Indicators: dimension, scale, a score for every answer of the scale and nothing else, weight.
  const indicators = new Set<string>();
  const weightByDimension = Object.fromEntries(REINTEGRATION_DIMENSIONS.map((x) => [x, { count: 0, total: 0 }]));
  if (!Array.isArray(d.indicators) || !d.indicators.length || d.indicators.length > LIMITS.indicators) {
    err('indicators', `must list 1–${LIMITS.indicators} indicators`);
  } else {
    d.indicators.forEach((ind: unknown, i) => {
      const at = `indicators[${i}]`;
      if (!isObject(ind)) return err(at, 'must be an object');
      for (const k of Object.keys(ind)) if (!['code', 'dimension', 'label', 'scale', 'scores', 'weight'].includes(k)) err(`${at}.${k}`, 'is not a field of an indicator');
      if (typeof ind.code !== 'string' || !CODE.test(ind.code)) err(`${at}.code`, `must match ${CODE.source}`);
      else if (indicators.has(ind.code)) err(`${at}.code`, `duplicate indicator code ${ind.code}`);
      else indicators.add(ind.code);
      const dimension = ind.dimension as string;
      if (!(REINTEGRATION_DIMENSIONS as readonly string[]).includes(dimension)) err(`${at}.dimension`, `must be one of ${REINTEGRATION_DIMENSIONS.join(', ')}`);
      if (!isText(ind.label, LIMITS.label)) err(`${at}.label`, `must be text of 1–${LIMITS.label} characters`);
      if (!isWeight(ind.weight)) err(`${at}.weight`, 'must be a number ≥ 0');
      else if (weightByDimension[dimension]) {
        weightByDimension[dimension].count++;
        weightByDimension[dimension].total += ind.weight;
      }
      const scale = typeof ind.scale === 'string' ? scales.get(ind.scale) : undefined;
      if (!scale) return err(`${at}.scale`, 'must name one of the scales');
      if (!isObject(ind.scores)) return err(`${at}.scores`, 'must give a score for each answer of the scale');
      for (const [code, score] of Object.entries(ind.scores)) {
        if (!scale.has(code)) err(`${at}.scores.${code}`, `unknown answer code: not an answer of scale ${ind.scale}`);
        else if (score !== null && (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1)) err(`${at}.scores.${code}`, 'must be a number from 0 to 1, or null (not applicable)');
      }
      for (const code of scale) if (!Object.hasOwn(ind.scores, code)) err(`${at}.scores.${code}`, 'missing: every answer of the scale needs a score (or null)');
    });
    for (const x of REINTEGRATION_DIMENSIONS) {
      if (!weightByDimension[x].count) err('indicators', `the ${x} dimension has no indicator`);
      else if (weightByDimension[x].total <= 0) err('indicators', `the weights of the ${x} indicators must not all be zero`);
    }
  }

  // The composite: how the dimensions (or the indicators) weigh in it.
  const c = d.composite;
  if (!isObject(c) || !(COMPOSITE_FORMULAS as readonly unknown[]).includes(c.formula)) {
    err('composite.formula', `must be one of ${COMPOSITE_FORMULAS.join(', ')}`);
  } else if (!isObject(c.weights)) {
    err('composite.weights', 'must be an object of weights');
  } else {
    for (const k of Object.keys(c)) if (k !== 'formula' && k !== 'weights') err(`composite.${k}`, 'is not a field of the composite');
    const keys: string[] = c.formula === 'weighted_mean_of_dimensions' ? [...REINTEGRATION_DIMENSIONS] : [...indicators];
    const weights = c.weights;
    for (const [k, w] of Object.entries(weights)) {
      if (!keys.includes(k)) err(`composite.weights.${k}`, c.formula === 'weighted_mean_of_dimensions' ? 'is not a dimension' : 'is not an indicator of this scheme');
      else if (!isWeight(w)) err(`composite.weights.${k}`, 'must be a number ≥ 0');
    }
    for (const k of keys) if (!Object.hasOwn(weights, k)) err(`composite.weights.${k}`, 'missing: give every weight (0 to leave it out)');
    if (Object.values(weights).every((w) => isWeight(w) && w === 0)) err('composite.weights', 'must not all be zero');
  }
  return errors;
}
