import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Capability, OrganizationKind } from './capabilities.js';

@Entity('organizations')
@Index('organizations_code_key', ['code'], { unique: true })
@Check('organizations_code_check', `code ~ '^[A-Z0-9-]{2,20}$'`)
@Check('organizations_capabilities_check', `capabilities <@ ARRAY['information', 'reception', 'orientation', 'profiling', 'health', 'psychosocial', 'legal', 'shelter', 'food', 'documentation', 'transport', 'indulgence_letter', 'return', 'reintegration', 'protection']::text[]`)
@Check('organizations_kind_check', `kind IN ('intergovernmental', 'ngo', 'health_facility', 'government', 'platform')`)
export class Organization {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') code: string;
  @Column('text') name: string;
  @Column('text') kind: OrganizationKind;
  @Column('text', { array: true, default: () => "'{}'" }) capabilities: Capability[];
  @Column('boolean', { default: true }) active: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @Column('uuid', { nullable: true }) updatedBy: string | null;
}
