// Issue 6 (group activities) on real PostgreSQL: "not in the future" is the server's clock (Mali is
// on UTC), a write that fails leaves neither the activity nor its audit event, and the schema itself
// refuses what the API refuses, so reports can trust the counts they add up in SQL.
import { randomUUID } from 'node:crypto';
import type { Actor } from '@passerelle/common';
import { ActivitiesService, type RecordActivityInput, userActor } from '@passerelle/core';
import { FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { makeOrg, makeUser, type TestOrg } from '../support/factories.js';

const clock = new FixedClock(new Date('2026-06-01T23:30:00Z'));
let t: TestApp;
let A: TestOrg;
let cw: Actor;
let activities: ActivitiesService;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000' } });
  A = await makeOrg(t, { sites: [{}] });
  const u = await makeUser(t, A, ['caseworker']);
  cw = userActor({ userId: u.user.id, organizationId: A.org.id, organizationCode: A.org.code, roles: ['caseworker'], siteIds: u.user.siteIds, capabilities: A.org.capabilities });
  activities = t.app.get(ActivitiesService);
});
afterAll(() => t?.close());

const input = (extra: Partial<RecordActivityInput> = {}): RecordActivityInput => ({
  siteId: A.sites[0].id,
  date: '2026-06-01',
  type: 'listening_session',
  topic: 'Listening session at the reception centre',
  participants: [
    { sex: 'female', ageGroup: '18-59', count: 7 },
    { sex: 'male', ageGroup: '18-59', count: 9 },
  ],
  ...extra,
});
const rows = async (sql: string, params: unknown[] = []) => t.db.rows(sql, params);

describe('ActivitiesService.record', () => {
  it("refuses a date after the clock's UTC day, however far in the past that day is", async () => {
    await expect(activities.record(cw, input({ date: '2026-06-02' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'date', message: 'must not be in the future' }] });
    const recorded = await activities.record(cw, input({ date: '2026-06-01' }));
    expect(recorded).toMatchObject({ date: '2026-06-01', owningOrganizationId: A.org.id, createdBy: cw.userId });
  });

  it('a write the database refuses leaves neither the activity, its counts, nor its audit event (one transaction)', async () => {
    const topic = `Refused ${randomUUID()}`;
    // Past the DTO (as the worker or a future caller could be): the CHECK is the last line.
    await expect(activities.record(cw, input({ topic, participants: [{ sex: 'female', ageGroup: '0-17', count: 3 }, { sex: 'male', ageGroup: '0-17', count: -1 }] }))).rejects.toThrow(
      /activity_participants_count_check/,
    );
    expect(await rows('SELECT id FROM activities WHERE topic = $1', [topic])).toEqual([]);
    expect(await rows("SELECT 1 FROM audit_events WHERE action = 'activity.recorded' AND changes->'topic'->>'new' = $1", [topic])).toEqual([]);
  });
});

describe('the schema refuses what the API refuses', () => {
  let id: string;
  beforeAll(async () => {
    id = (await activities.record(cw, input())).id;
  });

  it.each([
    ['a (sex, age group) pair twice', `INSERT INTO activity_participants (activity_id, owning_organization_id, sex, age_group, count) VALUES ($1, $2, 'female', '18-59', 1)`, /activity_participants_pkey/],
    ['a negative count', `INSERT INTO activity_participants (activity_id, owning_organization_id, sex, age_group, count) VALUES ($1, $2, 'other', '60+', -1)`, /activity_participants_count_check/],
    ['an unknown age group', `INSERT INTO activity_participants (activity_id, owning_organization_id, sex, age_group, count) VALUES ($1, $2, 'other', '65+', 1)`, /activity_participants_age_group_check/],
    ['an unknown sex', `INSERT INTO activity_participants (activity_id, owning_organization_id, sex, age_group, count) VALUES ($1, $2, 'f', '60+', 1)`, /activity_participants_sex_check/],
    ['an unknown type', `UPDATE activities SET type = 'party' WHERE id = $1 AND owning_organization_id = $2`, /activities_type_check/],
    ['no facilitating organization', `UPDATE activities SET facilitating_organization_ids = '{}' WHERE id = $1 AND owning_organization_id = $2`, /activities_facilitators_check/],
    ['an empty topic', `UPDATE activities SET topic = '' WHERE id = $1 AND owning_organization_id = $2`, /activities_topic_check/],
  ])('%s', async (_, sql, constraint) => {
    await expect(rows(sql, [id, A.org.id])).rejects.toThrow(constraint);
  });
});
