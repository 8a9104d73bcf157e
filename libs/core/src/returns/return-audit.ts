import type { Return } from './return.entity.js';

/** What the audit trail keeps of a return. */
export const returnSnapshot = (r: Return) => ({
  status: r.status,
  destinationCountry: r.destinationCountry,
  destinationLocality: r.destinationLocality,
  mode: r.mode,
  escortRequired: r.escortRequired,
  escort: r.escort,
  pocketMoneyXof: r.pocketMoneyXof,
  travelDocument: r.travelDocument,
  legs: r.legs,
  movementId: r.movementId,
  rejectReason: r.rejectReason,
  cancelReason: r.cancelReason,
  arrivedAt: r.arrivedAt?.toISOString() ?? null,
  arrivalConfirmedBy: r.arrivalConfirmedBy,
});

/** The audit event's target: the return, in its organization's trail. */
export const returnTarget = (r: Return) => ({ type: 'Return', id: r.id, organizationId: r.owningOrganizationId });
