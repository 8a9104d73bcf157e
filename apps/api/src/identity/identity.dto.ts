import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AUDIT_ENTITY_TYPES,
  CAPABILITIES,
  type Capability,
  type CreateOrganizationInput,
  type CreateSiteInput,
  type CreateUserInput,
  ORGANIZATION_CODE,
  ORGANIZATION_KINDS,
  type Organization,
  type OrganizationKind,
  PASSWORD_MAX_LENGTH,
  ROLES,
  type Role,
  type Session,
  SITE_KINDS,
  type Site,
  type SiteKind,
  type UpdateOrganizationInput,
  type UpdateSiteInput,
  type UpdateUserInput,
  type User,
} from '@passerelle/core';
import { Bool, DateTime, Email, Int, Nested, OneOf, OneOfEach, Str, Uuid, Uuids } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

// ---- auth ------------------------------------------------------------------------------------
export class LoginDto {
  @Email({ example: 'caseworker@mdm-gao.example.org' }) email: string;
  @Str({ max: PASSWORD_MAX_LENGTH, min: 1 }) password: string;
}
export class RefreshDto {
  @Str({
    optional: true,
    max: 100,
    min: 1,
    description: 'The refresh token from login or the previous refresh; required unless X-Requested-With: passerelle-web sends it as the cookie (then it must be absent)',
  })
  refreshToken?: string;
}

export class SessionUserDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'email', maxLength: 254 }) email: string;
  @ApiProperty({ maxLength: 200 }) displayName: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) organizationId: string;
  @ApiProperty({ enum: ROLES, isArray: true, maxItems: ROLES.length }) roles: Role[];
  @ApiProperty({ type: 'string', format: 'uuid', maxLength: 36, isArray: true, maxItems: 200 }) siteIds: string[];
}
export class SessionDto {
  @ApiProperty({ maxLength: 2000, description: 'JWT, send as `Authorization: Bearer …`' }) accessToken: string;
  @ApiPropertyOptional({ maxLength: 100, description: 'Opaque; rotates on every refresh. Absent with X-Requested-With: passerelle-web: it is in the HttpOnly cookie instead' }) refreshToken?: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 3600, example: 900 }) expiresIn: number;
  @ApiProperty({ type: () => SessionUserDto }) user: SessionUserDto;
}
export const toSessionResponse = (s: Session): SessionDto => s;

// ---- organizations ---------------------------------------------------------------------------
export class CreateOrganizationDto implements CreateOrganizationInput {
  @Str({ max: 20, min: 2, pattern: ORGANIZATION_CODE, patternMessage: 'code must be 2–20 of A–Z, 0–9 and -', example: 'MDM-GAO' }) code: string;
  @Str({ max: 200, min: 2, example: 'Maison du Migrant de Gao' }) name: string;
  @OneOf(ORGANIZATION_KINDS) kind: OrganizationKind;
  @OneOfEach(CAPABILITIES) capabilities: Capability[];
}
export class UpdateOrganizationDto implements UpdateOrganizationInput {
  @Str({ optional: true, max: 200, min: 2 }) name?: string;
  @OneOf(ORGANIZATION_KINDS, { optional: true }) kind?: OrganizationKind;
  @OneOfEach(CAPABILITIES, { optional: true }) capabilities?: Capability[];
  @Bool({ optional: true }) active?: boolean;
}
export class OrganizationQueryDto extends PageQueryDto {
  @OneOf(CAPABILITIES, { optional: true }) capability?: Capability;
}
export class OrganizationDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ maxLength: 20, pattern: ORGANIZATION_CODE.source }) code: string;
  @ApiProperty({ maxLength: 200 }) name: string;
  @ApiProperty({ enum: ORGANIZATION_KINDS }) kind: OrganizationKind;
  @ApiProperty({ enum: CAPABILITIES, isArray: true, maxItems: CAPABILITIES.length }) capabilities: Capability[];
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) updatedAt: string;
}
export const toOrganizationResponse = (o: Organization): OrganizationDto => ({
  id: o.id,
  code: o.code,
  name: o.name,
  kind: o.kind,
  capabilities: o.capabilities,
  active: o.active,
  createdAt: o.createdAt.toISOString(),
  updatedAt: o.updatedAt.toISOString(),
});

