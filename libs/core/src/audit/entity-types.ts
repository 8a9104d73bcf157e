/**
 * Audit entity types as stored and as the contract spells them (API.md: lower snake_case).
 * Stored names stay PascalCase: each sealed event's hash covers its entity_type and the table is
 * append-only, so the names are translated here, at the edge, in the filter and in the answers.
 */
export const STORED_ENTITY_TYPES = [
  'Activity',
  'AnonymizationRequest',
  'Case',
  'Letter',
  'Movement',
  'Organization',
  'ReintegrationPlan',
  'Referral',
  'Report',
  'Return',
  'Route',
  'ScoringScheme',
  'ServiceRecord',
  'Site',
  'Stay',
  'User',
] as const;
export type StoredEntityType = (typeof STORED_ENTITY_TYPES)[number];

/** 'StayExtension' → 'stay_extension'. */
export const contractEntityType = (stored: string): string => stored.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();

/**
 * Parts recorded on their parent's trail (a consent's events are its case's, with its id in
 * details): the filter finds them by action and by that id.
 */
const PARTS: Record<string, { stored: StoredEntityType; actionPrefix: string; idKey: string }> = {
  consent: { stored: 'Case', actionPrefix: 'consent.', idKey: 'consentId' },
  screening: { stored: 'Case', actionPrefix: 'screening.', idKey: 'screeningId' },
  stay_extension: { stored: 'Stay', actionPrefix: 'stay.extension_', idKey: 'extensionId' },
};

const BY_CONTRACT = new Map<string, StoredEntityType>(STORED_ENTITY_TYPES.map((t) => [contractEntityType(t), t]));

/** Every type the audit filter accepts, sorted. */
export const AUDIT_ENTITY_TYPES: readonly string[] = [...BY_CONTRACT.keys(), ...Object.keys(PARTS)].sort();

/** How to find a contract type's events among the stored ones; undefined for an unknown type. */
export type EntityTypeFilter = { stored: StoredEntityType; actionPrefix?: string; idKey?: string };
export function entityTypeFilter(type: string): EntityTypeFilter | undefined {
  const stored = BY_CONTRACT.get(type);
  if (stored) return { stored };
  return Object.hasOwn(PARTS, type) ? PARTS[type] : undefined;
}
