import { SEXES, type Sex } from '../cases/index.js';

/** Kinds of group activity (issue 6): sessions held for a group, with no individual case. */
export const ACTIVITY_TYPES = ['information_session', 'awareness_campaign', 'reception', 'listening_session', 'orientation', 'other'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Participants are counted, never named: by sex and by these age groups. */
export const PARTICIPANT_SEXES = SEXES;
export const AGE_GROUPS = ['0-17', '18-59', '60+', 'unknown'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const MAX_PARTICIPANT_COUNT = 100_000;

export interface ParticipantCount {
  sex: Sex;
  ageGroup: AgeGroup;
  count: number;
}

export interface RecordActivityInput {
  siteId: string;
  /** YYYY-MM-DD, not in the future. */
  date: string;
  type: ActivityType;
  topic: string;
  description?: string;
  /** Default: the recording user's organization. */
  facilitatingOrganizationIds?: string[];
  /** Each (sex, ageGroup) pair at most once. */
  participants: ParticipantCount[];
}

export interface ActivityFilter {
  from?: string;
  to?: string;
  siteId?: string;
  type?: ActivityType;
}
