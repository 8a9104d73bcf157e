// Issue 11 part A (aggregated reports), API.md "Reports": flows, referrals, shelter and the
// summary of one's own organization; counts of 1 … k−1 suppressed and not recoverable from the
// margins; CSV with the HXL row; analysts and managers only (caseworkers 403), analysts still 404
// on every case; every read audited as an aggregate read.
import { parse } from 'csv-parse/sync';
import { type Role, SitesService, systemActor } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const K = 5;
const clock = new FixedClock(new Date('2026-10-05T09:00:00Z'));
let t: TestApp;
let H: TestOrg; // the reporting organization: two offices and a shelter
let O: TestOrg; // another organization: receives H's referrals, has its own analyst
let shelter: string;
const u = {} as Record<'mgrH' | 'mgr2H' | 'cwH' | 'analystH' | 'auditorH' | 'adminH' | 'mgrO' | 'analystO', TestUser>;

type Row = Record<string, unknown>;

interface Person {
  nationality: string;
  sex: 'female' | 'male';
  birthYear?: number;
  site?: 0 | 1;
  reasons?: string[];
  vulnerabilities?: string[];
  destination?: string;
}
let seq = 0;
async function register(p: Person): Promise<string> {
  const res = await as(t, u.mgrH)
    .post('/api/v1/cases')
    .send({
      siteId: H.sites[p.site ?? 0].id,
      identity: { givenName: 'Awa', familyName: `Traoré ${++seq}`, sex: p.sex, nationality: p.nationality, ...(p.birthYear ? { birthYear: p.birthYear } : {}) },
      journey: { ...(p.reasons ? { reasonsForMigration: p.reasons } : {}), ...(p.destination ? { intendedDestination: p.destination } : {}) },
      ...(p.vulnerabilities ? { vulnerabilities: p.vulnerabilities } : {}),
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
  expect(res.status).toBe(201);
  return res.body.id;
}
const times = async (n: number, p: Person) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await register(p));
  return ids;
};

let oneCase: string;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  H = await makeOrg(t, { capabilities: ['information', 'health', 'shelter', 'return'], sites: [{}, {}] });
  O = await makeOrg(t, { capabilities: ['health', 'legal', 'shelter'] });
  shelter = (await t.app.get(SitesService).create(systemActor(), H.org.id, { name: 'Maison de test', kind: 'shelter', bedCapacity: 40, services: ['shelter'], location: { region: 'Gao', cercle: 'Gao' } })).id;
  const user = (o: TestOrg, roles: Role[]) => makeUser(t, o, roles);
  u.mgrH = await user(H, ['manager']);
  u.mgr2H = await user(H, ['manager']);
  u.cwH = await user(H, ['caseworker']);
  u.analystH = await user(H, ['analyst']);
  u.auditorH = await user(H, ['auditor']);
  u.adminH = await user(H, ['org_admin']);
  u.mgrO = await user(O, ['manager']);
  u.analystO = await user(O, ['analyst']);

  // October 2026 (25 cases)
  clock.set('2026-10-05T09:00:00Z');
  [oneCase] = await times(6, { nationality: 'GIN', sex: 'female', birthYear: 2000, reasons: ['economic'], destination: 'DZA' });
  await times(12, { nationality: 'GIN', sex: 'male', birthYear: 1995, reasons: ['economic', 'family'], destination: 'DZA', vulnerabilities: ['destitute'] });
  await times(6, { nationality: 'SEN', sex: 'male', birthYear: 2010, site: 1, vulnerabilities: ['unaccompanied_child'] });
  await times(1, { nationality: 'MLI', sex: 'female', site: 1 });
  // November 2026 (14 cases)
  clock.set('2026-11-10T09:00:00Z');
  await times(7, { nationality: 'GIN', sex: 'female', birthYear: 1960, reasons: ['conflict_insecurity'], destination: 'ESP' });
  await times(5, { nationality: 'SEN', sex: 'male', birthYear: 1990, reasons: ['economic'] });
  await times(2, { nationality: 'CIV', sex: 'male', birthYear: 2024 });
  clock.set('2026-11-23T08:00:00Z');
});
afterAll(() => t?.close());

const get = (who: TestUser, path: string, query: Record<string, string> = {}) => as(t, who).get(`/api/v1/reports/${path}`).query(query);
const PERIOD = { from: '2026-01-01', to: '2026-12-31' };

