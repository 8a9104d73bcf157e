import { DomainError } from '@passerelle/common';

/** `If-Match: "3"` (or W/"3", or 3) → 3; missing → 428; garbage → 412 like any stale version. */
export function expectedVersion(ifMatch: string | undefined, what: string): number {
  if (ifMatch === undefined || ifMatch.trim() === '') throw new DomainError('PRECONDITION_REQUIRED', 'Send If-Match with the ETag of the version you edited');
  const m = /^(?:W\/)?"?(\d{1,10})"?$/.exec(ifMatch.trim());
  if (!m) throw new DomainError('VERSION_CONFLICT', `If-Match does not name a version of this ${what}`);
  return Number(m[1]);
}
