import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Actor } from '@passerelle/common';
import {
  CASE_ACTION_ENDPOINTS,
  caseActions,
  type CaseActionName,
  caseIdentity,
  type Case,
  type CaseNote,
  type CaseField,
  type CaseView,
  CASE_STATUSES,
  CLOSURE_REASONS,
  type ClosureReason,
  CONSENT_BASES,
  CONSENT_METHODS,
  CONSENT_PURPOSES,
  type Consent,
  type ConsentBasis,
  type ConsentInput,
  type ConsentMethod,
  type ConsentPurpose,
  DOCUMENT_TYPES,
  ELIGIBILITY_OUTCOMES,
  type EligibilityOutcome,
  EDUCATION_LEVELS,
  FIT_TO_TRAVEL,
  type FitToTravel,
  MIGRANT_CATEGORIES,
  type MigrantCategory,
  REASONS_FOR_MIGRATION,
  type RegisterCaseInput,
  type Screening,
  type ScreeningAnswers,
  SEXES,
  type Sex,
  TRAVEL_DOCUMENT_STATUSES,
  TRAVELLING_WITH,
  type TravelDocumentStatus,
  type UpdateCaseInput,
  VULNERABILITIES,
  type Vulnerability,
} from '@passerelle/core';
import { ApiActions } from '../http/actions.js';
import { Country, Currency, DateOnly, Languages } from '../http/codes.js';
import { Bool, Int, Nested, NestedEach, OneOf, OneOfEach, Str, Strs, Uuid, Uuids } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

const NAME = { max: 100, min: 1 };

export class IdentityDto {
  @Str({ ...NAME, example: 'Aminata' }) givenName: string;
  @Str({ ...NAME, example: 'Traoré' }) familyName: string;
  @Strs({ optional: true, maxItems: 10, max: 100 }) otherNames?: string[];
  @OneOf(SEXES) sex: Sex;
  @DateOnly({ optional: true, past: true, example: '1999-04-02' }) dateOfBirth?: string;
  @Int({ optional: true, min: 1900, max: 2100, description: 'When only the year is known (estimated)' }) birthYear?: number;
  @Bool({ optional: true }) birthDateEstimated?: boolean;
  @Country({ optional: true }) nationality?: string;
  @Languages({ optional: true }) languages?: string[];
}
export class IdentityPatchDto {
  @Str({ ...NAME, optional: true }) givenName?: string;
  @Str({ ...NAME, optional: true }) familyName?: string;
  @Strs({ optional: true, maxItems: 10, max: 100 }) otherNames?: string[];
  @OneOf(SEXES, { optional: true }) sex?: Sex;
  // null clears (the identity is merged over the stored one: an absent field is kept).
  @DateOnly({ optional: true, nullable: true, past: true }) dateOfBirth?: string | null;
  @Int({ optional: true, nullable: true, min: 1900, max: 2100 }) birthYear?: number | null;
  @Bool({ optional: true }) birthDateEstimated?: boolean;
  @Country({ optional: true, nullable: true }) nationality?: string | null;
  @Languages({ optional: true }) languages?: string[];
}
export class ContactDto {
  @Str({ optional: true, max: 30, pattern: /^\+?[0-9 ().-]{4,30}$/, example: '+22370000000' }) phone?: string;
  @Str({ optional: true, max: 30, pattern: /^\+?[0-9 ().-]{4,30}$/ }) altPhone?: string;
  @Str({ optional: true, max: 254 }) email?: string;
  @Str({ optional: true, max: 500 }) address?: string;
  @Str({ optional: true, max: 200 }) contactPerson?: string;
}
export class DocumentDto {
  @OneOf(DOCUMENT_TYPES) type: string;
  @Str({ optional: true, max: 50 }) number?: string;
  @Country({ optional: true }) issuingCountry?: string;
  @DateOnly({ optional: true }) expiresOn?: string;
}
export class MoneyDto {
  @Int({ min: 0, max: 1_000_000_000 }) amount: number;
  @Currency() currency: string;
}
export class JourneyDto {
  @Country({ optional: true }) countryOfOrigin?: string;
  @Str({ optional: true, max: 200 }) placeOfOrigin?: string;
  @DateOnly({ optional: true, past: true }) departureDate?: string;
  @Country({ optional: true, example: 'ESP' }) intendedDestination?: string;
  @Strs({ optional: true, maxItems: 50, max: 100 }) route?: string[];
  @OneOfEach(REASONS_FOR_MIGRATION, { optional: true }) reasonsForMigration?: string[];
  @OneOf(TRAVELLING_WITH, { optional: true }) travellingWith?: string;
  @OneOf(EDUCATION_LEVELS, { optional: true }) educationLevel?: string;
  @Str({ optional: true, max: 200 }) employmentBeforeDeparture?: string;
  @Nested(MoneyDto, { optional: true }) moneySpent?: MoneyDto;
}
export class HouseholdDto {
  @Int({ optional: true, min: 1, max: 50 }) size?: number;
  @Str({ optional: true, max: 100 }) relationshipToHead?: string;
  @Str({ optional: true, max: 2000 }) notes?: string;
}
export class SensitiveDto {
  @Str({ optional: true, max: 20_000, description: 'Protection narrative (trafficking, GBV, …): encrypted at rest' }) narrative?: string;
  @Str({ optional: true, max: 5000 }) medicalDetails?: string;
  @Strs({ optional: true, maxItems: 20, max: 200 }) protectionConcerns?: string[];
}
export class ConsentDto implements ConsentInput {
  @OneOf(CONSENT_PURPOSES) purpose: ConsentPurpose;
  @OneOf(CONSENT_BASES) basis: ConsentBasis;
  @OneOf(CONSENT_METHODS) method: ConsentMethod;
  @Uuids({ optional: true, maxItems: 50, description: 'Organizations the consent covers (referral); none: all' }) organizationIds?: string[];
  @Str({ optional: true, max: 2000 }) notes?: string;
}

