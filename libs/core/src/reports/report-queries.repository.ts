import type { Dimension, Measure, TableDefinition } from './report-definitions.js';

/**
 * The SQL of the reports (issue 11): each definition's source, dimensions and measures, and the
 * summary's metrics, over the parameters of report-definitions.ts ($1 organization, $2 period start,
 * $3 period end, $4 now). Tuned for a million cases: change the text only with the query plans.
 */
const month = (col: string): Dimension => ({ sql: `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM')`, header: 'month', hxl: '#date' });
const week = (col: string): Dimension => ({ sql: `to_char(${col} AT TIME ZONE 'UTC', 'IYYY-"W"IW')`, header: 'week', hxl: '#date+week' });

/** The buckets of REPORT_AGE_GROUPS (report-definitions.ts). */
const AGE_SQL = `(EXTRACT(YEAR FROM c.registered_at AT TIME ZONE 'UTC')::int - c.birth_year)`;
const AGE_GROUP_SQL = `CASE WHEN c.birth_year IS NULL OR ${AGE_SQL} < 0 THEN 'unknown'
  WHEN ${AGE_SQL} <= 4 THEN '0-4' WHEN ${AGE_SQL} <= 11 THEN '5-11' WHEN ${AGE_SQL} <= 17 THEN '12-17'
  WHEN ${AGE_SQL} <= 24 THEN '18-24' WHEN ${AGE_SQL} <= 59 THEN '25-59' ELSE '60+' END`;

/** GET /reports/flows: registrations of the organization's cases over time (DTM-style flows). */
export const FLOWS: TableDefinition = {
  name: 'flows',
  from: 'cases c',
  where: 'c.owning_organization_id = $1 AND c.registered_at >= $2 AND c.registered_at < $3',
  dimensions: {
    month: month('c.registered_at'),
    week: week('c.registered_at'),
    nationality: { sql: `COALESCE(c.nationality, 'unknown')`, header: 'nationality', hxl: '#country+code' },
    sex: { sql: 'c.sex', header: 'sex', hxl: '#gender' },
    ageGroup: { sql: AGE_GROUP_SQL, header: 'age_group', hxl: '#age+range' },
    site: { sql: 'c.site_id::text', header: 'site_id', hxl: '#loc+code', label: 'site' },
    reasonsForMigration: {
      sql: `COALESCE(rfm.v, 'unknown')`,
      join: `LEFT JOIN LATERAL (SELECT DISTINCT x FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(c.journey -> 'reasonsForMigration') = 'array' THEN c.journey -> 'reasonsForMigration' ELSE '[]'::jsonb END) AS x) AS rfm(v) ON true`,
      header: 'reason_for_migration',
      hxl: '#cause',
    },
    vulnerability: { sql: `COALESCE(vf.v, 'none')`, join: `LEFT JOIN LATERAL (SELECT DISTINCT x FROM unnest(c.vulnerability_flags) AS x) AS vf(v) ON true`, header: 'vulnerability', hxl: '#group+vulnerability' },
    intendedDestination: { sql: `COALESCE(c.journey ->> 'intendedDestination', 'unknown')`, header: 'intended_destination', hxl: '#country+code+destination' },
  },
  defaultGroupBy: ['month'],
  maxGroupBy: 3,
  maxDays: 3 * 366,
  count: { header: 'registrations', hxl: '#affected+migrants+ind' },
  measures: [],
};

/** Answered: accepted or declined (a referral cancelled after acceptance was answered too). */
const ANSWERED = `r.responded_at IS NOT NULL`;
/** Whether the referral was answered in time is known: answered, cancelled, or its deadline passed. */
const DUE = `(r.responded_at IS NOT NULL OR r.cancelled_at IS NOT NULL OR r.respond_by <= $4)`;
const HOURS_TO_ANSWER = `EXTRACT(EPOCH FROM r.responded_at - r.created_at) / 3600`;

