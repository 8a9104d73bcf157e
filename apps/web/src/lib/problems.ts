import { formatTime } from './format';

/**
 * Every failed call becomes a Problem: the API's RFC 9457 body (its `code`, `errors[]`), or a
 * code of our own when there was no answer (NETWORK) or an answer that was not a problem.
 * Screens turn it into a sentence with `problemMessage` — never raw JSON.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail?: string,
    readonly errors: FieldError[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail ?? code);
    this.name = 'Problem';
  }
}

export function toProblem(error: unknown, response?: Response): Problem {
  if (error instanceof Problem) return error;
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    const p = error as { status?: number; code: string; detail?: string; errors?: FieldError[] };
    const retryAfter = Number(response?.headers.get('retry-after') ?? NaN);
    const body = { ...(error as Record<string, unknown>), ...(Number.isFinite(retryAfter) ? { retryAfter } : {}) };
    return new Problem(p.status ?? response?.status ?? 0, p.code, p.detail, Array.isArray(p.errors) ? p.errors : [], body);
  }
  if (response) return new Problem(response.status, response.status >= 500 ? 'SERVER_ERROR' : 'UNEXPECTED_ANSWER');
  return new Problem(0, 'NETWORK');
}

/** The data of an openapi-fetch answer, or a thrown Problem. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (e) {
    if (e instanceof Problem) throw e;
    throw new Problem(0, 'NETWORK');
  }
  if (result.error !== undefined || !result.response.ok) throw toProblem(result.error, result.response);
  return result.data as T;
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The sentence for a problem, in the user's language, chosen by its code. */
export function problemMessage(t: Translate, error: unknown): string {
  const p = error instanceof Problem ? error : toProblem(error);
  // A locked account says until when (Retry-After, in seconds), in Mali's time.
  const until = typeof p.body.retryAfter === 'number' ? formatTime(new Date(Date.now() + p.body.retryAfter * 1000)) : undefined;
  return t(`problems.${p.code}`, { defaultValue: t('problems.generic'), until });
}

/** `errors[]` of a validation problem as form errors, by the field path the server named. */
export function fieldErrors(t: Translate, error: unknown): Record<string, string> {
  if (!(error instanceof Problem)) return {};
  const out: Record<string, string> = {};
  for (const e of error.errors) out[e.field] = t('problems.invalidField');
  return out;
}
