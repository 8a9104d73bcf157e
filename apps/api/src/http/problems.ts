import { DomainError, type ErrorCode, type FieldError } from '@passerelle/common';

/** The one code → HTTP table (CONVENTIONS §2): a code without a row does not compile. */
export const PROBLEMS: Record<ErrorCode, { status: number; title: string }> = {
  VALIDATION_FAILED: { status: 400, title: 'Validation failed' },
  MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  MALFORMED_REQUEST: { status: 400, title: 'Malformed HTTP request' },
  INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthorized' },
  INVALID_CREDENTIALS: { status: 401, title: 'Unauthorized' },
  INVALID_TOKEN: { status: 401, title: 'Unauthorized' },
  ACCOUNT_LOCKED: { status: 429, title: 'Too many failed attempts' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  // The session cookie is used only with X-Requested-With: passerelle-web, which a cross-site form cannot send.
  CSRF_HEADER_REQUIRED: { status: 403, title: 'CSRF header required' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  CODE_TAKEN: { status: 409, title: 'Code already in use' },
  EMAIL_TAKEN: { status: 409, title: 'Email already in use' },
  INVALID_TRANSITION: { status: 409, title: 'Not allowed in the current state' },
  CONSENT_REQUIRED: { status: 409, title: 'Consent required' },
  CASE_NOT_CLOSABLE: { status: 409, title: 'The case cannot be closed now' },
  CASE_ANONYMIZED: { status: 409, title: 'The case is anonymized' },
  SERVICE_NOT_OFFERED: { status: 422, title: 'Service not offered by that organization' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused with another request' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this idempotency key is still running' },
  PRECONDITION_REQUIRED: { status: 428, title: 'Precondition required' },
  VERSION_CONFLICT: { status: 412, title: 'Version conflict' },
  SELF_APPROVAL_FORBIDDEN: { status: 403, title: 'Self-approval forbidden' },
  CAPABILITY_REQUIRED: { status: 403, title: 'Capability required' },
  ACTIVE_STAY_EXISTS: { status: 409, title: 'The migrant already has an active stay' },
  SHELTER_FULL: { status: 409, title: 'Shelter full' },
  NOT_ELIGIBLE: { status: 409, title: 'Not eligible for return' },
  RETURN_IN_PROGRESS: { status: 409, title: 'A return is already in progress' },
  DEPARTURE_REQUIREMENTS_MISSING: { status: 409, title: 'Departure requirements missing' },
  NOT_A_RETURNEE: { status: 409, title: 'Not a returnee' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://passerelle.example/problems/';

export function toProblem(e: DomainError, instance?: string): Problem {
  const { title } = PROBLEMS[e.code];
  const status = e.status ?? PROBLEMS[e.code].status;
  return {
    ...(e.extra ?? {}),
    type: `${PROBLEM_TYPE_BASE}${e.code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code: e.code,
    ...(e.detail ? { detail: e.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(e.errors ? { errors: e.errors } : {}),
  };
}

/** Named database constraints that are a user's mistake, not ours (CONVENTIONS §2). Features add rows. */
export const CONSTRAINT_CODES: Record<string, { code: ErrorCode; detail: string }> = {
  organizations_code_key: { code: 'CODE_TAKEN', detail: 'This organization code is already in use' },
  users_email_key: { code: 'EMAIL_TAKEN', detail: 'A user with this email already exists' },
  // Backstops of the stays service's own checks (issue 7): the database has the last word.
  stays_one_active_per_case: { code: 'ACTIVE_STAY_EXISTS', detail: 'The migrant already has an active stay: check them out of it first' },
  stay_extensions_one_pending_per_stay: { code: 'CONFLICT', detail: 'This stay already has a pending extension request: it must be approved or rejected first' },
  stay_extensions_maker_checker_check: { code: 'SELF_APPROVAL_FORBIDDEN', detail: 'You requested this extension: another manager must decide on it' },
  // Backstops of the reintegration services' own checks (issue 10).
  reintegration_plans_one_per_case: { code: 'CONFLICT', detail: 'The case already has a reintegration plan; a new one only after a rejection' },
  reintegration_plans_maker_checker_check: { code: 'SELF_APPROVAL_FORBIDDEN', detail: 'Another manager must decide on this plan' },
  scoring_schemes_name_version_key: { code: 'VALIDATION_FAILED', detail: 'This scheme name and version are already loaded: load a new version' },
  letters_one_active_per_case: { code: 'CONFLICT', detail: 'Another letter was issued for this case at the same moment; reload and retry' },
  // Backstops of the returns service's own checks (issue 9).
  returns_one_in_progress_per_case: { code: 'RETURN_IN_PROGRESS', detail: 'The case already has a return in progress: cancel it or see it through first' },
  returns_maker_checker_check: { code: 'SELF_APPROVAL_FORBIDDEN', detail: 'You submitted this return: another manager must decide on it' },
  // Backstops of the data-protection service (issue 11).
  cases_anonymized_check: { code: 'CASE_ANONYMIZED', detail: 'The case is anonymized: it holds no personal data any more and takes none' },
  anonymization_requests_one_pending_per_case: { code: 'CONFLICT', detail: 'An anonymization request for this case is already pending' },
  anonymization_requests_maker_checker_check: { code: 'SELF_APPROVAL_FORBIDDEN', detail: 'You requested this anonymization: another manager must decide on it' },
};
