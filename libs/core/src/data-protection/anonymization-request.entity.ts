import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Case } from '../cases/index.js';
import type { AnonymizationRequestStatus } from './anonymization-status.js';

/**
 * A manager's request to anonymize a closed case before its retention period ends (issue 11),
 * decided by another manager of the owning organization (maker-checker, also a CHECK here). One
 * pending request per case (partial unique index, migration 1796500000000).
 */
@Entity('anonymization_requests')
@Index('anonymization_requests_owner_requested_idx', ['owningOrganizationId', 'requestedAt', 'id'])
@Index('anonymization_requests_case_idx', ['caseId'])
@Index('anonymization_requests_one_pending_per_case', { synchronize: false })
@Check('anonymization_requests_status_check', `status IN ('pending', 'approved', 'rejected')`)
@Check('anonymization_requests_decided_check', `(status = 'pending') = (decided_at IS NULL)`)
@Check('anonymization_requests_maker_checker_check', `decided_by IS NULL OR decided_by <> requested_by`)
export class AnonymizationRequest {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'anonymization_requests_pkey' }) id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'anonymization_requests_case_id_fkey' })
  case?: Relation<Case>;
  @Column('uuid') owningOrganizationId: string;
  @Column('text') status: AnonymizationRequestStatus;
  @Column('uuid') requestedBy: string;
  @Column('timestamptz') requestedAt: Date;
  @Column('uuid', { nullable: true }) decidedBy: string | null;
  @Column('timestamptz', { nullable: true }) decidedAt: Date | null;
  /** Why it was rejected; free text, blanked when the case is anonymized later. */
  @Column('text', { nullable: true }) decisionReason: string | null;
}