/** GET /reports/referrals: referrals sent (`outgoing`) or received (`incoming`) in the period. */
export function referralsReport(direction: 'outgoing' | 'incoming'): TableDefinition {
  const [own, counterpart] = direction === 'outgoing' ? ['r.from_organization_id', 'r.to_organization_id'] : ['r.to_organization_id', 'r.from_organization_id'];
  return {
    name: 'referrals',
    from: 'referrals r',
    where: `${own} = $1 AND r.created_at >= $2 AND r.created_at < $3`,
    dimensions: {
      serviceType: { sql: 'r.service_type', header: 'service_type', hxl: '#service+type' },
      organization: {
        sql: `${counterpart}::text`,
        header: direction === 'outgoing' ? 'receiving_org_id' : 'sending_org_id',
        hxl: direction === 'outgoing' ? '#org+id+receiving' : '#org+id+sending',
        label: 'organization',
      },
      urgency: { sql: 'r.urgency', header: 'urgency', hxl: '#severity' },
      month: month('r.created_at'),
    },
    defaultGroupBy: ['serviceType', 'organization'],
    maxGroupBy: 3,
    maxDays: 3 * 366,
    persons: 'r.case_id',
    count: { header: 'referrals', hxl: '#output+referrals+num' },
    measures: [
      {
        name: 'acceptanceRate',
        sql: `round((count(*) FILTER (WHERE ${ANSWERED} AND r.status <> 'declined'))::numeric / NULLIF(count(*) FILTER (WHERE ${ANSWERED}), 0), 3)`,
        kind: 'stat',
        n: `count(*) FILTER (WHERE ${ANSWERED})`,
        header: 'acceptance_rate',
        hxl: '#indicator+accepted+pct',
      },
      {
        name: 'medianHoursToAnswer',
        sql: `round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ${HOURS_TO_ANSWER}) FILTER (WHERE ${ANSWERED}))::numeric, 1)`,
        kind: 'stat',
        n: `count(*) FILTER (WHERE ${ANSWERED})`,
        header: 'median_hours_to_answer',
        hxl: '#indicator+hours+median',
      },
      {
        name: 'p90HoursToAnswer',
        sql: `round((percentile_cont(0.9) WITHIN GROUP (ORDER BY ${HOURS_TO_ANSWER}) FILTER (WHERE ${ANSWERED}))::numeric, 1)`,
        kind: 'stat',
        n: `count(*) FILTER (WHERE ${ANSWERED})`,
        header: 'p90_hours_to_answer',
        hxl: '#indicator+hours+p90',
      },
      {
        name: 'overdueShare',
        sql: `round((count(*) FILTER (WHERE ${DUE} AND COALESCE(r.responded_at, r.cancelled_at, $4) > r.respond_by))::numeric / NULLIF(count(*) FILTER (WHERE ${DUE}), 0), 3)`,
        kind: 'stat',
        n: `count(*) FILTER (WHERE ${DUE})`,
        header: 'overdue_share',
        hxl: '#indicator+overdue+pct',
      },
    ],
  };
}

const STAY_DAYS = `EXTRACT(EPOCH FROM st.checked_out_at - st.checked_in_at) / 86400`;

/** GET /reports/shelter, stays: the organization's shelter stays begun in the period. */
export const SHELTER_STAYS: TableDefinition = {
  name: 'shelter-stays',
  from: `stays st
    LEFT JOIN LATERAL (SELECT count(*) AS requested, count(*) FILTER (WHERE x.status = 'approved') AS approved FROM stay_extensions x WHERE x.stay_id = st.id) xs ON true`,
  where: 'st.owning_organization_id = $1 AND st.checked_in_at >= $2 AND st.checked_in_at < $3',
  dimensions: {
    site: { sql: 'st.site_id::text', header: 'site_id', hxl: '#loc+code', label: 'site' },
    month: month('st.checked_in_at'),
  },
  defaultGroupBy: ['site'],
  maxGroupBy: 2,
  maxDays: 3 * 366,
  persons: 'st.case_id',
  count: { header: 'stays', hxl: '#affected+migrants+ind' },
  measures: [
    {
      name: 'averageLengthOfStayDays',
      sql: `round((avg(${STAY_DAYS}) FILTER (WHERE st.checked_out_at IS NOT NULL))::numeric, 1)`,
      kind: 'stat',
      n: `count(*) FILTER (WHERE st.checked_out_at IS NOT NULL)`,
      header: 'average_length_of_stay_days',
      hxl: '#indicator+days+mean',
    },
    { name: 'extensionsRequested', sql: `COALESCE(sum(xs.requested), 0)::int`, kind: 'count', header: 'extensions_requested', hxl: '#output+extensions+requested+num' },
    { name: 'extensionsApproved', sql: `COALESCE(sum(xs.approved), 0)::int`, kind: 'count', header: 'extensions_approved', hxl: '#output+extensions+approved+num' },
  ],
};

