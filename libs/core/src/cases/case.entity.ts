import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation, VirtualColumn } from 'typeorm';
import { Stamped } from '@passerelle/common';
import { Organization } from '../organizations/index.js';
import { Site } from '../sites/index.js';
import { User } from '../users/index.js';
import type { CaseStatus, ClosureReason, MigrantCategory, Sex, Vulnerability } from './case-vocabulary.js';

export interface Contact {
  phone?: string;
  altPhone?: string;
  email?: string;
  address?: string;
  contactPerson?: string;
}
export interface IdentityDocument {
  type: string;
  number?: string;
  issuingCountry?: string;
  expiresOn?: string;
}
export interface Journey {
  countryOfOrigin?: string;
  placeOfOrigin?: string;
  departureDate?: string;
  intendedDestination?: string;
  route?: string[];
  reasonsForMigration?: string[];
  travellingWith?: string;
  educationLevel?: string;
  employmentBeforeDeparture?: string;
  moneySpent?: { amount: number; currency: string };
}
export interface VulnerabilityAssessment {
  flag: Vulnerability;
  assessedBy: string | null;
  assessedAt: string;
}
export interface Household {
  size?: number;
  relationshipToHead?: string;
  notes?: string;
}

/**
 * SQL of the current site and assignee of the case a row (`<alias>.case_id`) belongs to: the
 * caseworkers who work on a case see its referrals, services and letters (DESIGN §1).
 */
export const caseSiteSql = (alias: string) => `(SELECT site_id FROM cases WHERE id = ${alias}.case_id)`;
export const caseAssigneeSql = (alias: string) => `(SELECT assigned_to FROM cases WHERE id = ${alias}.case_id)`;

/**
 * One migrant (DESIGN §3). Owned by one organization: every case table carries
 * owning_organization_id so the data can later be distributed by organization (DESIGN §9).
 */
