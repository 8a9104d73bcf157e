import type { Actor } from '../access/actor.js';
import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';

/** Who created a record and when: the columns of the records that are never changed afterwards. */
export abstract class Created {
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('uuid', { nullable: true }) createdBy: string | null;
}

/** Who created a record and when, who changed it last and when: the columns most tables share. */
export abstract class Stamped extends Created {
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column('uuid', { nullable: true }) updatedBy: string | null;
}

/** The stamp of a new record: created and last changed by the actor (null for the system). */
export const stampedBy = (actor: Pick<Actor, 'userId'>): { createdBy: string | null; updatedBy: string | null } => ({ createdBy: actor.userId, updatedBy: actor.userId });
