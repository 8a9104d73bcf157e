import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A case's audit data key (issue 11), wrapped under the master key `keyId` of DATA_ENCRYPTION_KEY.
 * No foreign key: registration's first audit event makes it before the case row exists. Deleted
 * only by anonymization (trigger subject_keys_guard, migration 1796500000000).
 */
@Entity('subject_keys')
export class SubjectKey {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'subject_keys_pkey' }) caseId: string;
  @Column('text') keyId: string;
  @Column('bytea') wrappedKey: Buffer;
  @Column('timestamptz') createdAt: Date;
}