const CATEGORY = 'in_transit, returnee (a Malian back home: opens reintegration) or other; shown with the journey section';

export class CreateCaseDto implements RegisterCaseInput {
  @Uuid() siteId: string;
  @Uuid({ optional: true }) householdId?: string;
  @Nested(IdentityDto) identity: IdentityDto;
  @Nested(ContactDto, { optional: true }) contact?: ContactDto;
  @NestedEach(DocumentDto, { optional: true, maxItems: 20 }) documents?: DocumentDto[];
  @Nested(JourneyDto, { optional: true }) journey?: JourneyDto;
  @OneOf(MIGRANT_CATEGORIES, { optional: true, description: CATEGORY }) migrantCategory?: MigrantCategory;
  @OneOfEach(VULNERABILITIES, { optional: true }) vulnerabilities?: Vulnerability[];
  @Nested(SensitiveDto, { optional: true }) sensitive?: SensitiveDto;
  @Nested(HouseholdDto, { optional: true }) household?: HouseholdDto;
  @Nested(ConsentDto, { optional: true, description: 'Required: a registration consent, or basis vital_interest' }) consent?: ConsentDto;
}
export class UpdateCaseDto implements UpdateCaseInput {
  @Nested(IdentityPatchDto, { optional: true }) identity?: IdentityPatchDto;
  @Nested(ContactDto, { optional: true }) contact?: ContactDto;
  @NestedEach(DocumentDto, { optional: true, maxItems: 20 }) documents?: DocumentDto[];
  @Nested(JourneyDto, { optional: true }) journey?: JourneyDto;
  @OneOf(MIGRANT_CATEGORIES, { optional: true, description: CATEGORY }) migrantCategory?: MigrantCategory;
  @OneOfEach(VULNERABILITIES, { optional: true }) vulnerabilities?: Vulnerability[];
  @Nested(SensitiveDto, { optional: true }) sensitive?: SensitiveDto;
  @Nested(HouseholdDto, { optional: true }) household?: HouseholdDto;
  @Uuid({ optional: true }) householdId?: string;
}
export class CaseQueryDto extends PageQueryDto {
  @Str({ optional: true, max: 200, description: 'Name (accents, case and typos tolerated) or case number' }) q?: string;
  @Str({ optional: true, max: 40 }) caseNumber?: string;
  @Country({ optional: true }) nationality?: string;
  @OneOf(CASE_STATUSES, { optional: true }) status?: string;
  @Uuid({ optional: true }) siteId?: string;
  @OneOf(VULNERABILITIES, { optional: true }) vulnerability?: string;
  @Uuid({ optional: true }) assignedTo?: string;
  @OneOf(MIGRANT_CATEGORIES, { optional: true }) migrantCategory?: string;
  @DateOnly({ optional: true }) registeredFrom?: string;
  @DateOnly({ optional: true }) registeredTo?: string;
}
/** Who is about to be registered (POST /cases/duplicate-check): names in a body, never in a URL or a log. */
export class DuplicateCheckDto {
  @Str({ ...NAME, example: 'Aminata' }) givenName: string;
  @Str({ ...NAME, example: 'Traoré' }) familyName: string;
  @Strs({ optional: true, maxItems: 10, max: 100 }) otherNames?: string[];
  @DateOnly({ optional: true, past: true, example: '1999-04-02' }) dateOfBirth?: string;
  @Int({ optional: true, min: 1900, max: 2100 }) birthYear?: number;
  @Country({ optional: true }) nationality?: string;
}
export class AssignDto {
  @Uuid() userId: string;
}
export class CloseDto {
  @OneOf(CLOSURE_REASONS) reason: ClosureReason;
}
export class NoteDto {
  @Str({ max: 10_000, min: 1 }) text: string;
}
export class WithdrawDto {
  @Str({ optional: true, max: 2000 }) reason?: string;
}
export class ScreeningDto implements ScreeningAnswers {
  @Bool() wishesToReturn: boolean;
  @Country({ optional: true }) countryOfReturn?: string;
  @Bool() nationalityConfirmed: boolean;
  @Bool() asylumSeekerOrRefugee: boolean;
  @OneOf(TRAVEL_DOCUMENT_STATUSES) travelDocument: TravelDocumentStatus;
  @Bool() bestInterestsDeterminationDone: boolean;
  @OneOf(FIT_TO_TRAVEL) fitToTravel: FitToTravel;
}

