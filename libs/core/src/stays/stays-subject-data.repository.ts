import type { SubjectDataHandler } from '../data-protection/index.js';

/**
 * Shelter stays of a person (issue 11): a stay holds no personal data (dates, site, status: the
 * occupancy reports read them, kept); its extension requests hold free text (reason, decision), blanked.
 */
export const staysSubjectData: SubjectDataHandler = {
  name: 'stays',
  tables: ['stays'],
  async anonymize(em, caseIds) {
    await em.query(
      `UPDATE stay_extensions x SET reason = '', decision_reason = NULL FROM stays s
       WHERE s.id = x.stay_id AND s.case_id = ANY($1::uuid[]) AND (x.reason <> '' OR x.decision_reason IS NOT NULL)`,
      [caseIds],
    );
  },
  async export(em, caseId) {
    return em.query(
      `SELECT s.id, s.status, s.site_id AS "siteId", si.name AS "siteName", s.owning_organization_id AS "organizationId", s.referral_id AS "referralId",
              s.checked_in_at AS "checkedInAt", s.expected_check_out_at AS "expectedCheckOutAt", s.checked_out_at AS "checkedOutAt",
              COALESCE((SELECT json_agg(json_build_object('id', x.id, 'days', x.days, 'reason', x.reason, 'status', x.status, 'requestedAt', x.requested_at,
                         'requestedBy', x.requested_by, 'decidedAt', x.decided_at, 'decidedBy', x.decided_by, 'decisionReason', x.decision_reason) ORDER BY x.requested_at)
                        FROM stay_extensions x WHERE x.stay_id = s.id), '[]') AS extensions
       FROM stays s JOIN sites si ON si.id = s.site_id WHERE s.case_id = $1 ORDER BY s.checked_in_at, s.id`,
      [caseId],
    );
  },
};
