import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Stamped } from '@passerelle/common';
import { Organization } from '../organizations/index.js';
import type { Capability } from '../organizations/index.js';

export const SITE_KINDS = ['transit_centre', 'shelter', 'office', 'health_facility', 'flow_monitoring_point'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

@Entity('sites')
@Index('sites_organization_id_idx', ['organizationId'])
@Check('sites_kind_check', `kind IN ('transit_centre', 'shelter', 'office', 'health_facility', 'flow_monitoring_point')`)
@Check('sites_capacity_check', `bed_capacity IS NULL OR bed_capacity BETWEEN 0 AND 10000`)
@Check('sites_max_stay_check', `max_stay_days IS NULL OR max_stay_days BETWEEN 1 AND 365`)
export class Site extends Stamped {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'sites_organization_id_fkey' })
  organization?: Relation<Organization>;
  @Column('text') name: string;
  @Column('text') kind: SiteKind;
  @Column('text', { nullable: true }) region: string | null;
  @Column('text', { nullable: true }) regionPcode: string | null;
  @Column('text', { nullable: true }) cercle: string | null;
  @Column('text', { nullable: true }) cerclePcode: string | null;
  @Column('text', { nullable: true }) commune: string | null;
  @Column('text', { nullable: true }) communePcode: string | null;
  @Column('integer', { nullable: true }) bedCapacity: number | null;
  @Column('integer', { nullable: true }) maxStayDays: number | null;
  /** Services offered at this site: a subset of the organization's capabilities (the directory). */
  @Column('text', { array: true, default: () => "'{}'" }) services: Capability[];
  @Column('boolean', { default: true }) active: boolean;
}
