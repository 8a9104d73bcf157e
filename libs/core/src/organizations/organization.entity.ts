import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Stamped } from '@passerelle/common';
import type { Capability, OrganizationKind } from './capabilities.js';

@Entity('organizations')
@Index('organizations_code_key', ['code'], { unique: true })
@Check('organizations_code_check', `code ~ '^[A-Z0-9-]{2,20}$'`)
@Check('organizations_capabilities_check', `capabilities <@ ARRAY['information', 'reception', 'orientation', 'profiling', 'health', 'psychosocial', 'legal', 'shelter', 'food', 'documentation', 'transport', 'indulgence_letter', 'return', 'reintegration', 'protection']::text[]`)
@Check('organizations_reintegration_budget_ceiling_check', `reintegration_budget_ceiling_xof IS NULL OR reintegration_budget_ceiling_xof >= 0`)
@Check('organizations_kind_check', `kind IN ('intergovernmental', 'ngo', 'health_facility', 'government', 'platform')`)
export class Organization extends Stamped {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') code: string;
  @Column('text') name: string;
  @Column('text') kind: OrganizationKind;
  @Column('text', { array: true, default: () => "'{}'" }) capabilities: Capability[];
  @Column('boolean', { default: true }) active: boolean;
  /**
   * Issue 10: a reintegration plan whose budget is above this (XOF) needs a second approver; null:
   * no ceiling. Set by the organization's admin (PATCH /organizations/{id}/reintegration-settings).
   */
  @Column('bigint', { nullable: true, transformer: { to: (v: number | null | undefined) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  reintegrationBudgetCeilingXof: number | null;
}
