import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '../users/index.js';

export const ALERT_STATUSES = ['open', 'acknowledged'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_TYPES = ['referral_overdue', 'stay_ending', 'stay_overdue'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/**
 * One alert for one user, raised by a background job. `dedupeKey` is unique: a job that runs
 * twice (pg-boss delivers at least once) raises nothing new. No personal data in `message`.
 */
@Entity('alerts')
@Index('alerts_dedupe_key_key', ['dedupeKey'], { unique: true })
@Index('alerts_recipient_idx', ['recipientUserId', 'status', 'createdAt', 'id'])
@Check('alerts_status_check', `status IN ('open', 'acknowledged')`)
@Check('alerts_acknowledged_check', `(status = 'acknowledged') = (acknowledged_at IS NOT NULL)`)
export class Alert {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') recipientUserId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recipient_user_id', foreignKeyConstraintName: 'alerts_recipient_user_id_fkey' })
  recipient?: Relation<User>;
  @Column('uuid') organizationId: string;
  @Column('text') type: AlertType;
  @Column('text') entityType: string;
  @Column('uuid') entityId: string;
  @Column('text') message: string;
  @Column('text') status: AlertStatus;
  @Column('text') dedupeKey: string;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz', { nullable: true }) acknowledgedAt: Date | null;
}
