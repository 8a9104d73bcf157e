import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** An audit event of a case as the export reads it, before its sealed values are opened. */
export interface TrailRow {
  seq: string;
  at: Date;
  action: string;
  entityType: string;
  entityId: string | null;
  actorUserId: string | null;
  actorName: string | null;
  actorOrganizationCode: string | null;
  changes: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
}

/**
 * The SQL of the subject-access export (DESIGN §7): the case file's tabs as plain JSON, the
 * household's other case numbers, and every audit event of the case. Takes `em` first (the
 * export's REPEATABLE READ snapshot) and never opens a transaction.
 */
@Injectable()
export class SubjectAccessRepository {
  notes(em: EntityManager, caseId: string): Promise<unknown[]> {
    return em.query(`SELECT id, text, author_id AS "authorId", created_at AS "createdAt" FROM case_notes WHERE case_id = $1 ORDER BY created_at, id`, [caseId]);
  }

  consents(em: EntityManager, caseId: string): Promise<unknown[]> {
    return em.query(
      `SELECT id, purpose, basis, method, organization_ids AS "organizationIds", notes, recorded_by AS "recordedBy", recorded_at AS "recordedAt",
                  withdrawn_at AS "withdrawnAt", withdrawn_by AS "withdrawnBy", withdrawal_reason AS "withdrawalReason"
           FROM consents WHERE case_id = $1 ORDER BY recorded_at, id`,
      [caseId],
    );
  }

  screenings(em: EntityManager, caseId: string): Promise<unknown[]> {
    return em.query(
      `SELECT id, wishes_to_return AS "wishesToReturn", country_of_return AS "countryOfReturn", nationality_confirmed AS "nationalityConfirmed",
                  asylum_seeker_or_refugee AS "asylumSeekerOrRefugee", travel_document AS "travelDocument",
                  best_interests_determination_done AS "bestInterestsDeterminationDone", fit_to_travel AS "fitToTravel", outcome, reasons,
                  screened_by AS "screenedBy", screened_at AS "screenedAt"
           FROM screenings WHERE case_id = $1 ORDER BY screened_at, id`,
      [caseId],
    );
  }

  /** The case numbers of the household's other members. */
  async householdCaseNumbers(em: EntityManager, householdId: string, caseId: string): Promise<string[]> {
    return (await em.query('SELECT case_number FROM cases WHERE household_id = $1 AND id <> $2 ORDER BY case_number', [householdId, caseId])).map((r: { case_number: string }) => r.case_number);
  }

  /** The case's events and those whose details name it, in order, with who acted. */
  trail(em: EntityManager, caseId: string): Promise<TrailRow[]> {
    return em.query(
      `SELECT e.seq, e.at, e.action, e.entity_type AS "entityType", e.entity_id AS "entityId", e.actor_user_id AS "actorUserId",
              u.display_name AS "actorName", o.code AS "actorOrganizationCode", e.changes, e.details
       FROM audit_events e
       LEFT JOIN users u ON u.id = e.actor_user_id
       LEFT JOIN organizations o ON o.id = e.actor_organization_id
       WHERE (e.entity_type = 'Case' AND e.entity_id = $1) OR (e.details ? 'caseId' AND e.details ->> 'caseId' = $1)
       ORDER BY e.seq`,
      [caseId],
    );
  }
}
