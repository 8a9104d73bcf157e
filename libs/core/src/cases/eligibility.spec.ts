import { assessEligibility, type ScreeningAnswers } from './eligibility.js';

const ok: ScreeningAnswers = {
  wishesToReturn: true,
  countryOfReturn: 'GIN',
  nationalityConfirmed: true,
  asylumSeekerOrRefugee: false,
  travelDocument: 'obtainable',
  bestInterestsDeterminationDone: false,
  fitToTravel: 'not_required',
};
const adult = { child: false };

describe('assessEligibility (DESIGN §3)', () => {
  it('eligible when nothing is missing (a travel document that can be obtained is enough)', () => {
    expect(assessEligibility(ok, adult)).toEqual({ outcome: 'eligible', reasons: [] });
    expect(assessEligibility({ ...ok, travelDocument: 'valid', fitToTravel: 'yes' }, adult)).toEqual({ outcome: 'eligible', reasons: [] });
  });

  it('not_eligible without a wish to return, whatever else', () => {
    expect(assessEligibility({ ...ok, wishesToReturn: false, asylumSeekerOrRefugee: true, travelDocument: 'none' }, { child: true })).toEqual({
      outcome: 'not_eligible',
      reasons: ['no_wish_to_return'],
    });
  });

  it('referred_protection for an asylum seeker or refugee, before anything missing', () => {
    expect(assessEligibility({ ...ok, asylumSeekerOrRefugee: true, travelDocument: 'none' }, adult)).toEqual({ outcome: 'referred_protection', reasons: ['asylum_seeker_or_refugee'] });
  });

  it('pending with every missing item listed', () => {
    expect(assessEligibility({ ...ok, travelDocument: 'none' }, adult)).toEqual({ outcome: 'pending', reasons: ['no_travel_document'] });
    expect(assessEligibility({ ...ok, fitToTravel: 'pending' }, adult)).toEqual({ outcome: 'pending', reasons: ['fitness_to_travel_pending'] });
    expect(assessEligibility(ok, { child: true })).toEqual({ outcome: 'pending', reasons: ['best_interests_determination_missing'] });
    expect(assessEligibility({ ...ok, bestInterestsDeterminationDone: true }, { child: true }).outcome).toBe('eligible');
    expect(assessEligibility({ ...ok, travelDocument: 'none', fitToTravel: 'pending', nationalityConfirmed: false, countryOfReturn: null }, { child: true })).toEqual({
      outcome: 'pending',
      reasons: ['country_of_return_missing', 'nationality_not_confirmed', 'no_travel_document', 'best_interests_determination_missing', 'fitness_to_travel_pending'],
    });
  });

  it('a person found not fit to travel is not eligible yet (pending), never eligible', () => {
    expect(assessEligibility({ ...ok, fitToTravel: 'no' }, adult)).toEqual({ outcome: 'pending', reasons: ['not_fit_to_travel'] });
  });
});
