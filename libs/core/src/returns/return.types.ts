import type { Sex } from '../cases/index.js';
import type { Movement, Return, ReturnEscort, ReturnLeg, TravelDocument } from './return.entity.js';
import type { MovementStatus, ReturnMode, ReturnStatus } from './return-status.js';

export interface CreateReturnInput {
  destinationCountry: string;
  destinationLocality: string;
  mode: ReturnMode;
  escortRequired?: boolean;
  escort?: ReturnEscort | null;
  pocketMoneyXof?: number | null;
  travelDocument?: TravelDocument | null;
  legs?: ReturnLeg[];
}

/** A PATCH: absent fields are left alone; null clears an optional one. */
export interface UpdateReturnInput {
  destinationCountry?: string;
  destinationLocality?: string;
  mode?: ReturnMode;
  pocketMoneyXof?: number | null;
  escortRequired?: boolean;
  escort?: ReturnEscort | null;
  travelDocument?: TravelDocument | null;
  legs?: ReturnLeg[];
}

export interface ArriveInput {
  arrivedAt: string;
  confirmedBy: string;
}

export interface ReturnFilter {
  status?: ReturnStatus;
  destinationCountry?: string;
  /** Opened on or after / on or before these dates (Mali time, UTC). */
  from?: string;
  to?: string;
}

export interface CreateMovementInput {
  departureDate: string;
  carrier: string;
  vehicle?: string | null;
  escortStaff?: string[];
  returnIds: string[];
}

export interface MovementFilter {
  status?: MovementStatus;
}

/** A movement with the returns leaving with it. */
export interface MovementView {
  movement: Movement;
  returns: Return[];
}

/** One line of a movement's manifest (DESIGN §6), in column order. */
export interface ManifestRow {
  movementDate: string;
  carrier: string;
  vehicle: string;
  caseNumber: string;
  fullName: string;
  sex: Sex;
  dateOfBirth: string;
  nationality: string;
  destinationCountry: string;
  destinationLocality: string;
  travelDocumentType: string;
  travelDocumentNumber: string;
  escortRequired: boolean;
}
