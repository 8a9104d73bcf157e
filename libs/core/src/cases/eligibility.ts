export const TRAVEL_DOCUMENT_STATUSES = ['valid', 'obtainable', 'none'] as const;
export type TravelDocumentStatus = (typeof TRAVEL_DOCUMENT_STATUSES)[number];
export const FIT_TO_TRAVEL = ['yes', 'no', 'pending', 'not_required'] as const;
export type FitToTravel = (typeof FIT_TO_TRAVEL)[number];
export const ELIGIBILITY_OUTCOMES = ['eligible', 'not_eligible', 'referred_protection', 'pending'] as const;
export type EligibilityOutcome = (typeof ELIGIBILITY_OUTCOMES)[number];

export interface ScreeningAnswers {
  wishesToReturn: boolean;
  countryOfReturn?: string | null;
  nationalityConfirmed: boolean;
  asylumSeekerOrRefugee: boolean;
  travelDocument: TravelDocumentStatus;
  bestInterestsDeterminationDone: boolean;
  fitToTravel: FitToTravel;
}

export interface EligibilityResult {
  outcome: EligibilityOutcome;
  reasons: string[];
}

/**
 * AVRR eligibility (DESIGN §3), in order of precedence: no wish to return → not_eligible; an
 * asylum seeker or refugee → referred_protection (never returned without a protection partner);
 * anything still missing → pending, listing each missing item; otherwise eligible.
 */
export function assessEligibility(a: ScreeningAnswers, facts: { child: boolean }): EligibilityResult {
  if (!a.wishesToReturn) return { outcome: 'not_eligible', reasons: ['no_wish_to_return'] };
  if (a.asylumSeekerOrRefugee) return { outcome: 'referred_protection', reasons: ['asylum_seeker_or_refugee'] };
  const reasons: string[] = [];
  if (!a.countryOfReturn) reasons.push('country_of_return_missing');
  if (!a.nationalityConfirmed) reasons.push('nationality_not_confirmed');
  if (a.travelDocument === 'none') reasons.push('no_travel_document');
  if (facts.child && !a.bestInterestsDeterminationDone) reasons.push('best_interests_determination_missing');
  if (a.fitToTravel === 'pending') reasons.push('fitness_to_travel_pending');
  if (a.fitToTravel === 'no') reasons.push('not_fit_to_travel');
  return reasons.length ? { outcome: 'pending', reasons } : { outcome: 'eligible', reasons: [] };
}
