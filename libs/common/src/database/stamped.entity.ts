import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';

/** Who created a record and when, who changed it last and when: the columns most tables share. */
export abstract class Stamped {
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @Column('uuid', { nullable: true }) updatedBy: string | null;
}