/** No published count — of a cell, a secondary count or a total — is 1 … k−1. */
function expectNoSmallCounts(body: { rows: Row[]; total: Row }) {
  for (const row of [...body.rows, body.total]) {
    for (const [key, value] of Object.entries(row)) {
      if (['count', 'extensionsRequested', 'extensionsApproved'].includes(key) && typeof value === 'number') expect(value === 0 || value >= K).toBe(true);
    }
    if (row.count === null) expect(row.suppressed).toBe(true);
  }
}

describe('GET /reports/flows (API.md)', () => {
  it('groups registrations by month and nationality; a count under 5 is null and suppressed, and so is its complement', async () => {
    const res = await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'month,nationality' }).expect(200);
    expect(res.body).toMatchObject({ k: 5, from: '2026-01-01', to: '2026-12-31', groupBy: ['month', 'nationality'] });
    // MLI (1) and CIV (2) are under 5. Alone in their month, each would be the month's total
    // (GET …?groupBy=month) minus the visible cells: the smallest other cell of the month goes too.
    expect(res.body.rows).toEqual([
      { month: '2026-10', nationality: 'GIN', count: 18 },
      { month: '2026-10', nationality: 'MLI', count: null, suppressed: true },
      { month: '2026-10', nationality: 'SEN', count: null, suppressed: true },
      { month: '2026-11', nationality: 'CIV', count: null, suppressed: true },
      { month: '2026-11', nationality: 'GIN', count: 7 },
      { month: '2026-11', nationality: 'SEN', count: null, suppressed: true },
    ]);
    expect(res.body.total).toEqual({ count: 39 });
    expectNoSmallCounts(res.body);
  });

  it('a sparse three-way table: what a coarser report would give away is suppressed too', async () => {
    const res = await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'month,nationality,sex' }).expect(200);
    expect(res.body.rows).toContainEqual({ month: '2026-10', nationality: 'MLI', sex: 'female', count: null, suppressed: true });
    expect(res.body.rows).toContainEqual({ month: '2026-11', nationality: 'CIV', sex: 'male', count: null, suppressed: true });
    expect(res.body.rows).toHaveLength(7);
    expectNoSmallCounts(res.body);
  });

  it('complementary suppression: the total minus the visible cells never gives one suppressed cell', async () => {
    const res = await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'nationality' }).expect(200);
    // CIV 2 + MLI 1 = 3 < 5 would read as "both small": SEN (8), the next smallest, goes too.
    expect(res.body.rows).toEqual([
      { nationality: 'CIV', count: null, suppressed: true },
      { nationality: 'GIN', count: 25 },
      { nationality: 'MLI', count: null, suppressed: true },
      { nationality: 'SEN', count: null, suppressed: true },
    ]);
    expect(res.body.total).toEqual({ count: 39 });
  });

  it('for every grouping, against the true counts: no count under 5, no suppressed cell recoverable from the total or a coarser report', async () => {
    const groupings = ['month', 'nationality', 'sex', 'site', 'ageGroup', 'month,sex', 'month,nationality', 'nationality,sex', 'site,sex', 'month,nationality,sex', 'ageGroup,sex', 'site,nationality,month'];
    const sqlOf: Record<string, string> = {
      month: `to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM')`,
      nationality: 'nationality',
      sex: 'sex',
      site: 'site_id::text',
      ageGroup: `CASE WHEN birth_year IS NULL THEN 'unknown' WHEN 2026 - birth_year <= 4 THEN '0-4' WHEN 2026 - birth_year <= 11 THEN '5-11' WHEN 2026 - birth_year <= 17 THEN '12-17' WHEN 2026 - birth_year <= 24 THEN '18-24' WHEN 2026 - birth_year <= 59 THEN '25-59' ELSE '60+' END`,
    };
    for (const g of groupings) {
      const dims = g.split(',');
      const body = (await get(u.analystH, 'flows', { ...PERIOD, groupBy: g }).expect(200)).body as { rows: Row[]; total: Row };
      expectNoSmallCounts(body);
      const truth = await t.db.rows<Record<string, string | number>>(
        `SELECT ${dims.map((d, i) => `${sqlOf[d]} AS d${i}`).join(', ')}, count(*)::int AS n FROM cases WHERE owning_organization_id = $1 GROUP BY ${dims.map((_, i) => i + 1).join(', ')}`,
        [H.org.id],
      );
      const key = (vals: unknown[]) => JSON.stringify(vals);
      const trueCount = new Map(truth.map((r) => [key(dims.map((_, i) => r[`d${i}`])), r.n as number]));
      expect(body.rows).toHaveLength(truth.length);
      const cells = body.rows.map((r) => ({ key: dims.map((d) => r[d]), n: trueCount.get(key(dims.map((d) => r[d])))!, hidden: r.count === null }));
      for (const c of cells) if (!c.hidden) expect(body.rows.find((r) => key(dims.map((d) => r[d])) === key(c.key))!.count).toBe(c.n);
      // Margins: the total, and each coarser report's cells (one dimension fewer).
      const groups: (typeof cells)[] = [cells];
      for (let d = 0; dims.length > 1 && d < dims.length; d++) {
        const byRest = new Map<string, typeof cells>();
        for (const c of cells) byRest.set(key(c.key.filter((_, i) => i !== d)), [...(byRest.get(key(c.key.filter((_, i) => i !== d))) ?? []), c]);
        groups.push(...byRest.values());
      }
      for (const group of groups) {
        const hidden = group.filter((c) => c.hidden);
        const margin = group.reduce((s, c) => s + c.n, 0);
        if (!hidden.length || margin < K || group.length === 1) continue;
        // margin − visible = the hidden cells' sum: it spreads over ≥ 2 of them and reaches k.
        expect({ g, hidden: hidden.length }).toEqual({ g, hidden: expect.any(Number) });
        expect(hidden.length).toBeGreaterThanOrEqual(2);
        expect(hidden.reduce((s, c) => s + c.n, 0)).toBeGreaterThanOrEqual(K);
      }
    }
  });

  it('ageGroup from the birth year at registration (children told apart), unknown without one', async () => {
    const res = await get(u.mgrH, 'flows', { ...PERIOD, groupBy: 'ageGroup' }).expect(200);
    const byGroup = Object.fromEntries(res.body.rows.map((r: Row) => [r.ageGroup, r.count]));
    // 2000→26, 1995→31, 1990→36: 25-59 (6 + 12 + 5 = 23); 2010→16 (6); 1960→66 (7); 2024→2 (2); none (1).
    // 0-4 and unknown add up to 3: the smallest other group (12-17) is suppressed with them.
    expect(byGroup).toEqual({ '0-4': null, '12-17': null, '25-59': 23, '60+': 7, unknown: null });
  });

  it('multi-valued dimensions count each case once per value; the total counts cases', async () => {
    const reasons = await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'reasonsForMigration' }).expect(200);
    const r = Object.fromEntries(reasons.body.rows.map((x: Row) => [x.reasonsForMigration, x.count]));
    expect(r).toEqual({ economic: 23, family: 12, conflict_insecurity: 7, unknown: 9 });
    expect(reasons.body.total).toEqual({ count: 39 });
    const vuln = await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'vulnerability' }).expect(200);
    expect(Object.fromEntries(vuln.body.rows.map((x: Row) => [x.vulnerability, x.count]))).toEqual({ destitute: 12, none: 21, unaccompanied_child: 6 });
    const dest = await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'intendedDestination' }).expect(200);
    expect(Object.fromEntries(dest.body.rows.map((x: Row) => [x.intendedDestination, x.count]))).toEqual({ DZA: 18, ESP: 7, unknown: 14 });
  });

  it('weeks are ISO weeks (2026-W41); sites carry their name and cercle P-code', async () => {
    const weeks = await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'week' }).expect(200);
    expect(weeks.body.rows).toEqual([
      { week: '2026-W41', count: 25 },
      { week: '2026-W46', count: 14 },
    ]);
    const sites = await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'site' }).expect(200);
    expect(sites.body.rows).toEqual([
      { site: H.sites[0].id, siteName: H.sites[0].name, siteAdm2Pcode: 'ML0703', count: 32 },
      { site: H.sites[1].id, siteName: H.sites[1].name, siteAdm2Pcode: 'ML0703', count: 7 },
    ].sort((a, b) => (a.site < b.site ? -1 : 1)));
  });

  it('defaults to the last 12 months by month; the period bounds whole UTC days', async () => {
    const res = await get(u.analystH, 'flows').expect(200);
    expect(res.body).toMatchObject({ from: '2025-11-24', to: '2026-11-23', groupBy: ['month'] });
    expect(res.body.rows).toEqual([
      { month: '2026-10', count: 25 },
      { month: '2026-11', count: 14 },
    ]);
    const oct = await get(u.analystH, 'flows', { from: '2026-10-05', to: '2026-10-05' }).expect(200);
    expect(oct.body.total).toEqual({ count: 25 });
    const none = await get(u.analystH, 'flows', { from: '2026-10-06', to: '2026-11-09' }).expect(200);
    expect(none.body).toMatchObject({ rows: [], total: { count: 0 } });
  });

  it('only the organization’s own cases: another organization’s analyst counts none of them', async () => {
    const res = await get(u.analystO, 'flows', PERIOD).expect(200);
    expect(res.body).toMatchObject({ rows: [], total: { count: 0 } });
  });

  it('gives the same numbers after the personal data are wiped (reports read only what anonymization keeps)', async () => {
    const groupings = ['month,nationality,sex', 'ageGroup', 'reasonsForMigration', 'vulnerability,site', 'intendedDestination'];
    const before = await Promise.all(groupings.map((g) => get(u.analystH, 'flows', { ...PERIOD, groupBy: g }).then((r) => r.body)));
    const snapshot = await t.db.rows('SELECT id, given_name, family_name, other_names, date_of_birth, languages, contact, documents, household, journey FROM cases WHERE owning_organization_id = $1', [H.org.id]);
    await t.db.rows(
      `UPDATE cases SET given_name = 'x', family_name = 'x', other_names = '{}', date_of_birth = NULL, languages = '{}', contact = '{}', documents = '[]', household = '{}',
         journey = jsonb_strip_nulls(jsonb_build_object('reasonsForMigration', journey -> 'reasonsForMigration', 'intendedDestination', journey -> 'intendedDestination'))
       WHERE owning_organization_id = $1`,
      [H.org.id],
    );
    try {
      const after = await Promise.all(groupings.map((g) => get(u.analystH, 'flows', { ...PERIOD, groupBy: g }).then((r) => r.body)));
      expect(after).toEqual(before);
    } finally {
      for (const c of snapshot as Record<string, unknown>[]) {
        await t.db.rows(
          `UPDATE cases SET given_name = $2, family_name = $3, other_names = $4, date_of_birth = $5, languages = $6, contact = $7, documents = $8, household = $9, journey = $10 WHERE id = $1`,
          [c.id, c.given_name, c.family_name, c.other_names, c.date_of_birth, c.languages, JSON.stringify(c.contact), JSON.stringify(c.documents), JSON.stringify(c.household), JSON.stringify(c.journey)],
        );
      }
    }
  });

  it.each([
    [{ groupBy: 'month,religion' }, 'groupBy', /unknown dimension.*religion/],
    [{ groupBy: 'month,month' }, 'groupBy', /twice/],
    [{ groupBy: 'month,sex,nationality,site' }, 'groupBy', /at most 3/],
    [{ groupBy: 'month;drop table cases' }, 'groupBy', /dimension names/],
    [{ from: '2026-12-01', to: '2026-01-01' }, 'from', /not be after/],
    [{ from: '2020-01-01', to: '2026-01-01' }, 'to', /at most/],
    [{ from: '2026-02-30' }, 'from', /real date/],
    [{ to: 'yesterday' }, 'to', /real date/],
  ])('400 VALIDATION_FAILED for %j', async (query, field, message) => {
    const body = expectProblem(await get(u.analystH, 'flows', query as Record<string, string>), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
  });

  it('400 for an unknown parameter', async () => {
    expectProblem(await get(u.analystH, 'flows', { orgId: O.org.id }), 400, 'VALIDATION_FAILED');
  });
});

