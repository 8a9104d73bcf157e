/** The codes the API accepts (DESIGN §3), in the order a caseworker meets them. Labels are in the locales. */
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export const CATEGORIES = ['in_transit', 'returnee', 'other'] as const;
export const REASONS = ['economic', 'conflict_insecurity', 'family', 'education', 'environmental', 'persecution', 'other'] as const;
export const TRAVELLING_WITH = ['alone', 'family', 'group'] as const;
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
export const CONSENT_PURPOSES = ['registration', 'referral', 'return', 'reintegration', 'photo'] as const;
export const CONSENT_METHODS = ['verbal', 'signed', 'thumbprint'] as const;
export const CLOSURE_REASONS = ['returned', 'reintegration_completed', 'continued_journey', 'settled_locally', 'lost_contact', 'transferred', 'duplicate', 'deceased', 'other'] as const;
/** Languages most heard at the centres (ISO 639-3). */
export const LANGUAGES = ['fra', 'eng', 'bam', 'ful', 'snk', 'son', 'wol', 'sus', 'hau', 'ara', 'tmh', 'dyu'] as const;
export const TRAVEL_DOCUMENT = ['valid', 'obtainable', 'none'] as const;
export const FIT_TO_TRAVEL = ['yes', 'no', 'pending', 'not_required'] as const;
