import type { Case } from '../cases/index.js';
import type { ReintegrationItem, ReintegrationPlan } from './reintegration.entity.js';

/** Mali keeps UTC all year: today's date there. */
export const maliToday = (now: Date): string => now.toISOString().slice(0, 10);

/** What the audit trail keeps of a plan; the summary (personal circumstances) only as "changed". */
export const planSnapshot = (p: ReintegrationPlan) => ({
  status: p.status,
  summary: p.summary,
  totalBudgetXof: p.totalBudgetXof,
  budgetCeilingXof: p.budgetCeilingXof,
  approvalsRequired: p.approvalsRequired,
});
export const PLAN_MASKED = ['summary'];

export const itemSnapshot = (i: ReintegrationItem) => ({
  type: i.type,
  dimension: i.dimension,
  description: i.description,
  budgetXof: i.budgetXof,
  partnerOrganizationId: i.partnerOrganizationId,
  status: i.status,
  deliveredOn: i.deliveredOn,
  evidenceNote: i.evidenceNote,
  cancelReason: i.cancelReason,
});

/** The audit target of a plan. */
export const planTarget = (p: ReintegrationPlan) => ({ type: 'ReintegrationPlan', id: p.id, organizationId: p.owningOrganizationId });

/** The plan a case would have, for the rules (create on a case; reads of a case without plan). */
export const planSubjectOf = (c: Case) => ({ owningOrganizationId: c.owningOrganizationId, caseSiteId: c.siteId, caseAssignedTo: c.assignedTo });