// ---- responses ---------------------------------------------------------------------------------
export class CaseDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ maxLength: 40, example: 'IOM-ML-2026-000001' }) caseNumber: string;
  @ApiProperty({ enum: CASE_STATUSES }) status: string;
  @ApiPropertyOptional({ enum: CLOSURE_REASONS, nullable: true, description: 'Owning organization only (as version, siteId, assignedTo, updatedAt)' }) closureReason?: string | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 }) version?: number;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) owningOrganizationId: string;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36 }) siteId?: string;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) assignedTo?: string | null;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true, description: 'With the household section' }) householdId?: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) registeredAt: string;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, description: 'Present once the case is anonymized (issue 11): names, contact and free text are gone, codes remain' })
  anonymizedAt?: string;
  @ApiProperty({ type: () => IdentityDto }) identity: IdentityDto;
  @ApiPropertyOptional({ type: () => ContactDto }) contact?: ContactDto;
  @ApiPropertyOptional({ type: () => [DocumentDto], maxItems: 20 }) documents?: DocumentDto[];
  @ApiPropertyOptional({ type: () => JourneyDto }) journey?: JourneyDto;
  @ApiPropertyOptional({ enum: MIGRANT_CATEGORIES, nullable: true, description: 'With the journey section' }) migrantCategory?: MigrantCategory | null;
  @ApiPropertyOptional({
    type: 'array',
    maxItems: VULNERABILITIES.length,
    items: { type: 'object', properties: { flag: { type: 'string', enum: [...VULNERABILITIES] }, assessedBy: { type: 'string', format: 'uuid', maxLength: 36, nullable: true }, assessedAt: { type: 'string', format: 'date-time', maxLength: 40 } } },
  })
  vulnerabilities?: object[];
  @ApiPropertyOptional({ type: () => SensitiveDto, nullable: true, description: 'Present only for the owning org’s managers, the assigned caseworker, and a receiving organization whose live referral lists it' }) sensitive?: SensitiveDto | null;
  @ApiPropertyOptional({ type: () => HouseholdDto }) household?: HouseholdDto;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40 }) updatedAt?: string;
  @ApiActions(CASE_ACTION_ENDPOINTS) actions: CaseActionName[];
}

