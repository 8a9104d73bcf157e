import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Created } from '@passerelle/common';
import { Organization } from '../organizations/index.js';
import type { SchemeDefinition } from './scoring.js';

/**
 * A versioned scoring scheme (issue 10), stored whole and never changed: the database refuses
 * UPDATE and DELETE (trigger in the migration), so a visit's `schemeId` always means what it
 * meant when the visit was scored. `organizationId` null: shipped with the product, read by all;
 * else loaded by that organization's admin, for its own visits. (name, version) is unique among
 * what an organization sees (the service; `scoring_schemes_name_version_key` per owner).
 */
@Entity('scoring_schemes')
@Index('scoring_schemes_name_version_key', { synchronize: false })
@Index('scoring_schemes_owner_created_idx', ['organizationId', 'createdAt'])
export class ScoringScheme extends Created {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'scoring_schemes_pkey' }) id: string;
  @Column('uuid', { nullable: true }) organizationId: string | null;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'scoring_schemes_organization_id_fkey' })
  organization?: Relation<Organization>;
  @Column('text') name: string;
  @Column('integer') version: number;
  @Column('text') source: string;
  /** True only for IOM's own published table; every score carries it. */
  @Column('boolean') official: boolean;
  @Column('jsonb') definition: SchemeDefinition;
}
