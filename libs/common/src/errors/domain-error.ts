/** Machine codes of every problem the API can answer; apps/api/src/http/problems.ts maps each to HTTP. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'MALFORMED_REQUEST',
  'INVALID_CURSOR',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'INVALID_TOKEN',
  'ACCOUNT_LOCKED',
  'FORBIDDEN',
  'CSRF_HEADER_REQUIRED',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'CODE_TAKEN',
  'EMAIL_TAKEN',
  'INVALID_TRANSITION',
  'CONSENT_REQUIRED',
  'CASE_NOT_CLOSABLE',
  'CASE_ANONYMIZED',
  'SERVICE_NOT_OFFERED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_PROGRESS',
  'PRECONDITION_REQUIRED',
  'VERSION_CONFLICT',
  'SELF_APPROVAL_FORBIDDEN',
  'CAPABILITY_REQUIRED',
  'ACTIVE_STAY_EXISTS',
  'SHELTER_FULL',
  'NOT_ELIGIBLE',
  'RETURN_IN_PROGRESS',
  'DEPARTURE_REQUIREMENTS_MISSING',
  'NOT_A_RETURNEE',
  'RATE_LIMITED',
  'DATABASE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The one error type services throw. It carries a stable code, never an HTTP status, so the
 * worker and the CLI reuse services unchanged; the API maps codes to statuses in one table.
 */
export interface DomainErrorOptions {
  /** The fields at fault (400 VALIDATION_FAILED). */
  errors?: FieldError[];
  /** Members added to the problem document (`currentVersion`, `reasons`, `free`…). */
  extra?: Record<string, unknown>;
  /** Overrides the code's usual status where the contract says so (400 vs 409 CONSENT_REQUIRED). */
  status?: number;
}

export class DomainError extends Error {
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;
  readonly status?: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options: DomainErrorOptions = {},
  ) {
    super(detail ?? code);
    this.name = 'DomainError';
    this.errors = options.errors;
    this.extra = options.extra;
    this.status = options.status;
  }
}

export const validationFailed = (errors: FieldError[]): DomainError =>
  new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