@Entity('cases')
@Index('cases_case_number_key', ['caseNumber'], { unique: true })
// (owning_organization_id, registered_at, id) INCLUDE (coded columns): migration 1796610000000.
@Index('cases_owner_registered_idx', { synchronize: false })
@Index('cases_owner_site_idx', ['owningOrganizationId', 'siteId'])
@Index('cases_owner_assigned_idx', ['owningOrganizationId', 'assignedTo'])
@Index('cases_household_idx', ['householdId'])
@Index('cases_search_name_trgm_idx', { synchronize: false })
@Index('cases_name_keys_idx', { synchronize: false })
@Index('cases_vulnerability_flags_idx', { synchronize: false })
@Index('cases_open_owner_idx', { synchronize: false })
@Check('cases_status_check', `status IN ('open', 'closed')`)
@Check('cases_closed_check', `(status = 'closed') = (closure_reason IS NOT NULL)`)
@Check('cases_sex_check', `sex IN ('female', 'male', 'other', 'unknown')`)
@Check('cases_nationality_check', `nationality IS NULL OR nationality ~ '^[A-Z]{3}$'`)
@Check('cases_birth_year_check', `birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100`)
@Check('cases_migrant_category_check', `migrant_category IS NULL OR migrant_category IN ('in_transit', 'returnee', 'other')`)
@Check('cases_sensitive_check', `(sensitive_ciphertext IS NULL) = (sensitive_key_id IS NULL)`)
@Index('cases_retention_idx', { synchronize: false })
// An anonymized case holds no name, contact, documents, date of birth or sensitive section (issue 11).
@Check(
  'cases_anonymized_check',
  `anonymized_at IS NULL OR (status = 'closed' AND given_name = '' AND family_name = '' AND other_names = '{}' AND date_of_birth IS NULL AND languages = '{}' AND contact = '{}'::jsonb AND documents = '[]'::jsonb AND household_id IS NULL AND sensitive_ciphertext IS NULL)`,
)
export class Case extends Stamped {
  @PrimaryColumn('uuid') id: string;
  @Column('text') caseNumber: string;
  @Column('uuid') owningOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owning_organization_id', foreignKeyConstraintName: 'cases_owning_organization_id_fkey' })
  owningOrganization?: Relation<Organization>;
  @Column('uuid') siteId: string;
  @ManyToOne(() => Site, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'cases_site_id_fkey' })
  site?: Relation<Site>;
  @Column('text') status: CaseStatus;
  @Column('text', { nullable: true }) closureReason: ClosureReason | null;
  @Column('timestamptz', { nullable: true }) closedAt: Date | null;
  @Column('integer', { default: 1 }) version: number;
  @Column('uuid', { nullable: true }) assignedTo: string | null;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assigned_to', foreignKeyConstraintName: 'cases_assigned_to_fkey' })
  assignee?: Relation<User>;
  @Column('uuid', { nullable: true }) householdId: string | null;
  @Column('timestamptz') registeredAt: Date;
  /** When the personal data was removed (retention or an approved request, issue 11); the coded fields stay. */
  @Column('timestamptz', { nullable: true }) anonymizedAt: Date | null;

  // identity
  @Column('text') givenName: string;
  @Column('text') familyName: string;
  @Column('text', { array: true, default: () => "'{}'" }) otherNames: string[];
  @Column('text') sex: Sex;
  @Column('date', { nullable: true }) dateOfBirth: string | null;
  @Column('integer', { nullable: true }) birthYear: number | null;
  @Column('boolean', { default: false }) birthDateEstimated: boolean;
  @Column('text', { nullable: true }) nationality: string | null;
  @Column('text', { array: true, default: () => "'{}'" }) languages: string[];
  /** All names normalized (f_case_search_name: lower case, unaccented, no apostrophes), kept by the cases_search_name trigger; trigram-indexed (duplicates). */
  @Column('text', { select: false }) searchName: string;
  /** The name search's keys (f_name_keys): each word and each pair of words of `searchName`; GIN-indexed, kept by the same trigger. */
  @Column('text', { array: true, select: false, default: () => "'{}'" }) nameKeys: string[];

  @Column('jsonb', { default: () => "'{}'" }) contact: Contact;
  @Column('jsonb', { default: () => "'[]'" }) documents: IdentityDocument[];
  @Column('jsonb', { default: () => "'{}'" }) journey: Journey;
  /** Shown with the journey section (issue 10: `returnee` opens reintegration). */
  @Column('text', { nullable: true }) migrantCategory: MigrantCategory | null;
  @Column('jsonb', { default: () => "'[]'" }) vulnerabilities: VulnerabilityAssessment[];
  /** The flags of `vulnerabilities`, for indexed filtering. */
  @Column('text', { array: true, default: () => "'{}'" }) vulnerabilityFlags: Vulnerability[];
  @Column('jsonb', { default: () => "'{}'" }) household: Household;
  /** AES-256-GCM of the `sensitive` section (FieldCipher); never stored in clear. */
  @Column('bytea', { nullable: true, select: false }) sensitiveCiphertext: Buffer | null;
  @Column('text', { nullable: true, select: false }) sensitiveKeyId: string | null;


  /**
   * Live shares (DESIGN §2), read with the case so the CASL rules can judge it: the organizations
   * a pending or accepted referral with an active consent points to, and `"<orgId>:<section>"`
   * for each section those referrals list. Read from the `case_shares` table (kept by triggers), never written here.
   */
  @VirtualColumn({ query: (c) => `ARRAY(SELECT DISTINCT s.organization_id::text FROM case_shares s WHERE s.case_id = ${c}.id)` })
  sharedWith: string[];
  @VirtualColumn({ query: (c) => `ARRAY(SELECT DISTINCT s.organization_id::text || ':' || x FROM case_shares s CROSS JOIN LATERAL unnest(s.sections) x WHERE s.case_id = ${c}.id)` })
  sharedSections: string[];
}