describe('who reads reports (DESIGN §1; acceptance 2)', () => {
  it('analysts and managers of the organization: 200; caseworkers, auditors, org admins: 403; anonymous: 401', async () => {
    for (const path of ['flows', 'flows.csv', 'referrals', 'referrals.csv', 'shelter', 'shelter.csv', 'summary']) {
      expect((await get(u.analystH, path)).status).toBe(200);
      expect((await get(u.mgrH, path)).status).toBe(200);
      for (const who of [u.cwH, u.auditorH, u.adminH]) expectProblem(await get(who, path), 403, 'FORBIDDEN');
      expectProblem(await t.http.get(`/api/v1/reports/${path}`), 401, 'UNAUTHENTICATED');
    }
  });

  it('an analyst who reads the reports still gets 404 on every case, and no case list', async () => {
    expectProblem(await as(t, u.analystH).get(`/api/v1/cases/${oneCase}`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.analystH).get(`/api/v1/cases/${oneCase}/timeline`), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.analystH).get('/api/v1/cases'), 403, 'FORBIDDEN');
  });

  it('every read is audited as report.viewed with the report and its parameters, nothing personal', async () => {
    await get(u.analystH, 'flows', { ...PERIOD, groupBy: 'month,sex' }).expect(200);
    const e = await t.db.row<{ entity_type: string; entity_id: string; organization_id: string; actor_user_id: string; details: Record<string, unknown> }>(
      `SELECT entity_type, entity_id, organization_id, actor_user_id, details FROM audit_events WHERE action = 'report.viewed' ORDER BY seq DESC LIMIT 1`,
    );
    expect(e).toEqual({
      entity_type: 'Report',
      entity_id: 'flows',
      organization_id: H.org.id,
      actor_user_id: u.analystH.user.id,
      details: { report: 'flows', parameters: { from: '2026-01-01', to: '2026-12-31', groupBy: 'month,sex' } },
    });
  });
});