/**
 * GET /reports/shelter, occupancy: persons housed per shelter per day (a stay counts on every
 * day it overlaps, up to now); the total is stay-days.
 */
export const SHELTER_OCCUPANCY: TableDefinition = {
  name: 'shelter-occupancy',
  from: `stays st
    JOIN generate_series($2::timestamptz, $3::timestamptz - interval '1 day', interval '1 day') AS d(day)
      ON st.checked_in_at < d.day + interval '1 day' AND COALESCE(st.checked_out_at, $4::timestamptz) > d.day`,
  where: 'st.owning_organization_id = $1 AND st.checked_in_at < $3 AND (st.checked_out_at IS NULL OR st.checked_out_at > $2)',
  dimensions: {
    site: { sql: 'st.site_id::text', header: 'site_id', hxl: '#loc+code', label: 'site' },
    date: { sql: `to_char(d.day AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, header: 'date', hxl: '#date' },
  },
  defaultGroupBy: ['site', 'date'],
  maxGroupBy: 2,
  maxDays: 366,
  persons: 'st.case_id',
  count: { header: 'occupied', hxl: '#affected+migrants+ind' },
  measures: [],
};

const DEPARTED = `rt.departed_at IS NOT NULL`;
const DAYS_TO_DEPARTURE = `EXTRACT(EPOCH FROM rt.departed_at - c.registered_at) / 86400`;

/**
 * GET /reports/returns: the organization's voluntary returns opened in the period (created_at),
 * with the median days from the case's registration to departure over those departed or arrived
 * (departed_at is set exactly then: returns_departed_check).
 */
export const RETURNS: TableDefinition = {
  name: 'returns',
  from: 'returns rt JOIN cases c ON c.id = rt.case_id',
  where: 'rt.owning_organization_id = $1 AND rt.created_at >= $2 AND rt.created_at < $3',
  dimensions: {
    status: { sql: 'rt.status', header: 'status', hxl: '#status' },
    destinationCountry: { sql: 'rt.destination_country::text', header: 'destination_country', hxl: '#country+code+destination' },
    mode: { sql: 'rt.mode', header: 'mode', hxl: '#transport+mode' },
    month: month('rt.created_at'),
  },
  defaultGroupBy: ['status', 'destinationCountry'],
  maxGroupBy: 3,
  maxDays: 3 * 366,
  persons: 'rt.case_id',
  count: { header: 'returns', hxl: '#affected+returnees+ind' },
  measures: [
    {
      name: 'medianDaysRegistrationToDeparture',
      sql: `round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ${DAYS_TO_DEPARTURE}) FILTER (WHERE ${DEPARTED}))::numeric, 1)`,
      kind: 'stat',
      n: `count(*) FILTER (WHERE ${DEPARTED})`,
      header: 'median_days_registration_to_departure',
      hxl: '#indicator+days+departure+median',
    },
  ],
};

/** A plan's latest visit has a score (of any dimension): it stands behind the averages. */
const SCORED = `(lv.economic_score IS NOT NULL OR lv.social_score IS NOT NULL OR lv.psychosocial_score IS NOT NULL OR lv.composite_score IS NOT NULL)`;
const avgScore = (dimension: string): Measure => ({
  name: `avg${dimension[0].toUpperCase()}${dimension.slice(1)}Score`,
  sql: `round(avg(lv.${dimension}_score), 3)`,
  kind: 'stat',
  n: `count(lv.${dimension}_score)`,
  header: `avg_${dimension}_score`,
  hxl: `#indicator+score+${dimension}+mean`,
});

/**
 * GET /reports/reintegration: the organization's reintegration plans created in the period:
 * budgets planned and delivered (sums over persons: shown only beside a published count), and the
 * average scores of each plan's latest visit by dimension, with the scoring schemes they come from
 * (scores of different schemes are not comparable; `schemesOfficial` says whether all are IOM's).
 */
