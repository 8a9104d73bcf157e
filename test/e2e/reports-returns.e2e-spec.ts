// Issue 11 (aggregated reports), README "Reports": returns and reintegration of one's own
// organization, and returnsInProgress on the summary. Rows are inserted in SQL (consistent with the
// CHECK constraints of migrations 1796200000000 and 1796320000000) on cases registered through the
// API, so the exact numbers are known; counts of 1 … k−1 suppressed with their complements; CSV
// with the HXL row; analysts and managers only.
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import type { Role } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const K = 5;
const clock = new FixedClock(new Date('2026-10-01T09:00:00Z'));
let t: TestApp;
let H: TestOrg;
let O: TestOrg;
let demoScheme: string;
const u = {} as Record<'mgrH' | 'cwH' | 'analystH' | 'analystO', TestUser>;
type Row = Record<string, unknown>;

const DAY = 86_400_000;
const REGISTERED = new Date('2026-10-01T09:00:00Z');
const CREATED = new Date('2026-10-05T09:00:00Z');
let seq = 0;

async function register(): Promise<string> {
  const res = await as(t, u.mgrH)
    .post('/api/v1/cases')
    .send({
      siteId: H.sites[0].id,
      identity: { givenName: 'Moussa', familyName: `Keita ${++seq}`, sex: 'male', nationality: 'GIN' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function insertReturn(caseId: string, r: { status: string; country: string; mode: 'road' | 'air'; days?: number }) {
  const departed = r.days === undefined ? null : new Date(REGISTERED.getTime() + r.days * DAY);
  await t.app.get(DataSource).query(
    `INSERT INTO returns (case_id, owning_organization_id, status, destination_country, destination_locality, mode, submitted_at, departed_at, arrived_at, arrival_confirmed_by, created_at)
     VALUES ($1, $2, $3, $4, 'Conakry', $5, $6, $7, $8, $9, $10)`,
    [
      caseId,
      H.org.id,
      r.status,
      r.country,
      r.mode,
      r.status === 'draft' ? null : CREATED,
      departed,
      r.status === 'arrived' ? new Date(departed!.getTime() + DAY) : null,
      r.status === 'arrived' ? 'phone call' : null,
      CREATED,
    ],
  );
}

interface Scores {
  economic: number | null;
  social: number | null;
  psychosocial: number | null;
  composite: number | null;
}
async function insertPlan(caseId: string, p: { status: string; budget: number; delivered?: number; visits?: { date: string; scores: Scores }[] }) {
  const ds = t.app.get(DataSource);
  const [{ id }] = (await ds.query(
    `INSERT INTO reintegration_plans (case_id, owning_organization_id, status, total_budget_xof, submitted_at, rejected_at, rejection_reason, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [caseId, H.org.id, p.status, p.budget, p.status === 'draft' ? null : CREATED, p.status === 'rejected' ? CREATED : null, p.status === 'rejected' ? 'not eligible' : null, CREATED],
  )) as { id: string }[];
  const item = (budget: number, status: 'planned' | 'delivered') =>
    ds.query(
      `INSERT INTO reintegration_items (plan_id, case_id, owning_organization_id, dimension, type, description, budget_xof, status, delivered_on)
       VALUES ($1, $2, $3, 'economic', 'petty_trade', 'stock', $4, $5, $6)`,
      [id, caseId, H.org.id, budget, status, status === 'delivered' ? '2026-10-10' : null],
    );
  if (p.delivered) await item(p.delivered, 'delivered');
  await item(20_000, 'planned'); // planned, not delivered: in no delivered sum
  for (const v of p.visits ?? []) {
    await ds.query(
      `INSERT INTO reintegration_visits (plan_id, case_id, owning_organization_id, visit_date, visit_type, visited_by, answers, scheme_id, scores, economic_score, social_score, psychosocial_score, composite_score)
       VALUES ($1, $2, $3, $4, 'follow_up', 'field officer', '{}', $5, '{}', $6, $7, $8, $9)`,
      [id, caseId, H.org.id, v.date, demoScheme, v.scores.economic, v.scores.social, v.scores.psychosocial, v.scores.composite],
    );
  }
}

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  H = await makeOrg(t, { capabilities: ['information', 'return'] });
  O = await makeOrg(t, { capabilities: ['health'] });
  const user = (o: TestOrg, roles: Role[]) => makeUser(t, o, roles);
  u.mgrH = await user(H, ['manager']);
  u.cwH = await user(H, ['caseworker']);
  u.analystH = await user(H, ['analyst']);
  u.analystO = await user(O, ['analyst']);
  [{ id: demoScheme }] = (await t.app.get(DataSource).query(`SELECT id FROM scoring_schemes WHERE name = 'rss-structure-demo'`)) as { id: string }[];

  clock.set(REGISTERED.toISOString());
  const cases: string[] = [];
  for (let i = 0; i < 16; i++) cases.push(await register());
  clock.set('2026-11-23T08:00:00Z');

  // Returns: 6 departed to GIN by road (10, 10, 10, 20, 20, 20 days after registration), 5 drafts
  // to SEN, 3 arrived in SEN by air (30 days), 2 submitted to CIV.
  for (const [i, c] of cases.entries()) {
    if (i < 6) await insertReturn(c, { status: 'departed', country: 'GIN', mode: 'road', days: i < 3 ? 10 : 20 });
    else if (i < 11) await insertReturn(c, { status: 'draft', country: 'SEN', mode: 'road' });
    else if (i < 14) await insertReturn(c, { status: 'arrived', country: 'SEN', mode: 'air', days: 30 });
    else await insertReturn(c, { status: 'submitted', country: 'CIV', mode: 'road' });
  }

  // Plans: 6 in progress (100 000 each, 50 000 delivered; 5 visited twice, the latest scored
  // 0.5/0.6/0.7/0.6 after a baseline of 0.1), 5 drafts (80 000; 2 visited: 0.8/0.6/0.7/—),
  // 3 rejected (10 000), 2 completed (50 000, 50 000 delivered).
  const low: Scores = { economic: 0.1, social: 0.1, psychosocial: 0.1, composite: 0.1 };
  for (const [i, c] of cases.entries()) {
    if (i < 6) {
      const visits = i < 5 ? [{ date: '2026-10-06', scores: low }, { date: '2026-10-20', scores: { economic: 0.5, social: 0.6, psychosocial: 0.7, composite: 0.6 } }] : [];
      await insertPlan(c, { status: 'in_progress', budget: 100_000, delivered: 50_000, visits });
    } else if (i < 11) {
      await insertPlan(c, { status: 'draft', budget: 80_000, visits: i < 8 ? [{ date: '2026-10-07', scores: { economic: 0.8, social: 0.6, psychosocial: 0.7, composite: null } }] : [] });
    } else if (i < 14) await insertPlan(c, { status: 'rejected', budget: 10_000 });
    else await insertPlan(c, { status: 'completed', budget: 50_000, delivered: 50_000 });
  }
});
afterAll(() => t?.close());

const get = (who: TestUser, path: string, query: Record<string, string> = {}) => as(t, who).get(`/api/v1/reports/${path}`).query(query);
const text = (req: ReturnType<typeof get>) =>
  req.buffer(true).parse((r, cb) => {
    let data = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (data += c));
    r.on('end', () => cb(null, data));
  });
const PERIOD = { from: '2026-01-01', to: '2026-12-31' };

function expectNoSmallCounts(body: { rows: Row[]; total: Row }) {
  for (const row of [...body.rows, body.total]) {
    if (typeof row.count === 'number') expect(row.count === 0 || row.count >= K).toBe(true);
    if (row.count === null) expect(row.suppressed).toBe(true);
  }
}

describe('GET /reports/returns', () => {
  it('by status and destination country (default): small cells and their complement suppressed, median days to departure', async () => {
    const res = await get(u.analystH, 'returns', PERIOD).expect(200);
    expect(res.body).toMatchObject({ k: 5, from: '2026-01-01', to: '2026-12-31', groupBy: ['status', 'destinationCountry'] });
    // arrived/SEN 3 and submitted/CIV 2 are under 5; draft/SEN (5) goes too, else SEN's margin (8) − 5 = 3.
    expect(res.body.rows).toEqual([
      { status: 'arrived', destinationCountry: 'SEN', count: null, suppressed: true, medianDaysRegistrationToDeparture: null },
      { status: 'departed', destinationCountry: 'GIN', count: 6, medianDaysRegistrationToDeparture: 15 },
      { status: 'draft', destinationCountry: 'SEN', count: null, suppressed: true, medianDaysRegistrationToDeparture: null },
      { status: 'submitted', destinationCountry: 'CIV', count: null, suppressed: true, medianDaysRegistrationToDeparture: null },
    ]);
    // 9 departures: 10 ×3, 20 ×3, 30 ×3.
    expect(res.body.total).toEqual({ count: 16, medianDaysRegistrationToDeparture: 20 });
    expectNoSmallCounts(res.body);
  });

  it('a visible cell with fewer than 5 departures has no median', async () => {
    const res = await get(u.analystH, 'returns', { ...PERIOD, groupBy: 'destinationCountry' }).expect(200);
    expect(res.body.rows).toEqual([
      { destinationCountry: 'CIV', count: null, suppressed: true, medianDaysRegistrationToDeparture: null },
      { destinationCountry: 'GIN', count: null, suppressed: true, medianDaysRegistrationToDeparture: null },
      { destinationCountry: 'SEN', count: 8, medianDaysRegistrationToDeparture: null },
    ]);
    const byMonth = await get(u.mgrH, 'returns', { ...PERIOD, groupBy: 'month,mode' }).expect(200);
    expect(byMonth.body.rows).toEqual([
      { month: '2026-10', mode: 'air', count: null, suppressed: true, medianDaysRegistrationToDeparture: null },
      { month: '2026-10', mode: 'road', count: null, suppressed: true, medianDaysRegistrationToDeparture: null },
    ]);
    expectNoSmallCounts(byMonth.body);
    expectProblem(await get(u.analystH, 'returns', { groupBy: 'nationality' }), 400, 'VALIDATION_FAILED');
  });

  it('another organization sees none of them; a caseworker is refused', async () => {
    expect((await get(u.analystO, 'returns', PERIOD).expect(200)).body).toMatchObject({ rows: [], total: { count: 0, medianDaysRegistrationToDeparture: null } });
    expectProblem(await get(u.cwH, 'returns', PERIOD), 403, 'FORBIDDEN');
    expectProblem(await get(u.cwH, 'returns.csv', PERIOD), 403, 'FORBIDDEN');
  });

  it('returns.csv: header, HXL row, one row per cell, suppressed counts empty', async () => {
    const res = await text(get(u.analystH, 'returns.csv', PERIOD)).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="returns_2026-01-01_2026-12-31.csv"');
    const [header, hxl, ...rows] = parse(res.body as string) as string[][];
    expect(header).toEqual(['from', 'to', 'status', 'destination_country', 'returns', 'suppressed', 'median_days_registration_to_departure']);
    expect(hxl.every((tag) => /^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/.test(tag))).toBe(true);
    expect(rows).toEqual([
      ['2026-01-01', '2026-12-31', 'arrived', 'SEN', '', 'true', ''],
      ['2026-01-01', '2026-12-31', 'departed', 'GIN', '6', 'false', '15'],
      ['2026-01-01', '2026-12-31', 'draft', 'SEN', '', 'true', ''],
      ['2026-01-01', '2026-12-31', 'submitted', 'CIV', '', 'true', ''],
    ]);
  });
});

describe('GET /reports/reintegration', () => {
  it('by status: budgets beside published counts only, latest-visit averages over 5 or more scored plans, with their schemes', async () => {
    const res = await get(u.analystH, 'reintegration', PERIOD).expect(200);
    expect(res.body.groupBy).toEqual(['status']);
    const hidden = { count: null, suppressed: true, budgetPlannedXof: null, budgetDeliveredXof: null, avgEconomicScore: null, avgSocialScore: null, avgPsychosocialScore: null, avgCompositeScore: null, schemeIds: null, schemesOfficial: null };
    expect(res.body.rows).toEqual([
      // completed 2 + rejected 3: two suppressed cells adding up to 5, no complement needed.
      { status: 'completed', ...hidden },
      { status: 'draft', count: 5, budgetPlannedXof: 400_000, budgetDeliveredXof: 0, avgEconomicScore: null, avgSocialScore: null, avgPsychosocialScore: null, avgCompositeScore: null, schemeIds: null, schemesOfficial: null },
      { status: 'in_progress', count: 6, budgetPlannedXof: 600_000, budgetDeliveredXof: 300_000, avgEconomicScore: 0.5, avgSocialScore: 0.6, avgPsychosocialScore: 0.7, avgCompositeScore: 0.6, schemeIds: [demoScheme], schemesOfficial: false },
      { status: 'rejected', ...hidden },
    ]);
    // 7 scored plans (5 in progress, 2 drafts): economic (5 × 0.5 + 2 × 0.8) / 7; composite of the 5 only.
    expect(res.body.total).toEqual({
      count: 16,
      budgetPlannedXof: 1_130_000,
      budgetDeliveredXof: 400_000,
      avgEconomicScore: 0.586,
      avgSocialScore: 0.6,
      avgPsychosocialScore: 0.7,
      avgCompositeScore: 0.6,
      schemeIds: [demoScheme],
      schemesOfficial: false,
    });
    expectNoSmallCounts(res.body);
    const byMonth = await get(u.mgrH, 'reintegration', { ...PERIOD, groupBy: 'month' }).expect(200);
    expect(byMonth.body.rows).toEqual([expect.objectContaining({ month: '2026-10', count: 16, budgetPlannedXof: 1_130_000 })]);
    expectProblem(await get(u.analystH, 'reintegration', { groupBy: 'status,month,status' }), 400, 'VALIDATION_FAILED');
  });

  it('reintegration.csv carries its HXL row; another organization and a caseworker', async () => {
    const [header, hxl, ...rows] = parse((await text(get(u.analystH, 'reintegration.csv', PERIOD)).expect(200)).body as string) as string[][];
    expect(header).toEqual([
      'from', 'to', 'status', 'plans', 'suppressed', 'budget_planned_xof', 'budget_delivered_xof',
      'avg_economic_score', 'avg_social_score', 'avg_psychosocial_score', 'avg_composite_score', 'scheme_ids', 'schemes_official',
    ]);
    expect(hxl.every((tag) => /^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/.test(tag))).toBe(true);
    expect(rows).toContainEqual(['2026-01-01', '2026-12-31', 'in_progress', '6', 'false', '600000', '300000', '0.5', '0.6', '0.7', '0.6', demoScheme, 'false']);
    expect(rows).toContainEqual(['2026-01-01', '2026-12-31', 'completed', '', 'true', '', '', '', '', '', '', '', '']);
    for (const r of rows) expect(r[3] === '' || Number(r[3]) >= K).toBe(true);
    expect((await get(u.analystO, 'reintegration', PERIOD).expect(200)).body.rows).toEqual([]);
    expectProblem(await get(u.cwH, 'reintegration', PERIOD), 403, 'FORBIDDEN');
    expectProblem(await get(u.cwH, 'reintegration.csv', PERIOD), 403, 'FORBIDDEN');
  });
});

describe('GET /reports/summary: returnsInProgress', () => {
  it('counts the organization’s drafts, submitted and approved returns', async () => {
    expect((await get(u.mgrH, 'summary').expect(200)).body.metrics.returnsInProgress).toEqual({ count: 7 });
    expect((await get(u.analystH, 'summary').expect(200)).body.metrics.returnsInProgress).toEqual({ count: 7 });
    expect((await get(u.analystO, 'summary').expect(200)).body.metrics.returnsInProgress).toEqual({ count: 0 });
  });

  it('every read is audited as report.viewed', async () => {
    const rows = (await t.app.get(DataSource).query(`SELECT details FROM audit_events WHERE action = 'report.viewed' AND details->>'report' IN ('returns', 'reintegration')`)) as { details: { parameters: Record<string, string> } }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].details.parameters).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
  });
});
