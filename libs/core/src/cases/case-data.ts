import { type Actor, DomainError, validationFailed } from '@passerelle/common';
import type { Vulnerability } from './case-vocabulary.js';
import type { Case } from './case.entity.js';
import type { RegisterCaseInput } from './case.types.js';

/**
 * A case's data as plain functions (no I/O): the identity as given in and shown back, what the
 * audit trail records of a case, whether the person is a child, the anonymized guard, and the
 * writes of a registration or an edit onto the entity (validated).
 */

/** What the audit trail records of a case: identity and sections, never the sensitive values. */
export const caseSnapshot = (c: Case, sensitiveChanged = false) => ({
  givenName: c.givenName,
  familyName: c.familyName,
  otherNames: c.otherNames,
  sex: c.sex,
  dateOfBirth: c.dateOfBirth,
  birthYear: c.birthYear,
  nationality: c.nationality,
  languages: c.languages,
  contact: c.contact,
  documents: c.documents,
  journey: c.journey,
  migrantCategory: c.migrantCategory,
  vulnerabilities: c.vulnerabilityFlags,
  household: c.household,
  householdId: c.householdId,
  siteId: c.siteId,
  assignedTo: c.assignedTo,
  status: c.status,
  closureReason: c.closureReason,
  ...(sensitiveChanged ? { sensitive: '(changed)' } : {}),
});

/** The case as the audit trail's target: its id, under its owning organization. */
export function caseTarget(c: Pick<Case, 'id' | 'owningOrganizationId'>) {
  return { type: 'Case', id: c.id, organizationId: c.owningOrganizationId };
}

/** The identity section of a case, as given in and shown back (absent values omitted). */
export function caseIdentity(c: Case) {
  return {
    givenName: c.givenName,
    familyName: c.familyName,
    otherNames: c.otherNames,
    sex: c.sex,
    dateOfBirth: c.dateOfBirth ?? undefined,
    birthYear: c.birthYear ?? undefined,
    birthDateEstimated: c.birthDateEstimated,
    nationality: c.nationality ?? undefined,
    languages: c.languages,
  };
}

/** Issue 11: an anonymized case takes no personal data any more (409; cases_anonymized_check backs it). */
export function assertNotAnonymized(c: Pick<Case, 'anonymizedAt'>): void {
  if (c.anonymizedAt) throw new DomainError('CASE_ANONYMIZED', 'The case is anonymized: it holds no personal data any more and takes none');
}

export function isChild(c: Pick<Case, 'dateOfBirth' | 'birthYear' | 'vulnerabilityFlags'>, today: Date): boolean {
  if (c.vulnerabilityFlags.some((f) => f === 'unaccompanied_child' || f === 'separated_child')) return true;
  const born = c.dateOfBirth ? new Date(`${c.dateOfBirth}T00:00:00Z`) : c.birthYear ? new Date(Date.UTC(c.birthYear, 0, 1)) : null;
  if (!born) return false;
  const adult = new Date(born);
  adult.setUTCFullYear(born.getUTCFullYear() + 18);
  return adult > today;
}

/** Writes the identity section onto `c`, validated against `today` (422). */
export function applyIdentity(c: Case, i: RegisterCaseInput['identity'], today: Date): void {
  if (i.dateOfBirth) {
    const dob = new Date(`${i.dateOfBirth}T00:00:00Z`);
    if (Number.isNaN(dob.getTime()) || dob > today || dob.getUTCFullYear() < 1900) {
      throw validationFailed([{ field: 'identity.dateOfBirth', message: 'must be a real date between 1900 and today' }]);
    }
  }
  if (i.birthYear !== undefined && i.birthYear > today.getUTCFullYear()) {
    throw validationFailed([{ field: 'identity.birthYear', message: 'must not be in the future' }]);
  }
  c.givenName = i.givenName.trim();
  c.familyName = i.familyName.trim();
  c.otherNames = (i.otherNames ?? []).map((n) => n.trim());
  c.sex = i.sex;
  c.dateOfBirth = i.dateOfBirth ?? null;
  c.birthYear = i.dateOfBirth ? Number(i.dateOfBirth.slice(0, 4)) : (i.birthYear ?? null);
  c.birthDateEstimated = i.birthDateEstimated ?? false;
  c.nationality = i.nationality ?? null;
  c.languages = [...new Set(i.languages ?? [])];
  c.searchName = ''; // set by the cases_search_name trigger: lower(f_unaccent(all names))
}

/** Writes the vulnerability flags onto `c`: a flag kept keeps its assessment, a new one is assessed by `actor` now. */
export function applyVulnerabilities(c: Case, flags: Vulnerability[], actor: Actor, now: Date): void {
  const previous = new Map((c.vulnerabilities ?? []).map((v) => [v.flag, v]));
  const unique = [...new Set(flags)];
  c.vulnerabilities = unique.map((flag) => previous.get(flag) ?? { flag, assessedBy: actor.userId, assessedAt: now.toISOString() });
  c.vulnerabilityFlags = unique;
}
