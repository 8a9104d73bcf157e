import type { Capability, OrganizationKind } from '../organizations/index.js';
import type { SiteKind } from '../sites/index.js';

export interface DemoSite {
  name: string;
  kind: SiteKind;
  location: { region: string; cercle: string; commune?: string };
  bedCapacity?: number;
  maxStayDays?: number;
  services: Capability[];
}
export interface DemoOrganization {
  code: string;
  name: string;
  kind: OrganizationKind;
  capabilities: Capability[];
  /** Issue 10: above this plan budget (XOF) a second manager approves. */
  reintegrationBudgetCeilingXof?: number;
  sites: DemoSite[];
}

/** The partners of the pilot (DESIGN §1, shared/seeds): real organizations, sites and services. */
export const DEMO_ORGANIZATIONS: DemoOrganization[] = [
  {
    code: 'IOM-ML',
    name: 'OIM Mali / IOM Mali',
    kind: 'intergovernmental',
    capabilities: ['information', 'profiling', 'health', 'psychosocial', 'documentation', 'transport', 'return', 'reintegration', 'indulgence_letter'],
    reintegrationBudgetCeilingXof: 1_000_000,
    sites: [
      { name: 'Centre de transit OIM Gao', kind: 'transit_centre', location: { region: 'Gao', cercle: 'Gao', commune: 'Gao' }, services: ['information', 'profiling', 'health', 'psychosocial', 'documentation', 'transport', 'return', 'indulgence_letter'] },
      { name: 'Sous-bureau OIM Mopti – Douentza', kind: 'office', location: { region: 'Mopti', cercle: 'Douentza', commune: 'Douentza' }, services: ['information', 'profiling', 'indulgence_letter'] },
      { name: 'Sous-bureau OIM Ménaka', kind: 'office', location: { region: 'Ménaka', cercle: 'Ménaka', commune: 'Ménaka' }, services: ['information', 'profiling', 'indulgence_letter'] },
      { name: 'Bureau OIM Bamako', kind: 'office', location: { region: 'Bamako', cercle: 'Bamako', commune: 'Bamako' }, services: ['profiling', 'documentation', 'transport', 'return', 'reintegration'] },
    ],
  },
  {
    code: 'MDM-GAO',
    name: 'Maison du Migrant de Gao',
    kind: 'ngo',
    capabilities: ['shelter', 'food', 'health', 'legal', 'transport', 'indulgence_letter'],
    sites: [
      { name: 'Maison du Migrant de Gao', kind: 'shelter', location: { region: 'Gao', cercle: 'Gao', commune: 'Gao' }, bedCapacity: 40, maxStayDays: 10, services: ['shelter', 'food', 'health', 'legal', 'transport', 'indulgence_letter'] },
    ],
  },
  {
    code: 'CIAUD-DTZ',
    name: 'CIAUD Canada – Douentza',
    kind: 'ngo',
    capabilities: ['information', 'orientation', 'indulgence_letter'],
    sites: [{ name: 'Bureau CIAUD Douentza', kind: 'office', location: { region: 'Mopti', cercle: 'Douentza', commune: 'Douentza' }, services: ['information', 'orientation', 'indulgence_letter'] }],
  },
  {
    code: 'DIREYBEN-GAO',
    name: 'Centre Direy Ben, Gao',
    kind: 'ngo',
    capabilities: ['reception', 'psychosocial', 'information', 'orientation'],
    sites: [{ name: 'Centre Direy Ben', kind: 'transit_centre', location: { region: 'Gao', cercle: 'Gao', commune: 'Gao' }, services: ['reception', 'psychosocial', 'information', 'orientation'] }],
  },
  {
    code: 'CSREF-GAO',
    name: 'Centre de santé de référence de Gao',
    kind: 'health_facility',
    capabilities: ['health'],
    sites: [{ name: 'CSRef de Gao', kind: 'health_facility', location: { region: 'Gao', cercle: 'Gao', commune: 'Gao' }, services: ['health'] }],
  },
];

export const DEMO_ROLES = ['org_admin', 'caseworker', 'manager', 'analyst', 'auditor'] as const;
export const demoEmail = (role: string, code: string): string => `${role.replace('_', '-')}@${code.toLowerCase()}.example.org`;
export const DEMO_PLATFORM_ADMIN = 'platform-admin@passerelle.example.org';