describe('CSV with the HXL row (acceptance 4)', () => {
  it('flows.csv parses with a CSV library: header, HXL hashtags, then the cells, suppressed ones empty', async () => {
    const res = await get(u.analystH, 'flows.csv', { ...PERIOD, groupBy: 'month,nationality' }).buffer(true).parse((r, cb) => {
      let data = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (data += c));
      r.on('end', () => cb(null, data));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="flows_2026-01-01_2026-12-31.csv"');
    const [header, hxl, ...rows] = parse(res.body as string) as string[][];
    expect(header).toEqual(['from', 'to', 'month', 'nationality', 'registrations', 'suppressed']);
    expect(hxl).toEqual(['#date+start', '#date+end', '#date', '#country+code', '#affected+migrants+ind', '#meta+suppressed']);
    expect(hxl.every((tag) => /^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/.test(tag))).toBe(true);
    expect(rows).toHaveLength(6);
    expect(rows).toContainEqual(['2026-01-01', '2026-12-31', '2026-10', 'GIN', '18', 'false']);
    expect(rows).toContainEqual(['2026-01-01', '2026-12-31', '2026-10', 'MLI', '', 'true']);
    for (const r of rows) expect(r[4] === '' || Number(r[4]) >= K).toBe(true);
    const sexes = parse((await get(u.analystH, 'flows.csv', { ...PERIOD, groupBy: 'sex,ageGroup' }).buffer(true).parse((r, cb) => {
      let data = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (data += c));
      r.on('end', () => cb(null, data));
    })).body as string) as string[][];
    expect(sexes[1]).toEqual(['#date+start', '#date+end', '#gender', '#age+range', '#affected+migrants+ind', '#meta+suppressed']);
  });

  const text = (req: ReturnType<typeof get>) =>
    req.buffer(true).parse((r, cb) => {
      let data = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (data += c));
      r.on('end', () => cb(null, data));
    });

  it('referrals.csv and shelter.csv carry their own HXL rows; site and organization names included', async () => {
    const ref = parse((await text(get(u.analystH, 'referrals.csv', PERIOD)).expect(200)).body as string) as string[][];
    expect(ref[0]).toEqual(['from', 'to', 'service_type', 'receiving_org_id', 'org_code', 'org_name', 'referrals', 'suppressed', 'acceptance_rate', 'median_hours_to_answer', 'p90_hours_to_answer', 'overdue_share']);
    expect(ref[1].every((tag) => tag.startsWith('#'))).toBe(true);
    expect(ref[1]).toContain('#org+name');
    const occ = parse((await text(get(u.analystH, 'shelter.csv', PERIOD)).expect(200)).body as string) as string[][];
    expect(occ[0]).toEqual(['from', 'to', 'site_id', 'site_name', 'site_adm2_pcode', 'date', 'occupied', 'suppressed']);
    expect(occ[1]).toEqual(['#date+start', '#date+end', '#loc+code', '#loc+name', '#adm2+code', '#date', '#affected+migrants+ind', '#meta+suppressed']);
    const stays = parse((await text(get(u.analystH, 'shelter.csv', { ...PERIOD, table: 'stays' })).expect(200)).body as string) as string[][];
    expect(stays[0]).toContain('average_length_of_stay_days');
    expect(stays[1]).toContain('#indicator+days+mean');
    expectProblem(await get(u.analystH, 'shelter.csv', { table: 'people' }), 400, 'VALIDATION_FAILED');
  });
});

