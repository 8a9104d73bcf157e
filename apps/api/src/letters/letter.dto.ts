import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { Actor } from '@passerelle/common';
import {
  CHECKPOINT_RESULTS,
  type IssueLetterInput,
  LETTER_ACTION_ENDPOINTS,
  type LetterActionName,
  letterActions,
  LETTER_STATES,
  type LetterState,
  type LetterView,
  MAX_VALIDITY_DAYS,
} from '@passerelle/core';
import { ApiActions } from '../http/actions.js';
import { DateOnly } from '../http/codes.js';
import { iso, Nested, OneOf, Str, Strs } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

export class LetterRouteDto {
  @Str({ min: 1, max: 80, example: 'Gao' }) from: string;
  @Str({ min: 1, max: 80, example: 'Bamako' }) to: string;
  @Strs({ optional: true, maxItems: 12, max: 80, description: 'Checkpoints on the way, in order', example: ['Gossi', 'Douentza', 'Mopti'] }) via?: string[];
}
export class IssueLetterDto implements IssueLetterInput {
  @DateOnly({ example: '2026-11-23' }) validFrom: string;
  @DateOnly({ example: '2026-12-10' }) validUntil: string;
  @Str({ min: 1, max: 300, example: 'transit', description: 'Printed on the letter' }) purpose: string;
  @Nested(LetterRouteDto) route: LetterRouteDto;
}
export class LetterQueryDto extends PageQueryDto {
  @OneOf(LETTER_STATES, { optional: true, description: 'active: in the register and not past validUntil; expired: active but past validUntil' }) status?: LetterState;
  @DateOnly({ optional: true, example: '2026-11-01' }) from?: string;
  @DateOnly({ optional: true, example: '2026-11-30' }) to?: string;
}

/** Any text up to what an HTTP request line carries: whatever does not verify is `invalid`, never a 400. */
export const MAX_VERIFY_TOKEN = 16_384;
export class VerifyLetterQueryDto {
  @IsString()
  @MaxLength(MAX_VERIFY_TOKEN)
  @ApiProperty({ description: 'The compact JWS of the letter’s QR code', maxLength: MAX_VERIFY_TOKEN })
  token: string;
}

// ---- responses ---------------------------------------------------------------------------------
class LetterHolderDto {
  @ApiProperty({ maxLength: 300, example: 'Aminata Traoré' }) fullName: string;
  @ApiProperty({ type: String, nullable: true, pattern: '^[A-Z]{3}$', maxLength: 3, example: 'GIN' }) nationality: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date', maxLength: 10 }) dateOfBirth?: string | null;
  @ApiPropertyOptional({ nullable: true, type: 'integer', format: 'int32', minimum: 1900, maximum: 2100 }) birthYear?: number | null;
  @ApiPropertyOptional() birthDateEstimated?: boolean;
}
class IssuerDto {
  @ApiProperty({ maxLength: 20, example: 'MDM-GAO' }) code: string;
  @ApiProperty({ maxLength: 200, example: 'Maison du Migrant' }) name: string;
}
export class LetterDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) caseId: string;
  @ApiProperty({ maxLength: 40, example: 'MDM-GAO-L-2026-00001' }) serialNumber: string;
  @ApiProperty({ enum: LETTER_STATES, description: 'expired: active but past validUntil' }) status: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) issuingOrganizationId: string;
  @ApiProperty({ type: IssuerDto }) issuer: IssuerDto;
  @ApiProperty({ format: 'date', maxLength: 10 }) validFrom: string;
  @ApiProperty({ format: 'date', maxLength: 10, description: `Inclusive; at most ${MAX_VALIDITY_DAYS} days after validFrom` }) validUntil: string;
  @ApiProperty({ maxLength: 300 }) purpose: string;
  @ApiProperty({ type: LetterRouteDto }) route: LetterRouteDto;
  @ApiProperty({ type: LetterHolderDto, nullable: true, description: 'As the case stood at issuance; null once the case is anonymized' }) holder: LetterHolderDto | null;
  @ApiProperty({ type: String, maxLength: 2048, nullable: true, description: 'Compact JWS (EdDSA, kid in the header) printed in the QR code; null once the case is anonymized' })
  verificationToken: string | null;
  @ApiProperty({ type: String, format: 'uri', maxLength: 2200, nullable: true }) verificationUrl: string | null;
  @ApiProperty({ maxLength: 32, description: 'The key that signed the token' }) signingKeyId: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) issuedAt: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) issuedBy: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40, nullable: true }) supersededAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true, description: 'The letter that replaced it (null when a departure ended it)' }) supersededByLetterId: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40, nullable: true }) revokedAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true }) revokedBy: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true }) revokeReason: string | null;
  @ApiActions(LETTER_ACTION_ENDPOINTS) actions: LetterActionName[];
}

export class LetterVerificationDto {
  @ApiProperty({ enum: [...CHECKPOINT_RESULTS, 'invalid', 'unknown'], description: 'invalid: the signature does not verify (nothing else is said); unknown: signed, but not in the register' })
  result: string;
  @ApiPropertyOptional({ maxLength: 40 }) serialNumber?: string;
  @ApiPropertyOptional({ type: LetterHolderDto, nullable: true, description: 'fullName and nationality only; null when the case was anonymized' }) holder?: LetterHolderDto | null;
  @ApiPropertyOptional({ type: IssuerDto }) issuer?: IssuerDto;
  @ApiPropertyOptional({ format: 'date', maxLength: 10 }) validFrom?: string;
  @ApiPropertyOptional({ format: 'date', maxLength: 10 }) validUntil?: string;
}

class JwkDto {
  @ApiProperty({ enum: ['OKP'] }) kty: string;
  @ApiProperty({ enum: ['Ed25519'] }) crv: string;
  @ApiProperty({ maxLength: 32, example: 'l1' }) kid: string;
  @ApiProperty({ maxLength: 43, description: 'The public key, base64url' }) x: string;
  @ApiProperty({ enum: ['EdDSA'] }) alg: string;
  @ApiProperty({ enum: ['sig'] }) use: string;
}
export class JwksDto {
  @ApiProperty({ type: [JwkDto], maxItems: 20 }) keys: JwkDto[];
}

export function toLetterResponse(v: LetterView, actor: Actor): LetterDto {
  const l = v.letter;
  return {
    id: l.id,
    caseId: l.caseId,
    serialNumber: l.serialNumber,
    status: v.state,
    issuingOrganizationId: l.issuingOrganizationId,
    issuer: { code: l.issuingOrganization!.code, name: l.issuingOrganization!.name },
    validFrom: l.validFrom,
    validUntil: l.validUntil,
    purpose: l.purpose,
    route: l.route,
    holder: l.holder,
    verificationToken: l.holder === null ? null : l.verificationToken,
    verificationUrl: v.verificationUrl,
    signingKeyId: l.signingKeyId,
    issuedAt: l.createdAt.toISOString(),
    issuedBy: l.createdBy,
    supersededAt: iso(l.supersededAt),
    supersededByLetterId: l.supersededByLetterId,
    revokedAt: iso(l.revokedAt),
    revokedBy: l.revokedBy,
    revokeReason: l.revokeReason,
    actions: letterActions(actor, l),
  };
}