/** Only the fields the actor may read (the CASL rules): a receiving organization sees its shared view. */
export function toCaseResponse(view: CaseView, actor: Actor): CaseDto {
  const c = view.case;
  const has = (f: CaseField) => view.fields.includes(f);
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    status: c.status,
    owningOrganizationId: c.owningOrganizationId,
    registeredAt: c.registeredAt.toISOString(),
    ...(c.anonymizedAt ? { anonymizedAt: c.anonymizedAt.toISOString() } : {}),
    ...(has('record')
      ? { closureReason: c.closureReason, version: c.version, siteId: c.siteId, assignedTo: c.assignedTo, updatedAt: c.updatedAt.toISOString() }
      : {}),
    identity: identityOf(c),
    ...(has('contact') ? { contact: c.contact } : {}),
    ...(has('documents') ? { documents: c.documents } : {}),
    ...(has('journey') ? { journey: c.journey, migrantCategory: c.migrantCategory ?? null } : {}),
    ...(has('vulnerabilities') ? { vulnerabilities: c.vulnerabilities } : {}),
    ...(has('sensitive') ? { sensitive: view.sensitive ?? null } : {}),
    ...(has('household') ? { household: c.household, householdId: c.householdId } : {}),
    actions: caseActions(actor, c),
  } as CaseDto;
}

export const identityOf = (c: Case): IdentityDto => caseIdentity(c);

/** List rows: identity, status and vulnerability flags (when readable), never the other sections (data minimization). */
export const toCaseSummary = (view: CaseView, actor: Actor): CaseSummaryDto => {
  const c = view.case;
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    status: c.status,
    owningOrganizationId: c.owningOrganizationId,
    registeredAt: c.registeredAt.toISOString(),
    ...(c.anonymizedAt ? { anonymizedAt: c.anonymizedAt.toISOString() } : {}),
    ...(view.fields.includes('record') ? { siteId: c.siteId, assignedTo: c.assignedTo } : {}),
    identity: identityOf(c),
    ...(view.fields.includes('vulnerabilities') ? { vulnerabilities: c.vulnerabilityFlags } : {}),
    actions: caseActions(actor, c),
  };
};

export const toConsentResponse = (k: Consent): ConsentResponseDto => ({
  id: k.id,
  caseId: k.caseId,
  purpose: k.purpose,
  basis: k.basis,
  method: k.method,
  organizationIds: k.organizationIds,
  notes: k.notes,
  recordedBy: k.recordedBy,
  recordedAt: k.recordedAt.toISOString(),
  active: k.withdrawnAt === null,
  withdrawnAt: k.withdrawnAt?.toISOString() ?? null,
  withdrawnBy: k.withdrawnBy,
  withdrawalReason: k.withdrawalReason,
});

export const toScreeningResponse = (s: Screening): ScreeningResponseDto => ({
  id: s.id,
  caseId: s.caseId,
  wishesToReturn: s.wishesToReturn,
  countryOfReturn: s.countryOfReturn,
  nationalityConfirmed: s.nationalityConfirmed,
  asylumSeekerOrRefugee: s.asylumSeekerOrRefugee,
  travelDocument: s.travelDocument,
  bestInterestsDeterminationDone: s.bestInterestsDeterminationDone,
  fitToTravel: s.fitToTravel,
  outcome: s.outcome,
  reasons: s.reasons,
  screenedBy: s.screenedBy,
  screenedAt: s.screenedAt.toISOString(),
});

export const toNoteResponse = (n: CaseNote): NoteResponseDto => ({ id: n.id, caseId: n.caseId, text: n.text, authorId: n.authorId, createdAt: n.createdAt.toISOString() });

const uuid = { format: 'uuid', maxLength: 36 } as const;
const optionalUuid = { type: String, format: 'uuid', maxLength: 36, nullable: true } as const;
const dateTime = { format: 'date-time', maxLength: 40 } as const;

