import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, type FieldError, type Page, type PageRequest, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { ActivitiesRepository } from './activities.repository.js';
import { Activity, ActivityParticipant } from './activity.entity.js';
import { type ActivityFilter, AGE_GROUPS, PARTICIPANT_SEXES, type RecordActivityInput } from './activity.types.js';

/** Rows in a stable order (sex, then age group, as the vocabularies list them). */
const order = (p: Pick<ActivityParticipant, 'sex' | 'ageGroup'>) => PARTICIPANT_SEXES.indexOf(p.sex) * AGE_GROUPS.length + AGE_GROUPS.indexOf(p.ageGroup);

/**
 * An activity's recorded facts, as the API shows them and the audit trail records them (all of
 * them: an activity holds no personal data).
 */
export function activityFacts(a: Activity) {
  const participants = (a.participants ?? []).map((p) => ({ sex: p.sex, ageGroup: p.ageGroup, count: p.count }));
  return {
    siteId: a.siteId,
    date: a.date,
    type: a.type,
    topic: a.topic,
    description: a.description,
    facilitatingOrganizationIds: a.facilitatingOrganizationIds,
    participants,
    totalParticipants: participants.reduce((n, p) => n + p.count, 0),
  };
}

@Injectable()
export class ActivitiesService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: ActivitiesRepository,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  /** Records a group activity owned by the actor's organization (issue 6), audited as `activity.recorded`. */
  record(actor: Actor, input: RecordActivityInput): Promise<Activity> {
    assertCan(actor, 'create', 'Activity', { owningOrganizationId: actor.organizationId });
    const errors = this.checkInput(input);
    return this.db.transaction(async (em) => {
      const facilitators = input.facilitatingOrganizationIds ?? [actor.organizationId!];
      errors.push(...(await this.checkReferences(em, input.siteId, facilitators)));
      if (errors.length) throw validationFailed(errors);
      const activity = await this.repo.insert(
        em,
        em.create(Activity, {
          owningOrganizationId: actor.organizationId!,
          siteId: input.siteId,
          date: input.date,
          type: input.type,
          topic: input.topic.trim(),
          description: input.description?.trim() || null,
          facilitatingOrganizationIds: facilitators,
          createdBy: actor.userId,
        }),
      );
      const rows = input.participants.map((p) => em.create(ActivityParticipant, { activityId: activity.id, owningOrganizationId: activity.owningOrganizationId, sex: p.sex, ageGroup: p.ageGroup, count: p.count }));
      await this.repo.insertParticipants(em, rows);
      activity.participants = rows.sort((a, b) => order(a) - order(b));
      await this.audit.record(em, actor, 'activity.recorded', { type: 'Activity', id: activity.id, organizationId: activity.owningOrganizationId }, { changes: diff(null, activityFacts(activity)) });
      return activity;
    });
  }

  /** One activity the actor may read, else 404 (also another organization's: no existence leak, DESIGN §2). */
  async get(actor: Actor, id: string): Promise<Activity> {
    const activity = await this.repo.findVisible(this.db.manager, actor, id);
    await this.withParticipants([activity]);
    return activity;
  }

  /** The actor's readable activities, newest first (date DESC, id DESC), keyset-paginated. */
  async list(actor: Actor, filter: ActivityFilter, page: PageRequest): Promise<Page<Activity>> {
    if (filter.from && filter.to && filter.from > filter.to) throw validationFailed([{ field: 'to', message: 'must not be before from' }]);
    const result = await this.repo.list(this.db.manager, actor, filter, page);
    await this.withParticipants(result.items);
    return result;
  }

  /** One query for the participant rows of a page (a join would break the page's LIMIT). */
  private async withParticipants(activities: Activity[]): Promise<void> {
    if (!activities.length) return;
    const rows = await this.repo.participantsOf(this.db.manager, activities.map((a) => a.id));
    for (const a of activities) a.participants = rows.filter((p) => p.activityId === a.id).sort((x, y) => order(x) - order(y));
  }

  /** Rules on the input alone: a date not in the future (Mali is on UTC), each (sex, age group) once. */
  private checkInput(input: RecordActivityInput): FieldError[] {
    const errors: FieldError[] = [];
    if (input.date > this.clock.now().toISOString().slice(0, 10)) errors.push({ field: 'date', message: 'must not be in the future' });
    if (!input.participants.length) errors.push({ field: 'participants', message: 'must count at least one group of participants' });
    const seen = new Map<string, number>();
    input.participants.forEach((p, i) => {
      const key = `${p.sex}/${p.ageGroup}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else errors.push({ field: `participants[${i}]`, message: `repeats sex ${p.sex} and age group ${p.ageGroup} of participants[${first}]` });
    });
    return errors;
  }

  /** The site must be active (any organization's: the directory is public); facilitators active organizations. */
  private async checkReferences(em: EntityManager, siteId: string, facilitators: string[]): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    const site = await this.repo.findSite(em, siteId);
    if (!site?.active) errors.push({ field: 'siteId', message: 'must be an active site' });
    if (!facilitators.length) errors.push({ field: 'facilitatingOrganizationIds', message: 'must name at least one organization' });
    const active = facilitators.length ? await this.repo.activeOrganizationIds(em, facilitators) : new Set<string>();
    facilitators.forEach((id, i) => {
      if (!active.has(id)) errors.push({ field: `facilitatingOrganizationIds[${i}]`, message: 'must be an active organization' });
    });
    return errors;
  }
}