// ---- sites -----------------------------------------------------------------------------------
export class SiteLocationDto {
  @Str({ optional: true, max: 100, example: 'Gao' }) region?: string;
  @Str({ optional: true, max: 10, pattern: /^ML\d{2}$/, example: 'ML07' }) regionPcode?: string;
  @Str({ optional: true, max: 100, example: 'Gao' }) cercle?: string;
  @Str({ optional: true, max: 10, pattern: /^ML\d{4}$/, example: 'ML0703' }) cerclePcode?: string;
  @Str({ optional: true, max: 100, example: 'Gao' }) commune?: string;
  @Str({ optional: true, max: 12, pattern: /^ML\d{6}$/ }) communePcode?: string;
}
export class CreateSiteDto implements CreateSiteInput {
  @Str({ max: 200, min: 2, example: 'Maison du Migrant de Gao' }) name: string;
  @OneOf(SITE_KINDS) kind: SiteKind;
  @Nested(SiteLocationDto, { optional: true }) location?: SiteLocationDto;
  @Int({ optional: true, min: 0, max: 10_000, description: 'Beds (shelters)' }) bedCapacity?: number;
  @Int({ optional: true, min: 1, max: 365, description: 'Longest stay in days (shelters; default 10)' }) maxStayDays?: number;
  @OneOfEach(CAPABILITIES, { optional: true, description: 'Services offered here (within the organization’s capabilities)' }) services?: Capability[];
}
export class UpdateSiteDto implements UpdateSiteInput {
  @Str({ optional: true, max: 200, min: 2 }) name?: string;
  @OneOf(SITE_KINDS, { optional: true }) kind?: SiteKind;
  @Nested(SiteLocationDto, { optional: true }) location?: SiteLocationDto;
  @Int({ optional: true, min: 0, max: 10_000 }) bedCapacity?: number;
  @Int({ optional: true, min: 1, max: 365 }) maxStayDays?: number;
  @OneOfEach(CAPABILITIES, { optional: true }) services?: Capability[];
  @Bool({ optional: true }) active?: boolean;
}
export class SiteQueryDto extends PageQueryDto {
  @Uuid({ optional: true }) organizationId?: string;
  @OneOf(SITE_KINDS, { optional: true }) kind?: SiteKind;
  @OneOf(CAPABILITIES, { optional: true }) service?: Capability;
}
export class SiteLocationResponseDto {
  @ApiPropertyOptional({ maxLength: 100, nullable: true }) region: string | null;
  @ApiPropertyOptional({ maxLength: 10, nullable: true }) regionPcode: string | null;
  @ApiPropertyOptional({ maxLength: 100, nullable: true }) cercle: string | null;
  @ApiPropertyOptional({ maxLength: 10, nullable: true }) cerclePcode: string | null;
  @ApiPropertyOptional({ maxLength: 100, nullable: true }) commune: string | null;
  @ApiPropertyOptional({ maxLength: 12, nullable: true }) communePcode: string | null;
}
export class SiteDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) organizationId: string;
  @ApiProperty({ maxLength: 200 }) name: string;
  @ApiProperty({ enum: SITE_KINDS }) kind: SiteKind;
  @ApiProperty({ type: () => SiteLocationResponseDto }) location: SiteLocationResponseDto;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 10_000, nullable: true }) bedCapacity: number | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 365, nullable: true }) maxStayDays: number | null;
  @ApiProperty({ enum: CAPABILITIES, isArray: true, maxItems: CAPABILITIES.length }) services: Capability[];
  @ApiProperty() active: boolean;
}
export const toSiteResponse = (s: Site): SiteDto => ({
  id: s.id,
  organizationId: s.organizationId,
  name: s.name,
  kind: s.kind,
  location: { region: s.region, regionPcode: s.regionPcode, cercle: s.cercle, cerclePcode: s.cerclePcode, commune: s.commune, communePcode: s.communePcode },
  bedCapacity: s.bedCapacity,
  maxStayDays: s.maxStayDays,
  services: s.services,
  active: s.active,
});

// ---- users -----------------------------------------------------------------------------------
export class CreateUserDto implements CreateUserInput {
  @Uuid() organizationId: string;
  @Email({ example: 'awa@mdm.example' }) email: string;
  @Str({ max: 200, min: 1, example: 'Awa Maïga' }) displayName: string;
  @Str({ max: PASSWORD_MAX_LENGTH, description: 'At least 12 characters, not a common password' }) password: string;
  @OneOfEach(ROLES, { minItems: 1 }) roles: Role[];
  @Uuids({ optional: true, maxItems: 200 }) siteIds?: string[];
}
export class UpdateUserDto implements UpdateUserInput {
  @Str({ optional: true, max: 200, min: 1 }) displayName?: string;
  @OneOfEach(ROLES, { optional: true, minItems: 1 }) roles?: Role[];
  @Uuids({ optional: true, maxItems: 200 }) siteIds?: string[];
  @Bool({ optional: true, description: 'false ends every session of the user at once' }) active?: boolean;
  @Str({ optional: true, max: PASSWORD_MAX_LENGTH }) password?: string;
}
export class UserQueryDto extends PageQueryDto {
  @Uuid({ optional: true }) organizationId?: string;
  @OneOf(ROLES, { optional: true }) role?: Role;
  @Uuid({ optional: true }) siteId?: string;
}
export class UserDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) organizationId: string;
  @ApiProperty({ format: 'email', maxLength: 254 }) email: string;
  @ApiProperty({ maxLength: 200 }) displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true, maxItems: ROLES.length }) roles: Role[];
  @ApiProperty({ type: 'string', format: 'uuid', maxLength: 36, isArray: true, maxItems: 200 }) siteIds: string[];
  @ApiProperty() active: boolean;
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, nullable: true }) lastLoginAt: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
}
export const toUserResponse = (u: User): UserDto => ({
  id: u.id,
  organizationId: u.organizationId,
  email: u.email,
  displayName: u.displayName,
  roles: u.roles,
  siteIds: u.siteIds,
  active: u.active,
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  createdAt: u.createdAt.toISOString(),
});

// ---- services directory, audit ---------------------------------------------------------------
export class ServiceQueryDto extends PageQueryDto {
  @OneOf(CAPABILITIES, { optional: true }) capability?: Capability;
  @Uuid({ optional: true }) organizationId?: string;
  @Str({ optional: true, max: 10, pattern: /^ML\d{2}$/ }) regionPcode?: string;
}
export class AuditQueryDto extends PageQueryDto {
  @OneOf(AUDIT_ENTITY_TYPES, { optional: true, description: 'Lower snake_case; a consent, screening or stay_extension is found on its case’s or stay’s trail by its own id' }) entityType?: string;
  @Str({ optional: true, max: 100 }) entityId?: string;
  @Uuid({ optional: true }) actorUserId?: string;
  @Str({ optional: true, max: 100 }) action?: string;
  @DateTime({ optional: true }) from?: string;
  @DateTime({ optional: true }) to?: string;
}
