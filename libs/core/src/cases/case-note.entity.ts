import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Case } from './case.entity.js';

@Entity('case_notes')
@Index('case_notes_case_at_idx', ['caseId', 'createdAt'])
export class CaseNote {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_notes_case_id_fkey' })
  case?: Relation<Case>;
  @Column('uuid') owningOrganizationId: string;
  @Column('text') text: string;
  @Column('uuid', { nullable: true }) authorId: string | null;
  @Column('timestamptz') createdAt: Date;
}
