import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Case } from './case.entity.js';
import type { ConsentBasis, ConsentMethod, ConsentPurpose } from './case-vocabulary.js';

/** A consent per purpose (DESIGN §3): withdrawal takes effect at once (withdrawnAt). */
@Entity('consents')
@Index('consents_case_purpose_idx', ['caseId', 'purpose'])
// Active referral consents, probed by the case_shares view (migration 1795432711912).
@Index('consents_referral_active_idx', { synchronize: false })
@Check('consents_purpose_check', `purpose IN ('registration', 'referral', 'return', 'reintegration', 'photo')`)
@Check('consents_basis_check', `basis IN ('consent', 'vital_interest')`)
@Check('consents_method_check', `method IN ('verbal', 'signed', 'thumbprint')`)
export class Consent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'consents_case_id_fkey' })
  case?: Relation<Case>;
  @Column('uuid') owningOrganizationId: string;
  @Column('text') purpose: ConsentPurpose;
  @Column('text') basis: ConsentBasis;
  @Column('text') method: ConsentMethod;
  /** Organizations the consent covers (referral purpose); empty: not limited. */
  @Column('uuid', { array: true, default: () => "'{}'" }) organizationIds: string[];
  @Column('text', { nullable: true }) notes: string | null;
  @Column('uuid', { nullable: true }) recordedBy: string | null;
  @Column('timestamptz') recordedAt: Date;
  @Column('timestamptz', { nullable: true }) withdrawnAt: Date | null;
  @Column('uuid', { nullable: true }) withdrawnBy: string | null;
  @Column('text', { nullable: true }) withdrawalReason: string | null;
}
