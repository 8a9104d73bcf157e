import { dictionary } from '@zxcvbn-ts/language-common';
import type { FieldError } from '@passerelle/common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// ~49,000 most common passwords (zxcvbn-ts' maintained list), compared case-insensitively.
const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/** NIST SP 800-63B style: length, no common password, not the email; no composition rules. */
export function passwordProblems(password: string, email?: string): FieldError[] {
  const errors: FieldError[] = [];
  // NIST counts each Unicode code point as one character (as the DTO's MaxLength does): six
  // emoji are twelve UTF-16 code units but only six characters.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) errors.push({ field: 'password', message: `must be at least ${PASSWORD_MIN_LENGTH} characters long` });
  if (length > PASSWORD_MAX_LENGTH) errors.push({ field: 'password', message: `must be at most ${PASSWORD_MAX_LENGTH} characters long` });
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) errors.push({ field: 'password', message: 'is one of the most common passwords' });
  else if (/^(.)\1+$/su.test(password)) errors.push({ field: 'password', message: 'must not repeat a single character' });
  if (email && lower.includes(email.toLowerCase().split('@')[0]) && email.split('@')[0].length >= 4) {
    errors.push({ field: 'password', message: 'must not contain the email address' });
  }
  return errors;
}