export class NoteResponseDto {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) caseId: string;
  @ApiProperty({ maxLength: 10_000 }) text: string;
  @ApiProperty({ ...optionalUuid, description: 'null once the author’s account is gone' }) authorId: string | null;
  @ApiProperty(dateTime) createdAt: string;
}
export class ConsentResponseDto {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) caseId: string;
  @ApiProperty({ enum: CONSENT_PURPOSES }) purpose: ConsentPurpose;
  @ApiProperty({ enum: CONSENT_BASES }) basis: ConsentBasis;
  @ApiProperty({ enum: CONSENT_METHODS }) method: ConsentMethod;
  @ApiProperty({ type: 'array', items: { type: 'string', ...uuid }, maxItems: 50, description: 'Organizations the consent covers (referral); empty: all' }) organizationIds: string[];
  @ApiProperty({ type: String, maxLength: 2000, nullable: true }) notes: string | null;
  @ApiProperty(optionalUuid) recordedBy: string | null;
  @ApiProperty(dateTime) recordedAt: string;
  @ApiProperty({ description: 'false once withdrawn (effective at once)' }) active: boolean;
  @ApiProperty({ type: String, ...dateTime, nullable: true }) withdrawnAt: string | null;
  @ApiProperty(optionalUuid) withdrawnBy: string | null;
  @ApiProperty({ type: String, maxLength: 2000, nullable: true }) withdrawalReason: string | null;
}
export class ScreeningResponseDto {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) caseId: string;
  @ApiProperty() wishesToReturn: boolean;
  @ApiProperty({ type: String, pattern: '^[A-Z]{3}$', maxLength: 3, nullable: true, example: 'GIN', description: 'ISO 3166-1 alpha-3' }) countryOfReturn: string | null;
  @ApiProperty() nationalityConfirmed: boolean;
  @ApiProperty() asylumSeekerOrRefugee: boolean;
  @ApiProperty({ enum: TRAVEL_DOCUMENT_STATUSES }) travelDocument: TravelDocumentStatus;
  @ApiProperty() bestInterestsDeterminationDone: boolean;
  @ApiProperty({ enum: FIT_TO_TRAVEL }) fitToTravel: FitToTravel;
  @ApiProperty({ enum: ELIGIBILITY_OUTCOMES, description: 'Computed by the server (DESIGN §3)' }) outcome: EligibilityOutcome;
  @ApiProperty({ type: 'array', items: { type: 'string', pattern: '^[a-z_]{1,100}$', maxLength: 100, example: 'nationality_not_confirmed' }, maxItems: 20, description: 'Why not eligible, or what is still missing' }) reasons: string[];
  @ApiProperty(optionalUuid) screenedBy: string | null;
  @ApiProperty(dateTime) screenedAt: string;
}
/** A row of a case list: never the other sections (data minimization). */
export class CaseSummaryDto {
  @ApiProperty(uuid) id: string;
  @ApiProperty({ maxLength: 40, example: 'IOM-ML-2026-000001' }) caseNumber: string;
  @ApiProperty({ enum: CASE_STATUSES }) status: string;
  @ApiProperty(uuid) owningOrganizationId: string;
  @ApiProperty(dateTime) registeredAt: string;
  @ApiPropertyOptional({ ...dateTime, description: 'Present once the case is anonymized' }) anonymizedAt?: string;
  @ApiPropertyOptional({ ...uuid, description: 'Owning organization only (as assignedTo)' }) siteId?: string;
  @ApiPropertyOptional(optionalUuid) assignedTo?: string | null;
  @ApiProperty({ type: () => IdentityDto }) identity: IdentityDto;
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...VULNERABILITIES] }, maxItems: VULNERABILITIES.length, description: 'The flags, when you may read them' })
  vulnerabilities?: Vulnerability[];
  @ApiActions(CASE_ACTION_ENDPOINTS) actions: CaseActionName[];
}
export class DuplicateDto {
  @ApiProperty({ type: () => CaseSummaryDto }) case: CaseSummaryDto;
  @ApiProperty({ type: 'number', format: 'double', minimum: 0.5, maximum: 1, example: 0.91, description: 'Name similarity 60 %, same birth year 20 %, same nationality 20 %; 0.5 and above are shown' }) score: number;
}
export class DuplicatesDto {
  @ApiProperty({ type: () => [DuplicateDto], maxItems: 20, description: 'Best first' }) items: DuplicateDto[];
}
export class ConsentsDto {
  @ApiProperty({ type: () => [ConsentResponseDto], maxItems: 1000 }) items: ConsentResponseDto[];
}
export class ScreeningsDto {
  @ApiProperty({ type: () => [ScreeningResponseDto], maxItems: 1000, description: 'Latest first (the latest counts)' }) items: ScreeningResponseDto[];
}
