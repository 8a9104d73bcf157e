import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, VirtualColumn } from 'typeorm';
import { Created } from '@passerelle/common';
import { Case, caseAssigneeSql, caseSiteSql } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import type { Capability } from '../organizations/index.js';
import { Referral } from './referral.entity.js';

/** A service delivered to a migrant (DESIGN §4), by the owning org or an org holding an accepted referral. */
@Entity('service_records')
@Index('service_records_case_idx', ['caseId', 'createdAt'])
@Index('service_records_provider_idx', ['providingOrganizationId', 'createdAt', 'id'])
@Index('service_records_referral_idx', ['referralId'])
export class ServiceRecord extends Created {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') caseId: string;
  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'service_records_case_id_fkey' })
  case?: Relation<Case>;
  @Column('uuid') owningOrganizationId: string;
  @Column('uuid') providingOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'providing_organization_id', foreignKeyConstraintName: 'service_records_providing_organization_id_fkey' })
  providingOrganization?: Relation<Organization>;
  @Column('uuid', { nullable: true }) referralId: string | null;
  @ManyToOne(() => Referral, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'service_records_referral_id_fkey' })
  referral?: Relation<Referral>;
  @Column('text') serviceType: Capability;
  @Column('date') date: string;
  @Column('text', { nullable: true }) description: string | null;

  @VirtualColumn({ query: caseSiteSql }) caseSiteId: string;
  @VirtualColumn({ query: caseAssigneeSql }) caseAssignedTo: string | null;
}
