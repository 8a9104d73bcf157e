import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Stamped } from '@passerelle/common';
import { Organization } from '../organizations/index.js';
import type { Role } from './roles.js';

@Entity('users')
@Index('users_organization_id_idx', ['organizationId'])
@Check('users_roles_check', `cardinality(roles) > 0 AND roles <@ ARRAY['platform_admin', 'org_admin', 'caseworker', 'manager', 'analyst', 'auditor']::text[]`)
@Check('users_email_check', `email = lower(email)`)
export class User extends Stamped {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'users_organization_id_fkey' })
  organization?: Relation<Organization>;
  /** Stored lower-cased; unique case-insensitively (users_email_key on lower(email)). */
  @Index('users_email_key', { synchronize: false })
  @Column('text') email: string;
  @Column('text') displayName: string;
  @Column('text', { select: false }) passwordHash: string;
  @Column('text', { array: true }) roles: Role[];
  @Column('uuid', { array: true, default: () => "'{}'" }) siteIds: string[];
  @Column('boolean', { default: true }) active: boolean;
  @Column('timestamptz', { nullable: true }) lastLoginAt: Date | null;
}
