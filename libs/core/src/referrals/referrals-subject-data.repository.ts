import type { SubjectDataHandler } from '../data-protection/index.js';

/**
 * Referrals and service records of a person (issue 11). Anonymization keeps who referred to whom,
 * for which service, how urgent, the shared sections, the statuses and their dates (the referral
 * reports read them) and blanks the free text: reason, outcome, decline and cancel reasons,
 * service descriptions. The export says, per referral, what the receiving organization was shown
 * (the sections shared) and when its staff read the case.
 */
export const referralsSubjectData: SubjectDataHandler = {
  name: 'referrals',
  // case_shares: derived from referrals and consents by triggers (ids, sections, a date): nothing personal to blank.
  tables: ['referrals', 'service_records', 'case_shares'],
  async anonymize(em, caseIds) {
    // The reasons are NOT NULL while declined / cancelled (CHECKs): blanked, not nulled.
    await em.query(
      `UPDATE referrals SET reason = '', outcome = NULL,
         decline_reason = CASE WHEN decline_reason IS NULL THEN NULL ELSE '' END,
         cancel_reason = CASE WHEN cancel_reason IS NULL THEN NULL ELSE '' END
       WHERE case_id = ANY($1::uuid[])`,
      [caseIds],
    );
    await em.query('UPDATE service_records SET description = NULL WHERE case_id = ANY($1::uuid[]) AND description IS NOT NULL', [caseIds]);
  },
  async export(em, caseId) {
    const referrals: ({ toOrganizationId: string } & Record<string, unknown>)[] = await em.query(
      `SELECT r.id, r.status, r.service_type AS "serviceType", r.urgency, r.reason, r.shared_sections AS "sharedSections",
              r.from_organization_id AS "fromOrganizationId", f.code AS "fromOrganizationCode",
              r.to_organization_id AS "toOrganizationId", t.code AS "toOrganizationCode", r.to_site_id AS "toSiteId",
              r.respond_by AS "respondBy", r.responded_at AS "respondedAt", r.decline_reason AS "declineReason",
              r.completed_at AS "completedAt", r.outcome, r.cancelled_at AS "cancelledAt", r.cancel_reason AS "cancelReason",
              r.created_at AS "createdAt", r.created_by AS "createdBy"
       FROM referrals r JOIN organizations f ON f.id = r.from_organization_id JOIN organizations t ON t.id = r.to_organization_id
       WHERE r.case_id = $1 ORDER BY r.created_at, r.id`,
      [caseId],
    );
    for (const r of referrals) {
      // What the receiver saw: the sections the referral shared, and each read of the case by its staff.
      r.readsByReceivingOrganization = await em.query(
        `SELECT e.at, e.action, e.actor_user_id AS "actorUserId" FROM audit_events e
         WHERE e.entity_type = 'Case' AND e.entity_id = $1 AND e.actor_organization_id = $2 AND e.action LIKE '%viewed' ORDER BY e.seq`,
        [caseId, r.toOrganizationId],
      );
    }
    const services = await em.query(
      `SELECT s.id, s.service_type AS "serviceType", s.date::text AS date, s.description, s.referral_id AS "referralId",
              s.providing_organization_id AS "providingOrganizationId", o.code AS "providingOrganizationCode", s.created_at AS "createdAt", s.created_by AS "createdBy"
       FROM service_records s JOIN organizations o ON o.id = s.providing_organization_id WHERE s.case_id = $1 ORDER BY s.date, s.id`,
      [caseId],
    );
    return { referrals, services };
  },
};
