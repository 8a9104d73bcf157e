import type { SubjectDataHandler } from '../data-protection/index.js';

/**
 * Voluntary returns of a person (issue 11). Anonymization keeps what the returns reports read —
 * status, destination country, mode, escort required, pocket money, the movement and the dates
 * of the process — and removes what describes the person or their journey: the destination
 * locality, the travel document, the legs, the escort, the free-text reasons and who confirmed
 * the arrival (blanked where a CHECK requires a value for the status). A movement's carrier,
 * vehicle and escort staff describe the convoy, not a migrant: kept.
 */
export const returnsSubjectData: SubjectDataHandler = {
  name: 'returns',
  tables: ['returns'],
  async anonymize(em, caseIds) {
    await em.query(
      `UPDATE returns SET destination_locality = '', travel_document = NULL, legs = '[]', escort = NULL,
         reject_reason = CASE WHEN reject_reason IS NULL THEN NULL ELSE '' END,
         cancel_reason = CASE WHEN cancel_reason IS NULL THEN NULL ELSE '' END,
         arrival_confirmed_by = CASE WHEN arrival_confirmed_by IS NULL THEN NULL ELSE '' END
       WHERE case_id = ANY($1::uuid[])`,
      [caseIds],
    );
  },
  async export(em, caseId) {
    return em.query(
      `SELECT r.id, r.status, r.destination_country AS "destinationCountry", r.destination_locality AS "destinationLocality", r.mode,
              r.escort_required AS "escortRequired", r.escort, r.pocket_money_xof AS "pocketMoneyXof", r.travel_document AS "travelDocument", r.legs,
              r.submitted_at AS "submittedAt", r.submitted_by AS "submittedBy", r.decided_at AS "decidedAt", r.decided_by AS "decidedBy",
              r.reject_reason AS "rejectReason", r.cancel_reason AS "cancelReason", r.cancelled_at AS "cancelledAt", r.departed_at AS "departedAt",
              r.arrived_at AS "arrivedAt", r.arrival_confirmed_by AS "arrivalConfirmedBy", m.reference AS "movementReference", m.departure_date::text AS "movementDepartureDate",
              r.created_at AS "createdAt", r.created_by AS "createdBy"
       FROM returns r LEFT JOIN movements m ON m.id = r.movement_id WHERE r.case_id = $1 ORDER BY r.created_at, r.id`,
      [caseId],
    );
  },
};
