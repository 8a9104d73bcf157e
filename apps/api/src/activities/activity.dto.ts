import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type Activity,
  activityFacts,
  type ActivityFilter,
  ACTIVITY_TYPES,
  type ActivityType,
  AGE_GROUPS,
  type AgeGroup,
  MAX_PARTICIPANT_COUNT,
  PARTICIPANT_SEXES,
  type ParticipantCount,
  type RecordActivityInput,
  type Sex,
} from '@passerelle/core';
import { DateOnly } from '../http/codes.js';
import { Int, NestedEach, OneOf, Str, Uuid, Uuids } from '../http/dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

/** Every (sex, age group) pair once at most. */
const MAX_GROUPS = PARTICIPANT_SEXES.length * AGE_GROUPS.length;
const MAX_FACILITATORS = 20;

export class ParticipantCountDto implements ParticipantCount {
  @OneOf(PARTICIPANT_SEXES) sex: Sex;
  @OneOf(AGE_GROUPS) ageGroup: AgeGroup;
  @Int({ min: 1, max: MAX_PARTICIPANT_COUNT }) count: number;
}

/** Counts only: there is no field for a participant's name, and unknown fields are refused. */
export class CreateActivityDto implements RecordActivityInput {
  @Uuid({ description: 'An active site of any organization (the directory is public)' }) siteId: string;
  @DateOnly({ past: true, example: '2026-11-20' }) date: string;
  @OneOf(ACTIVITY_TYPES) type: ActivityType;
  @Str({ min: 1, max: 500, example: 'Risks of irregular migration through the desert' }) topic: string;
  @Str({ optional: true, max: 5000 }) description?: string;
  @Uuids({ optional: true, maxItems: MAX_FACILITATORS, description: 'Active organizations that ran it (default: yours)' }) facilitatingOrganizationIds?: string[];
  @NestedEach(ParticipantCountDto, { maxItems: MAX_GROUPS, description: 'Head counts by sex and age group, each pair at most once; at least one' })
  participants: ParticipantCountDto[];
}

export class ActivityQueryDto extends PageQueryDto implements ActivityFilter {
  @DateOnly({ optional: true, example: '2026-01-01' }) from?: string;
  @DateOnly({ optional: true, example: '2026-12-31' }) to?: string;
  @Uuid({ optional: true }) siteId?: string;
  @OneOf(ACTIVITY_TYPES, { optional: true }) type?: ActivityType;
}

export class ActivityDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) owningOrganizationId: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) siteId: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) date: string;
  @ApiProperty({ enum: ACTIVITY_TYPES }) type: string;
  @ApiProperty({ maxLength: 500 }) topic: string;
  @ApiPropertyOptional({ maxLength: 5000, nullable: true }) description: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, maxItems: MAX_FACILITATORS }) facilitatingOrganizationIds: string[];
  @ApiProperty({ type: () => [ParticipantCountDto], maxItems: MAX_GROUPS }) participants: ParticipantCount[];
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: MAX_GROUPS * MAX_PARTICIPANT_COUNT }) totalParticipants: number;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true }) createdBy: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt: string;
}

export const toActivityResponse = (a: Activity): ActivityDto => ({
  id: a.id,
  owningOrganizationId: a.owningOrganizationId,
  ...activityFacts(a),
  createdBy: a.createdBy,
  createdAt: a.createdAt.toISOString(),
});
