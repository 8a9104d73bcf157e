import type { StayExtension, Stay } from './stay.entity.js';
import type { StayStatus } from './stay-status.js';

export interface CheckInInput {
  caseId: string;
  siteId: string;
}
export interface RequestExtensionInput {
  days: number;
  reason: string;
}
export interface StayFilter {
  siteId?: string;
  status?: StayStatus;
  caseId?: string;
}

/** A stay with its extension requests, oldest first. */
export interface StayView {
  stay: Stay;
  extensions: StayExtension[];
}

/** One active stay on the bed board: ids and dates, no name. */
export interface OccupancyStay {
  id: string;
  caseId: string;
  caseNumber: string;
  checkedInAt: Date;
  expectedCheckOutAt: Date;
}

/** DESIGN §5: a shelter's occupancy now, computed in SQL. */
export interface Occupancy {
  siteId: string;
  at: Date;
  capacity: number;
  occupied: number;
  free: number;
  /** Active stays whose expected check-out falls within the next 24 h. */
  endingWithin24h: OccupancyStay[];
  /** Active stays past their expected check-out. */
  overdue: OccupancyStay[];
}
