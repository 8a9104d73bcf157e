import { DomainError } from '@passerelle/common';

/** DESIGN §6: the states of a voluntary return, exactly these (the CHECK lists them too). */
export const RETURN_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'departed', 'arrived', 'cancelled'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
/** In progress: at most one per case (`returns_one_in_progress_per_case`); the case cannot close meanwhile. */
export const RETURN_IN_PROGRESS: readonly ReturnStatus[] = ['draft', 'submitted', 'approved'];

export const RETURN_MODES = ['road', 'air'] as const;
export type ReturnMode = (typeof RETURN_MODES)[number];
export const TRAVEL_DOCUMENT_TYPES = ['passport', 'laissez_passer'] as const;
export type TravelDocumentType = (typeof TRAVEL_DOCUMENT_TYPES)[number];

/**
 * `editPlan`: change what a manager approves (destination, mode, pocket money) — only a draft.
 * `editTravel`: the travel arrangements (document, legs, escort), until departure.
 * `join`: be put in (or taken out of) a movement — an approved return only.
 */
export type ReturnAction = 'editPlan' | 'editTravel' | 'submit' | 'approve' | 'reject' | 'depart' | 'arrive' | 'cancel' | 'join';

/** The workflow as data (CONVENTIONS §2): when each action is allowed and where it leads. */
export const RETURN_TRANSITIONS: Record<ReturnAction, { from: readonly ReturnStatus[]; to: ReturnStatus | 'same' }> = {
  editPlan: { from: ['draft'], to: 'same' },
  editTravel: { from: ['draft', 'submitted', 'approved'], to: 'same' },
  submit: { from: ['draft'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  reject: { from: ['submitted'], to: 'rejected' },
  depart: { from: ['approved'], to: 'departed' },
  arrive: { from: ['departed'], to: 'arrived' },
  // DESIGN §6: the migrant may change their mind at any time before leaving.
  cancel: { from: ['draft', 'submitted', 'approved'], to: 'cancelled' },
  join: { from: ['approved'], to: 'same' },
};

const LABEL: Record<ReturnAction, string> = {
  editPlan: 'change the destination, mode or pocket money of',
  editTravel: 'change the travel arrangements of',
  submit: 'submit',
  approve: 'approve',
  reject: 'reject',
  depart: 'depart',
  arrive: 'record the arrival of',
  cancel: 'cancel',
  join: 'put in a movement',
};

/** The status after `action`, or 409 INVALID_TRANSITION. */
/** Whether the table allows `action` from `from`: what nextReturnStatus checks, and what `actions` lists. */
export const returnTransitionAllowed = (from: ReturnStatus, action: ReturnAction): boolean => RETURN_TRANSITIONS[action].from.includes(from);

export function nextReturnStatus(from: ReturnStatus, action: ReturnAction): ReturnStatus {
  const t = RETURN_TRANSITIONS[action];
  if (!returnTransitionAllowed(from, action)) throw new DomainError('INVALID_TRANSITION', `cannot ${LABEL[action]} a ${from} return`, { extra: { status: from, action } });
  return t.to === 'same' ? from : t.to;
}

export const MOVEMENT_STATUSES = ['planned', 'departed', 'cancelled'] as const;
export type MovementStatus = (typeof MOVEMENT_STATUSES)[number];
/** `edit`: add or remove returns. `cancel`: call the convoy off before it leaves. */
export type MovementAction = 'edit' | 'depart' | 'cancel';

const MOVEMENT_TRANSITIONS: Record<MovementAction, { from: readonly MovementStatus[]; to: MovementStatus | 'same' }> = {
  edit: { from: ['planned'], to: 'same' },
  depart: { from: ['planned'], to: 'departed' },
  cancel: { from: ['planned'], to: 'cancelled' },
};
const MOVEMENT_LABEL: Record<MovementAction, string> = { edit: 'change the returns of', depart: 'depart', cancel: 'cancel' };

export const movementTransitionAllowed = (from: MovementStatus, action: MovementAction): boolean => MOVEMENT_TRANSITIONS[action].from.includes(from);

export function nextMovementStatus(from: MovementStatus, action: MovementAction): MovementStatus {
  const t = MOVEMENT_TRANSITIONS[action];
  if (!movementTransitionAllowed(from, action)) throw new DomainError('INVALID_TRANSITION', `cannot ${MOVEMENT_LABEL[action]} a ${from} movement`, { extra: { status: from, action } });
  return t.to === 'same' ? from : t.to;
}

/** What departure needs beyond the approved state (DESIGN §6); each missing item is named in the 409. */
export const DEPARTURE_REQUIREMENTS = ['travel_document', 'legs', 'fitness_to_travel', 'escort'] as const;
export type DepartureRequirement = (typeof DEPARTURE_REQUIREMENTS)[number];

export interface DepartureFacts {
  travelDocument: { type: string; number: string } | null;
  legs: readonly unknown[];
  /** The case's vulnerabilities include `medical_condition`. */
  medicalCondition: boolean;
  /** `fitToTravel` of the case's latest eligibility screening, if any. */
  fitToTravel: string | null;
  /** The return says the migrant travels escorted (a child, a vulnerable person). */
  escortRequired: boolean;
  escort: { name: string } | null;
}

/**
 * DESIGN §6: a travel document (with its number), at least one leg, and — when a medical
 * vulnerability exists — fitness to travel `yes` on the latest screening. And, where the design
 * is silent: a return that requires an escort does not leave before its escort is named (an
 * unaccompanied child is not put on a bus to Niamey on the promise of an escort).
 */
export function missingForDeparture(f: DepartureFacts): DepartureRequirement[] {
  const missing: DepartureRequirement[] = [];
  if (!f.travelDocument?.number?.trim()) missing.push('travel_document');
  if (!f.legs.length) missing.push('legs');
  if (f.medicalCondition && f.fitToTravel !== 'yes') missing.push('fitness_to_travel');
  if (f.escortRequired && !f.escort?.name?.trim()) missing.push('escort');
  return missing;
}
