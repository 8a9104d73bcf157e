import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Created } from '@passerelle/common';
import type { Sex } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import { Site } from '../sites/index.js';
import type { ActivityType, AgeGroup } from './activity.types.js';

/**
 * A group activity with no individual case (issue 6): an information or awareness session, a
 * reception or listening session. Owned by the recording user's organization; the site may be
 * any organization's (the site directory is public).
 */
@Entity('activities')
// Lists are the owner's activities, newest first: scanned backwards, this serves (date DESC, id DESC).
@Index('activities_owner_date_idx', ['owningOrganizationId', 'date', 'id'])
@Index('activities_site_idx', ['siteId'])
@Check('activities_type_check', `type IN ('information_session', 'awareness_campaign', 'reception', 'listening_session', 'orientation', 'other')`)
@Check('activities_topic_check', `char_length(topic) BETWEEN 1 AND 500`)
@Check('activities_facilitators_check', `cardinality(facilitating_organization_ids) >= 1`)
export class Activity extends Created {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'activities_pkey' }) id: string;
  @Column('uuid') owningOrganizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owning_organization_id', foreignKeyConstraintName: 'activities_owning_organization_id_fkey' })
  owningOrganization?: Relation<Organization>;
  @Column('uuid') siteId: string;
  @ManyToOne(() => Site, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'activities_site_id_fkey' })
  site?: Relation<Site>;
  @Column('date') date: string;
  @Column('text') type: ActivityType;
  @Column('text') topic: string;
  @Column('text', { nullable: true }) description: string | null;
  @Column('uuid', { array: true }) facilitatingOrganizationIds: string[];
  @OneToMany(() => ActivityParticipant, (p) => p.activity)
  participants?: Relation<ActivityParticipant[]>;
}

/**
 * How many took part, per (sex, age group): a row each, so reports count in SQL. Never names.
 */
@Entity('activity_participants')
@Check('activity_participants_sex_check', `sex IN ('female', 'male', 'other', 'unknown')`)
@Check('activity_participants_age_group_check', `age_group IN ('0-17', '18-59', '60+', 'unknown')`)
@Check('activity_participants_count_check', `count >= 0`)
export class ActivityParticipant {
  // The primary key is the one-row-per-pair rule.
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'activity_participants_pkey' }) activityId: string;
  @PrimaryColumn('text', { primaryKeyConstraintName: 'activity_participants_pkey' }) sex: Sex;
  @PrimaryColumn('text', { primaryKeyConstraintName: 'activity_participants_pkey' }) ageGroup: AgeGroup;
  @ManyToOne(() => Activity, (a) => a.participants, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'activity_id', foreignKeyConstraintName: 'activity_participants_activity_id_fkey' })
  activity?: Relation<Activity>;
  @Column('uuid') owningOrganizationId: string;
  @Column('integer') count: number;
}
