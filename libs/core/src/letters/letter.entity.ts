import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation, VirtualColumn } from 'typeorm';
import { Stamped } from '@passerelle/common';
import { Case, caseAssigneeSql, caseSiteSql } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import type { LetterStatus } from './letter-status.js';

/** The authorised itinerary: from, to, and the checkpoints in between, in order. */
export interface LetterRoute {
  from: string;
  to: string;
  via: string[];
}

/**
 * The holder as the case stood when the letter was issued: a later edit of the case never
 * changes a letter already printed (DESIGN §6). Only what a checkpoint needs: no vulnerability,
 * health or protection data.
 */
export interface LetterHolder {
  fullName: string;
  nationality: string | null;
  dateOfBirth: string | null;
  birthYear: number | null;
  birthDateEstimated: boolean;
}

/**
 * A letter of indulgence (DESIGN §6): issued by an organization with the `indulgence_letter`
 * capability for one case; at most one active per case (`letters_one_active_per_case`, a partial
 * unique index in the migration). Expiry is derived from `validUntil`, never stored.
 */
@Entity('letters')
@Index('letters_serial_number_key', ['serialNumber'], { unique: true })
@Index('letters_issuer_created_idx', ['issuingOrganizationId', 'createdAt', 'id'])
@Index('letters_case_created_idx', ['caseId', 'createdAt', 'id'])
@Index('letters_one_active_per_case', { synchronize: false })
@Check('letters_status_check', `status IN ('active', 'superseded', 'revoked')`)
@Check('letters_validity_check', `valid_until > valid_from AND valid_until <= valid_from + 30`)
@Check('letters_revoked_check', `(status = 'revoked') = (revoke_reason IS NOT NULL AND revoked_at IS NOT NULL)`)
@Check('letters_superseded_check', `(status = 'superseded') = (superseded_at IS NOT NULL)`)
export class Letter extends Stamped {
  /** Chosen before the insert: the signed token carries it. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'letters_pkey' }) id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'letters_case_id_fkey' })
  case?: Relation<Case>;
  /** The case's organization: every case table carries it (DESIGN §9). */
  @Column('uuid') owningOrganizationId: string;
  /** Who issued it: the case's organization, or one an accepted `indulgence_letter` referral points to. */
  @Column('uuid') issuingOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'issuing_organization_id', foreignKeyConstraintName: 'letters_issuing_organization_id_fkey' })
  issuingOrganization?: Relation<Organization>;
  /** `{ORGCODE}-L-{YYYY}-{NNNNN}`: gapless per issuing organization and year. */
  @Column('text') serialNumber: string;
  @Column('text') status: LetterStatus;
  @Column('date') validFrom: string;
  @Column('date') validUntil: string;
  @Column('text') purpose: string;
  @Column('jsonb') route: LetterRoute;
  /** Null once the case is anonymized (issue 11): the register keeps serial and validity, not the person. */
  @Column('jsonb', { nullable: true }) holder: LetterHolder | null;
  /** The compact JWS printed in the QR code; kept so every PDF of the letter carries the same one. */
  @Column('text') verificationToken: string;
  /** The `kid` that signed it: the letters to reissue before that key is retired. */
  @Column('text') signingKeyId: string;
  @Column('timestamptz', { nullable: true }) supersededAt: Date | null;
  /** The letter that replaced it; null when a departure ended it (issue 9). */
  @Column('uuid', { nullable: true }) supersededByLetterId: string | null;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
  @Column('uuid', { nullable: true }) revokedBy: string | null;
  @Column('text', { nullable: true }) revokeReason: string | null;

  /** For the rules (never stored): the case's site and assignee now. */
  @VirtualColumn({ query: caseSiteSql }) caseSiteId: string;
  @VirtualColumn({ query: caseAssigneeSql }) caseAssignedTo: string | null;
}
