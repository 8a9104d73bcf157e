import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Case } from './case.entity.js';
import type { EligibilityOutcome, FitToTravel, TravelDocumentStatus } from './eligibility.js';

/** An AVRR eligibility screening (DESIGN §3): re-runnable, the latest counts. */
@Entity('screenings')
@Index('screenings_case_at_idx', ['caseId', 'screenedAt'])
@Check('screenings_outcome_check', `outcome IN ('eligible', 'not_eligible', 'referred_protection', 'pending')`)
export class Screening {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'screenings_case_id_fkey' })
  case?: Relation<Case>;
  @Column('uuid') owningOrganizationId: string;
  @Column('boolean') wishesToReturn: boolean;
  @Column('text', { nullable: true }) countryOfReturn: string | null;
  @Column('boolean') nationalityConfirmed: boolean;
  @Column('boolean') asylumSeekerOrRefugee: boolean;
  @Column('text') travelDocument: TravelDocumentStatus;
  @Column('boolean') bestInterestsDeterminationDone: boolean;
  @Column('text') fitToTravel: FitToTravel;
  @Column('text') outcome: EligibilityOutcome;
  @Column('text', { array: true, default: () => "'{}'" }) reasons: string[];
  @Column('uuid', { nullable: true }) screenedBy: string | null;
  @Column('timestamptz') screenedAt: Date;
}
