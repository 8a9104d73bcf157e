/** Controlled vocabularies of the case (DESIGN §3), one list each: types, validation, CHECKs. */
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

/**
 * Who the migrant is to the organization (issue 10): in transit, a returnee (a Malian back home,
 * who may get reintegration support without having travelled on one of our returns), or other.
 * Null: not recorded.
 */
export const MIGRANT_CATEGORIES = ['in_transit', 'returnee', 'other'] as const;
export type MigrantCategory = (typeof MIGRANT_CATEGORIES)[number];

export const CASE_STATUSES = ['open', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CLOSURE_REASONS = [
  'returned',
  'reintegration_completed',
  'continued_journey',
  'settled_locally',
  'lost_contact',
  'transferred',
  'duplicate',
  'deceased',
  'other',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

export const VULNERABILITIES = [
  'unaccompanied_child',
  'separated_child',
  'victim_of_trafficking',
  'medical_condition',
  'pregnant_or_lactating',
  'elderly',
  'disability',
  'gbv_survivor',
  'detention_survivor',
  'mental_health',
  'single_parent',
  'destitute',
] as const;
export type Vulnerability = (typeof VULNERABILITIES)[number];

export const REASONS_FOR_MIGRATION = ['economic', 'conflict_insecurity', 'family', 'education', 'environmental', 'persecution', 'other'] as const;
export const TRAVELLING_WITH = ['alone', 'family', 'group'] as const;
export const EDUCATION_LEVELS = ['none', 'koranic', 'primary', 'secondary', 'vocational', 'higher', 'unknown'] as const;
export const DOCUMENT_TYPES = ['passport', 'national_id', 'laissez_passer', 'birth_certificate', 'consular_card', 'refugee_id', 'other'] as const;

/** Case sections (DESIGN §2): what a referral can share; identity is always shared. */
export const CASE_SECTIONS = ['identity', 'contact', 'documents', 'journey', 'vulnerabilities', 'sensitive', 'household'] as const;
export type CaseSection = (typeof CASE_SECTIONS)[number];

export const CONSENT_PURPOSES = ['registration', 'referral', 'return', 'reintegration', 'photo'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const CONSENT_BASES = ['consent', 'vital_interest'] as const;
export type ConsentBasis = (typeof CONSENT_BASES)[number];
export const CONSENT_METHODS = ['verbal', 'signed', 'thumbprint'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