describe('GET /reports/referrals, /reports/shelter, /reports/summary', () => {
  /** n referrals of fresh H cases to O for `serviceType`, answered `answer` after `hours`. */
  async function refer(n: number, serviceType: string, answer: 'accept' | 'decline' | null, hours: number) {
    for (let i = 0; i < n; i++) {
      const id = await register({ nationality: 'GIN', sex: 'male' });
      await as(t, u.mgrH).post(`/api/v1/cases/${id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed' }).expect(201);
      const r = await as(t, u.mgrH).post(`/api/v1/cases/${id}/referrals`).send({ toOrganizationId: O.org.id, serviceType, urgency: 'normal', reason: 'needs care' }).expect(201);
      if (answer) {
        clock.advance(hours * 3_600_000);
        await as(t, u.mgrO).post(`/api/v1/referrals/${r.body.id}/${answer}`).send(answer === 'decline' ? { reason: 'full' } : {}).expect(200);
        clock.advance(-hours * 3_600_000);
      }
    }
  }

  beforeAll(async () => {
    clock.set('2026-11-15T08:00:00Z');
    await refer(4, 'health', 'accept', 2); // answered 4 < 5: no rate, no median
    await refer(1, 'health', 'decline', 10);
    await refer(2, 'health', null, 0); // still pending, due on the 18th: overdue by now (the 23rd)
    await refer(3, 'legal', 'accept', 100); // late answers (respondBy 72 h)
    await refer(6, 'shelter', 'decline', 1);
    clock.set('2026-11-23T08:00:00Z');
  });

  it('outgoing by service type and receiving organization: counts, acceptance rate, median and p90 hours, overdue share', async () => {
    const res = await get(u.analystH, 'referrals', PERIOD).expect(200);
    expect(res.body.groupBy).toEqual(['serviceType', 'organization']);
    expect(res.body.rows).toEqual([
      {
        serviceType: 'health',
        organization: O.org.id,
        organizationCode: O.org.code,
        organizationName: O.org.name,
        count: 7,
        // 5 answered (4 accepted, 1 declined); hours 2, 2, 2, 2, 10; 7 due, 2 of them late (the pending ones).
        acceptanceRate: 0.8,
        medianHoursToAnswer: 2,
        p90HoursToAnswer: 6.8,
        overdueShare: 0.286,
      },
      // Under 5: suppressed with its statistics; the smallest other cell (shelter, 6) with it, else 16 − 7 − 6 = 3.
      { serviceType: 'legal', organization: O.org.id, organizationCode: O.org.code, organizationName: O.org.name, count: null, suppressed: true, acceptanceRate: null, medianHoursToAnswer: null, p90HoursToAnswer: null, overdueShare: null },
      { serviceType: 'shelter', organization: O.org.id, organizationCode: O.org.code, organizationName: O.org.name, count: null, suppressed: true, acceptanceRate: null, medianHoursToAnswer: null, p90HoursToAnswer: null, overdueShare: null },
    ]);
    // The total: 16 referrals; 14 answered (7 accepted; hours 1 ×6, 2 ×4, 10, 100 ×3); 16 due, 5 late.
    expect(res.body.total).toEqual({ count: 16, acceptanceRate: 0.5, medianHoursToAnswer: 2, p90HoursToAnswer: 100, overdueShare: 0.313 });
  });

  it('incoming: the receiving organization sees them by sending organization', async () => {
    const res = await get(u.analystO, 'referrals', { ...PERIOD, direction: 'incoming', groupBy: 'organization' }).expect(200);
    expect(res.body.rows).toEqual([expect.objectContaining({ organization: H.org.id, organizationCode: H.org.code, count: 16 })]);
    expect((await get(u.analystH, 'referrals', { ...PERIOD, direction: 'incoming' }).expect(200)).body.rows).toEqual([]);
    expectProblem(await get(u.analystH, 'referrals', { direction: 'sideways' }), 400, 'VALIDATION_FAILED');
  });

  it('shelter: occupancy per shelter per day (5 or more), stays with their average length and extensions', async () => {
    clock.set('2026-11-16T10:00:00Z');
    const stays: string[] = [];
    for (let i = 0; i < 6; i++) stays.push((await as(t, u.mgrH).post('/api/v1/stays').send({ caseId: await register({ nationality: 'GIN', sex: 'male' }), siteId: shelter }).expect(201)).body.id);
    clock.set('2026-11-17T10:00:00Z');
    for (const id of stays.slice(0, 5)) {
      const x = await as(t, u.mgrH).post(`/api/v1/stays/${id}/extensions`).send({ days: 2, reason: 'awaiting convoy' }).expect(201);
      await as(t, u.mgr2H).post(`/api/v1/stays/${id}/extensions/${x.body.id}/approve`).send({}).expect(200);
    }
    clock.set('2026-11-19T10:00:00Z');
    await as(t, u.mgrH).post(`/api/v1/stays/${stays[0]}/check-out`).send({}).expect(200);
    clock.set('2026-11-23T08:00:00Z');
    const res = await get(u.analystH, 'shelter', { from: '2026-11-15', to: '2026-11-30' }).expect(200);
    const occupancy = Object.fromEntries(res.body.occupancy.rows.map((r: Row) => [r.date, r.count]));
    // 6 housed from the 16th to the 19th, 5 from the 20th to now (the 23rd); none before, none in the future.
    expect(occupancy).toEqual({ '2026-11-16': 6, '2026-11-17': 6, '2026-11-18': 6, '2026-11-19': 6, '2026-11-20': 5, '2026-11-21': 5, '2026-11-22': 5, '2026-11-23': 5 });
    expect(res.body.occupancy.rows[0]).toMatchObject({ site: shelter, siteName: 'Maison de test', siteAdm2Pcode: 'ML0703' });
    expect(res.body.occupancy.total).toEqual({ count: 44 });
    // One stay ended (3 days): too few for an average; 5 extensions requested and approved.
    expect(res.body.stays.rows).toEqual([{ site: shelter, siteName: 'Maison de test', siteAdm2Pcode: 'ML0703', count: 6, averageLengthOfStayDays: null, extensionsRequested: 5, extensionsApproved: 5 }]);
    expectNoSmallCounts(res.body.occupancy);
    expectNoSmallCounts(res.body.stays);
    expectProblem(await get(u.analystH, 'shelter', { from: '2025-01-01', to: '2026-11-30' }), 400, 'VALIDATION_FAILED');
  });

  it('summary: a manager’s exact operational numbers; an analyst’s with counts under 5 suppressed', async () => {
    const m = await get(u.mgrH, 'summary').expect(200);
    expect(m.body.k).toBeUndefined();
    // 39 + 16 + 6 cases; 2 pending referrals out, both overdue; 5 housed; 40 − 5 beds free.
    expect(m.body.metrics).toEqual({
      openCases: { count: 61 },
      pendingReferralsIncoming: { count: 0 },
      pendingReferralsOutgoing: { count: 2 },
      overdueReferralsIncoming: { count: 0 },
      overdueReferralsOutgoing: { count: 2 },
      activeStays: { count: 5 },
      overdueStays: { count: 0 },
      returnsInProgress: { count: 0 },
      freeBeds: { count: 35 },
    });
    const a = await get(u.analystH, 'summary').expect(200);
    expect(a.body.k).toBe(5);
    expect(a.body.metrics).toMatchObject({
      openCases: { count: 61 },
      pendingReferralsOutgoing: { count: null, suppressed: true },
      overdueReferralsOutgoing: { count: null, suppressed: true },
      activeStays: { count: 5 },
      freeBeds: { count: 35 },
    });
    const o = await get(u.analystO, 'summary').expect(200);
    expect(o.body.metrics).toMatchObject({ openCases: { count: 0 }, pendingReferralsIncoming: { count: null, suppressed: true }, freeBeds: { count: 0 } });
  });
});
