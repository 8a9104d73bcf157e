import type { ConsentBasis, ConsentMethod, ConsentPurpose, MigrantCategory, Sex, Vulnerability } from './case-vocabulary.js';
import type { CaseField } from './case.rules.js';
import type { Case, Contact, Household, IdentityDocument, Journey } from './case.entity.js';

export interface IdentityInput {
  givenName: string;
  familyName: string;
  otherNames?: string[];
  sex: Sex;
  dateOfBirth?: string;
  birthYear?: number;
  birthDateEstimated?: boolean;
  nationality?: string;
  languages?: string[];
}
export interface SensitiveSection {
  narrative?: string;
  medicalDetails?: string;
  protectionConcerns?: string[];
}
export interface ConsentInput {
  purpose: ConsentPurpose;
  basis: ConsentBasis;
  method: ConsentMethod;
  organizationIds?: string[];
  notes?: string;
}
export interface RegisterCaseInput {
  siteId: string;
  householdId?: string;
  identity: IdentityInput;
  contact?: Contact;
  documents?: IdentityDocument[];
  journey?: Journey;
  /** Issue 10: `returnee` opens reintegration. */
  migrantCategory?: MigrantCategory;
  vulnerabilities?: Vulnerability[];
  sensitive?: SensitiveSection;
  household?: Household;
  consent?: ConsentInput;
}
/** Identity fields a PATCH may clear with null (the rest is merged over the stored identity). */
export type IdentityPatch = Partial<Omit<IdentityInput, 'dateOfBirth' | 'birthYear' | 'nationality'>> & {
  dateOfBirth?: string | null;
  birthYear?: number | null;
  nationality?: string | null;
};

export interface UpdateCaseInput {
  identity?: IdentityPatch;
  contact?: Contact;
  documents?: IdentityDocument[];
  journey?: Journey;
  migrantCategory?: MigrantCategory | null;
  vulnerabilities?: Vulnerability[];
  sensitive?: SensitiveSection;
  household?: Household;
  householdId?: string | null;
}
/** Who is about to be registered, to warn of a likely duplicate before the case exists. */
export interface DuplicateProbe {
  givenName: string;
  familyName: string;
  otherNames?: string[];
  dateOfBirth?: string;
  birthYear?: number;
  nationality?: string;
}

export interface CaseFilter {
  q?: string;
  caseNumber?: string;
  nationality?: string;
  status?: string;
  siteId?: string;
  vulnerability?: string;
  assignedTo?: string;
  migrantCategory?: string;
  registeredFrom?: string;
  registeredTo?: string;
}

/**
 * A case as one actor may see it: `fields` lists the sections (and `record`) the actor may read,
 * by the CASL rules; `sensitive` is decrypted only when listed there.
 */
export interface CaseView {
  case: Case;
  fields: readonly CaseField[];
  sensitive?: SensitiveSection | null;
}
