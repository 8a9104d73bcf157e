import { type FieldError, validationFailed } from '@passerelle/common';

const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A report's period: whole UTC days `from` … `to` (both included) = [start, end). */
export interface ReportPeriod {
  from: string;
  to: string;
  start: Date;
  end: Date;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
function parseDay(v: string): Date | null {
  if (!DATE.test(v)) return null;
  const d = new Date(`${v}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || isoDay(d) !== v ? null : d;
}

/**
 * `from`/`to` as given, or the last 12 months up to today (UTC; Mali keeps UTC all year).
 * 400 VALIDATION_FAILED when a date is not a real date, when from > to, or when the period is
 * longer than `maxDays` (a bound on the rows one statement may produce).
 */
export function reportPeriod(input: { from?: string; to?: string }, now: Date, maxDays: number): ReportPeriod {
  const errors: FieldError[] = [];
  const to = input.to === undefined ? parseDay(isoDay(now)) : parseDay(input.to);
  if (!to) errors.push({ field: 'to', message: 'must be a real date YYYY-MM-DD' });
  let from = input.from === undefined ? null : parseDay(input.from);
  if (input.from !== undefined && !from) errors.push({ field: 'from', message: 'must be a real date YYYY-MM-DD' });
  if (to && input.from === undefined) {
    from = new Date(to);
    from.setUTCFullYear(from.getUTCFullYear() - 1);
    from = new Date(from.getTime() + DAY);
  }
  if (from && to) {
    if (from > to) errors.push({ field: 'from', message: 'must not be after to' });
    else if ((to.getTime() - from.getTime()) / DAY + 1 > maxDays) errors.push({ field: 'to', message: `the period may span at most ${maxDays} days` });
  }
  if (errors.length) throw validationFailed(errors);
  return { from: isoDay(from!), to: isoDay(to!), start: from!, end: new Date(to!.getTime() + DAY) };
}

/**
 * `groupBy=a,b,c`: known dimensions, each once, at most `max`; the default when absent.
 * 400 VALIDATION_FAILED naming the unknown ones otherwise.
 */
export function parseGroupBy(raw: string | undefined, known: readonly string[], fallback: readonly string[], max: number): string[] {
  if (raw === undefined) return [...fallback];
  const dims = raw.split(',').map((d) => d.trim());
  const unknown = dims.filter((d) => !known.includes(d));
  const errors: FieldError[] = [];
  if (unknown.length) errors.push({ field: 'groupBy', message: `unknown dimension(s) ${unknown.map((d) => JSON.stringify(d)).join(', ')}: use ${known.join(', ')}` });
  else if (new Set(dims).size !== dims.length) errors.push({ field: 'groupBy', message: 'names a dimension twice' });
  else if (dims.length > max) errors.push({ field: 'groupBy', message: `at most ${max} dimensions` });
  if (errors.length) throw validationFailed(errors);
  return dims;
}
