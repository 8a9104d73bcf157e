import type { SubjectDataHandler } from '../data-protection/index.js';

/**
 * Reintegration plans of a person (issue 11). Anonymization keeps what the reintegration reports
 * read — plan and item statuses, dimensions, types, budgets, partners, dates, visit types and
 * dates, the scheme and the scores — and removes the person's circumstances: the plan's summary
 * and rejection reason, the items' descriptions, evidence notes and cancel reasons, and the
 * visits' answers to the survey and who visited (blanked where the column is required).
 */
export const reintegrationSubjectData: SubjectDataHandler = {
  name: 'reintegration',
  tables: ['reintegration_plans', 'reintegration_items', 'reintegration_visits'],
  async anonymize(em, caseIds) {
    await em.query('UPDATE reintegration_plans SET summary = NULL, rejection_reason = NULL WHERE case_id = ANY($1::uuid[])', [caseIds]);
    await em.query(`UPDATE reintegration_items SET description = '', evidence_note = NULL, cancel_reason = NULL WHERE case_id = ANY($1::uuid[])`, [caseIds]);
    await em.query(`UPDATE reintegration_visits SET answers = '{}', visited_by = '' WHERE case_id = ANY($1::uuid[])`, [caseIds]);
  },
  async export(em, caseId) {
    const plans = await em.query(
      `SELECT p.id, p.status, p.summary, p.total_budget_xof AS "totalBudgetXof", p.budget_ceiling_xof AS "budgetCeilingXof",
              p.approvals_required AS "approvalsRequired", p.submitted_at AS "submittedAt", p.first_approved_at AS "firstApprovedAt",
              p.second_approved_at AS "secondApprovedAt", p.rejected_at AS "rejectedAt", p.rejection_reason AS "rejectionReason",
              p.started_at AS "startedAt", p.completed_at AS "completedAt", p.created_at AS "createdAt", p.created_by AS "createdBy",
              COALESCE((SELECT json_agg(json_build_object('id', i.id, 'dimension', i.dimension, 'type', i.type, 'description', i.description,
                         'budgetXof', i.budget_xof, 'partnerOrganizationId', i.partner_organization_id, 'status', i.status,
                         'deliveredOn', i.delivered_on, 'evidenceNote', i.evidence_note, 'cancelReason', i.cancel_reason) ORDER BY i.created_at, i.id)
                        FROM reintegration_items i WHERE i.plan_id = p.id), '[]') AS items,
              COALESCE((SELECT json_agg(json_build_object('id', v.id, 'visitDate', v.visit_date, 'visitType', v.visit_type, 'visitedBy', v.visited_by,
                         'answers', v.answers, 'schemeId', v.scheme_id, 'scores', v.scores) ORDER BY v.visit_date, v.id)
                        FROM reintegration_visits v WHERE v.plan_id = p.id), '[]') AS visits
       FROM reintegration_plans p WHERE p.case_id = $1 ORDER BY p.created_at, p.id`,
      [caseId],
    );
    return plans;
  },
};
