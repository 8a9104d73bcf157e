import type { Schemas } from '../../lib/api-client';

/**
 * The codes the API accepts (DESIGN §3), in the order a caseworker meets them; labels are in the
 * locales. Each list is checked against the generated OpenAPI types: a code the server adds
 * (or drops) fails the web app's type check until the list and the locales follow.
 */
function every<Code extends string>() {
  return <const List extends readonly Code[]>(list: List & ([Code] extends [List[number]] ? unknown : { missing: Exclude<Code, List[number]> })) => list;
}

export const SEXES = every<Schemas['IdentityDto']['sex']>()(['female', 'male', 'other', 'unknown']);
export const CATEGORIES = every<NonNullable<Schemas['CreateCaseDto']['migrantCategory']>>()(['in_transit', 'returnee', 'other']);
export const REASONS = every<NonNullable<Schemas['JourneyDto']['reasonsForMigration']>[number]>()([
  'economic',
  'conflict_insecurity',
  'family',
  'education',
  'environmental',
  'persecution',
  'other',
]);
export const TRAVELLING_WITH = every<NonNullable<Schemas['JourneyDto']['travellingWith']>>()(['alone', 'family', 'group']);
export const VULNERABILITIES = every<NonNullable<Schemas['CreateCaseDto']['vulnerabilities']>[number]>()([
  'unaccompanied_child',
  'separated_child',
  'victim_of_trafficking',
  'medical_condition',
  'pregnant_or_lactating',
  'elderly',
  'disability',
  'gbv_survivor',
  'detention_survivor',
  'mental_health',
  'single_parent',
  'destitute',
]);
export const CONSENT_PURPOSES = every<Schemas['ConsentDto']['purpose']>()(['registration', 'referral', 'return', 'reintegration', 'photo']);
export const CONSENT_METHODS = every<Schemas['ConsentDto']['method']>()(['verbal', 'signed', 'thumbprint']);
export const CLOSURE_REASONS = every<Schemas['CloseDto']['reason']>()([
  'returned',
  'reintegration_completed',
  'continued_journey',
  'settled_locally',
  'lost_contact',
  'transferred',
  'duplicate',
  'deceased',
  'other',
]);
export const TRAVEL_DOCUMENT = every<Schemas['ScreeningDto']['travelDocument']>()(['valid', 'obtainable', 'none']);
export const FIT_TO_TRAVEL = every<Schemas['ScreeningDto']['fitToTravel']>()(['yes', 'no', 'pending', 'not_required']);
/** Languages most heard at the centres (ISO 639-3); any other code the API accepts is shown by its code. */
export const LANGUAGES = ['fra', 'eng', 'bam', 'ful', 'snk', 'son', 'wol', 'sus', 'hau', 'ara', 'tmh', 'dyu'] as const;