export const REINTEGRATION: TableDefinition = {
  name: 'reintegration',
  from: `reintegration_plans p
    LEFT JOIN LATERAL (SELECT sum(i.budget_xof) AS delivered FROM reintegration_items i WHERE i.plan_id = p.id AND i.status = 'delivered') di ON true
    LEFT JOIN LATERAL (SELECT v.scheme_id, v.economic_score, v.social_score, v.psychosocial_score, v.composite_score FROM reintegration_visits v
      WHERE v.plan_id = p.id ORDER BY v.visit_date DESC, v.created_at DESC, v.id DESC LIMIT 1) lv ON true
    LEFT JOIN scoring_schemes ss ON ss.id = lv.scheme_id`,
  where: 'p.owning_organization_id = $1 AND p.created_at >= $2 AND p.created_at < $3',
  dimensions: {
    status: { sql: 'p.status', header: 'status', hxl: '#status' },
    month: month('p.created_at'),
  },
  defaultGroupBy: ['status'],
  maxGroupBy: 2,
  maxDays: 3 * 366,
  persons: 'p.case_id',
  count: { header: 'plans', hxl: '#affected+returnees+ind' },
  measures: [
    { name: 'budgetPlannedXof', sql: `COALESCE(sum(p.total_budget_xof), 0)`, kind: 'sum', header: 'budget_planned_xof', hxl: '#value+budget+planned' },
    { name: 'budgetDeliveredXof', sql: `COALESCE(sum(di.delivered), 0)`, kind: 'sum', header: 'budget_delivered_xof', hxl: '#value+budget+delivered' },
    avgScore('economic'),
    avgScore('social'),
    avgScore('psychosocial'),
    avgScore('composite'),
    {
      name: 'schemeIds',
      sql: `COALESCE(array_agg(DISTINCT lv.scheme_id::text) FILTER (WHERE ${SCORED}), '{}')`,
      kind: 'list',
      n: `count(*) FILTER (WHERE ${SCORED})`,
      header: 'scheme_ids',
      hxl: '#meta+scheme+id',
    },
    {
      name: 'schemesOfficial',
      sql: `bool_and(ss.official) FILTER (WHERE ${SCORED})`,
      kind: 'flag',
      n: `count(*) FILTER (WHERE ${SCORED})`,
      header: 'schemes_official',
      hxl: '#meta+scheme+official',
    },
  ],
};

/**
 * GET /reports/summary: the manager's home screen, one statement. Each metric is a scalar
 * subquery over the organization ($1) now ($2); `occupied` is the beds in use, so the summary can
 * tell when free beds would disclose a small count.
 */
export const SUMMARY_METRICS: readonly { name: string; sql: string }[] = [
  { name: 'openCases', sql: `SELECT count(*) FROM cases WHERE owning_organization_id = $1 AND status = 'open'` },
  { name: 'pendingReferralsIncoming', sql: `SELECT count(*) FROM referrals WHERE to_organization_id = $1 AND status = 'pending'` },
  { name: 'pendingReferralsOutgoing', sql: `SELECT count(*) FROM referrals WHERE from_organization_id = $1 AND status = 'pending'` },
  { name: 'overdueReferralsIncoming', sql: `SELECT count(*) FROM referrals WHERE to_organization_id = $1 AND status = 'pending' AND respond_by < $2` },
  { name: 'overdueReferralsOutgoing', sql: `SELECT count(*) FROM referrals WHERE from_organization_id = $1 AND status = 'pending' AND respond_by < $2` },
  { name: 'activeStays', sql: `SELECT count(*) FROM stays WHERE owning_organization_id = $1 AND status = 'active'` },
  { name: 'overdueStays', sql: `SELECT count(*) FROM stays WHERE owning_organization_id = $1 AND status = 'active' AND expected_check_out_at < $2` },
  { name: 'returnsInProgress', sql: `SELECT count(*) FROM returns WHERE owning_organization_id = $1 AND status IN ('draft', 'submitted', 'approved')` },
  {
    name: 'freeBeds',
    sql: `SELECT COALESCE(sum(GREATEST(s.bed_capacity - (SELECT count(*) FROM stays st WHERE st.site_id = s.id AND st.status = 'active'), 0)), 0)
          FROM sites s WHERE s.organization_id = $1 AND s.kind = 'shelter' AND s.active AND s.bed_capacity IS NOT NULL`,
  },
];
