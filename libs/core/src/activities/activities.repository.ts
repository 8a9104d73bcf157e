import { Injectable } from '@nestjs/common';
import { type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import { type Actor, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { Organization } from '../organizations/index.js';
import { Site } from '../sites/index.js';
import { Activity, ActivityParticipant } from './activity.entity.js';
import type { ActivityFilter } from './activity.types.js';

/** The SQL of the fields the activity rules (activity.rules.ts) test. */
export const ACTIVITY_FIELDS: FieldMap = {
  id: 'a.id',
  owningOrganizationId: 'a.owning_organization_id',
};

/**
 * The SQL of group activities: those an actor may read (the CASL rules as SQL), one of them (404),
 * the list page, their participant rows, the writes, and the site and organizations an activity
 * names. Takes `em` first and never opens a transaction.
 */
@Injectable()
export class ActivitiesRepository {
  constructor(private readonly cursors: CursorCodec) {}

  /** Lists and single reads start here: the same CASL rules, as SQL (CONVENTIONS §2). */
  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Activity> {
    return readableBy(em, actor, Activity, 'Activity', 'a', ACTIVITY_FIELDS);
  }

  /** One activity the actor may read, else 404 (also another organization's: no existence leak, DESIGN §2). */
  async findVisible(em: EntityManager, actor: Actor, id: string): Promise<Activity> {
    const activity = await this.visible(em, actor).andWhere('a.id = :id', { id }).getOne();
    if (!activity) throw new DomainError('NOT_FOUND', 'Activity not found');
    return activity;
  }

  /** The actor's readable activities, newest first (date DESC, id DESC), keyset-paginated. */
  list(em: EntityManager, actor: Actor, filter: ActivityFilter, page: PageRequest): Promise<Page<Activity>> {
    const qb = this.visible(em, actor);
    if (filter.from) qb.andWhere('a.date >= CAST(:from AS date)', { from: filter.from });
    if (filter.to) qb.andWhere('a.date <= CAST(:to AS date)', { to: filter.to });
    if (filter.siteId) qb.andWhere('a.site_id = :siteId', { siteId: filter.siteId });
    if (filter.type) qb.andWhere('a.type = :type', { type: filter.type });
    return paginate<Activity>(
      qb,
      page,
      {
        list: 'activities',
        columns: [
          { expr: 'a.date', cast: 'date' },
          { expr: 'a.id', cast: 'uuid' },
        ],
        direction: 'DESC',
        keyOf: (a) => [a.date, a.id],
      },
      this.cursors,
    );
  }

  /** The participant rows of the activities, in one query (a join would break a page's LIMIT). */
  participantsOf(em: EntityManager, activityIds: string[]): Promise<ActivityParticipant[]> {
    return em.findBy(ActivityParticipant, { activityId: In(activityIds) });
  }

  /** Inserts the activity; its id and creation time come back on it. */
  insert(em: EntityManager, activity: Activity): Promise<Activity> {
    return em.save(activity);
  }

  async insertParticipants(em: EntityManager, rows: ActivityParticipant[]): Promise<void> {
    await em.insert(ActivityParticipant, rows);
  }

  findSite(em: EntityManager, siteId: string): Promise<Site | null> {
    return em.findOneBy(Site, { id: siteId });
  }

  /** Those of the organizations that are active. */
  async activeOrganizationIds(em: EntityManager, ids: string[]): Promise<Set<string>> {
    return new Set((await em.findBy(Organization, { id: In(ids), active: true })).map((o) => o.id));
  }
}
