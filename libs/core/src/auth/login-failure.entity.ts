import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Failed logins by email (known or not: the lockout must not reveal which). */
@Entity('login_failures')
@Index('login_failures_email_at_idx', ['email', 'at'])
export class LoginFailure {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') email: string;
  @Column('timestamptz') at: Date;
  @Column('text', { nullable: true }) ip: string | null;
}

@Entity('account_lockouts')
export class AccountLockout {
  @Column('text', { primary: true }) email: string;
  @Column('timestamptz') lockedUntil: Date;
}
