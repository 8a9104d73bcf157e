import type { Letter } from './letter.entity.js';
import type { CheckpointResult, LetterState } from './letter-status.js';

export interface IssueLetterInput {
  validFrom: string;
  validUntil: string;
  purpose: string;
  route: { from: string; to: string; via?: string[] };
}
export interface LetterFilter {
  /** `active` and `expired` split the stored active letters by `validUntil` against today. */
  status?: LetterState;
  /** Issued on or after / on or before these dates (Mali time, UTC). */
  from?: string;
  to?: string;
}

/** A letter as the API shows it: its state today and the URL its QR code opens. */
export interface LetterView {
  letter: Letter;
  state: LetterState;
  /** Null once the case is anonymized: the register keeps only the token's digest. */
  verificationUrl: string | null;
}

/**
 * What the public verification tells a checkpoint (DESIGN §6): for a genuine letter, its state
 * today and only the fields needed to match it with the person and the paper; `invalid` (the
 * signature does not verify) and `unknown` (signed, but not in the register) say nothing more.
 */
export type LetterVerification =
  | { result: 'invalid' | 'unknown' }
  | {
      result: CheckpointResult;
      serialNumber: string;
      holder: { fullName: string; nationality: string | null } | null;
      issuer: { code: string; name: string };
      validFrom: string;
      validUntil: string;
    };

/** Why an active letter stops being the case's letter without being revoked. */
export type SupersedeCause = 'reissued' | 'departed';
