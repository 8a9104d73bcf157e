/** Capabilities an organization may hold; also the service types of referrals (DESIGN §1). */
export const CAPABILITIES = [
  'information',
  'reception',
  'orientation',
  'profiling',
  'health',
  'psychosocial',
  'legal',
  'shelter',
  'food',
  'documentation',
  'transport',
  'indulgence_letter',
  'return',
  'reintegration',
  'protection',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const ORGANIZATION_KINDS = ['intergovernmental', 'ngo', 'health_facility', 'government', 'platform'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const ORGANIZATION_CODE = /^[A-Z0-9-]{2,20}$/;
/** The organization that holds platform administrators. */
export const PLATFORM_ORG_CODE = 'PLATFORM';
