// Issue 11 part B (DESIGN §7): subject-access export, retention and anonymization.
// Acceptance 3: a set of cases made through the API with distinctive names, phones, narratives,
// notes, referrals, a stay, letters and consents is anonymized; the report aggregates are the same
// before and after, and no name, phone or narrative is left anywhere in the database — every
// column of every table, the audit trail and the name vocabulary included.
import { randomBytes } from 'node:crypto';
import { AuditSealer, DataProtectionService, SitesService, systemActor } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const DAY = 86_400_000;
const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
let t: TestApp;
let A: TestOrg; // owns the cases, runs a shelter, issues letters
let B: TestOrg; // receives referrals (health)
let cwA: TestUser;
let mgrA: TestUser;
let mgrA2: TestUser;
let mgrB: TestUser;
let auditorA: TestUser;
let shelter: string;

const hex = (n = 3) => randomBytes(n).toString('hex');
/** Letters only, so that the name search keeps them as one word each. */
const word = (stem: string) => `${stem}${randomBytes(4).toString('hex').replace(/\d/g, (d) => 'qwxzjkvyhp'[Number(d)])}`;
const api = (u: TestUser) => as(t, u);
const today = () => clock.now().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(clock.now().getTime() + n * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await startTestApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '100000', LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { capabilities: ['information', 'health', 'shelter', 'indulgence_letter'], sites: [{}, {}] });
  B = await makeOrg(t, { capabilities: ['health'] });
  cwA = await makeUser(t, A, ['caseworker']);
  mgrA = await makeUser(t, A, ['manager']);
  mgrA2 = await makeUser(t, A, ['manager']);
  mgrB = await makeUser(t, B, ['manager']);
  auditorA = await makeUser(t, A, ['auditor']);
  shelter = (await t.app.get(SitesService).create(systemActor(), A.org.id, { name: 'Shelter A', kind: 'shelter', bedCapacity: 20, services: ['shelter'] })).id;
});
afterAll(() => t?.close());

/** The distinctive strings of one person: all must be gone after anonymization. */
interface Person {
  id: string;
  caseNumber: string;
  secrets: string[];
  letterToken?: string;
}

/** A person with everything: identity, contact, documents, journey, household, sensitive narrative, notes, consents, a screening, referrals, services, a stay with an extension, letters. */
async function person(i: number, opts: { nationality: string; sex: string; birthYear?: number; dateOfBirth?: string; site: number; vulnerabilities: string[]; reasons: string[]; destination: string; stay?: boolean; letter?: boolean }): Promise<Person> {
  const given = word('Zoulikhatou');
  const family = word('Kpessiguéré');
  const other = word('Ndjamenaise');
  const phone = `+2237${String(900000 + i * 1111).padStart(7, '0')}`;
  const narrative = word('Xylophagous');
  const note = word('Quirinalesque');
  const reason = word('Brindlewort');
  const address = word('Vrombissante');
  const place = word('Tombouctouville');
  const docNumber = `PX${hex(4).toUpperCase()}`;
  const consentNote = word('Thumbprintnote');
  const extReason = word('Marmaladewing');
  const purpose = word('Transitpurpose');
  const outcome = word('Outcomeword');
  const service = word('Servicenote');
  const household = word('Foyerword');
  const employment = word('Welderjob');
  const c = await api(cwA)
    .post('/api/v1/cases')
    .send({
      siteId: A.sites[opts.site].id,
      identity: { givenName: given, familyName: family, otherNames: [other], sex: opts.sex, nationality: opts.nationality, languages: ['fra', 'bam'], ...(opts.dateOfBirth ? { dateOfBirth: opts.dateOfBirth } : { birthYear: opts.birthYear, birthDateEstimated: true }) },
      contact: { phone, email: `${given.toLowerCase()}@example.org`, address, contactPerson: other },
      documents: [{ type: 'passport', number: docNumber, issuingCountry: opts.nationality }],
      journey: { countryOfOrigin: opts.nationality, placeOfOrigin: place, intendedDestination: opts.destination, reasonsForMigration: opts.reasons, route: [place, 'Gao'], travellingWith: 'alone', educationLevel: 'primary', employmentBeforeDeparture: employment },
      vulnerabilities: opts.vulnerabilities,
      sensitive: { narrative: `${narrative} was held at a checkpoint`, medicalDetails: narrative },
      household: { size: 3, relationshipToHead: 'head', notes: household },
      consent: { purpose: 'registration', basis: 'consent', method: 'thumbprint', notes: consentNote },
    })
    .expect(201);
  const id = c.body.id as string;
  // An edit: the audit trail records old and new phone and names (sealed under the case's key).
  await api(cwA).patch(`/api/v1/cases/${id}`).set('if-match', '"1"').send({ contact: { phone: `${phone}9`, address } }).expect(200);
  // With an Idempotency-Key: the stored response (24 h) names the case and holds the note.
  await api(cwA).post(`/api/v1/cases/${id}/notes`).set('idempotency-key', `note-${hex(8)}`).send({ text: `${note} met the family` }).expect(201);
  await api(cwA).post(`/api/v1/cases/${id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [B.org.id], notes: consentNote }).expect(201);
  await api(cwA)
    .post(`/api/v1/cases/${id}/screenings`)
    .send({ wishesToReturn: true, countryOfReturn: opts.nationality, nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'obtainable', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' })
    .expect(201);
  const r1 = await api(cwA).post(`/api/v1/cases/${id}/referrals`).send({ toOrganizationId: B.org.id, serviceType: 'health', urgency: 'high', reason: `${reason} needs a doctor`, sharedSections: ['contact', 'journey'] }).expect(201);
  await api(mgrB).get(`/api/v1/cases/${id}`).expect(200); // the receiver reads the shared view
  await api(mgrB).post(`/api/v1/referrals/${r1.body.id}/accept`).send({}).expect(200);
  await api(mgrB).post(`/api/v1/referrals/${r1.body.id}/complete`).send({ outcome: `${outcome} seen`, servicesProvided: [{ serviceType: 'health', date: '2026-11-20', description: service }] }).expect(200);
  const r2 = await api(cwA).post(`/api/v1/cases/${id}/referrals`).send({ toOrganizationId: B.org.id, serviceType: 'health', urgency: 'normal', reason: `${reason} again` }).expect(201);
  await api(mgrB).post(`/api/v1/referrals/${r2.body.id}/decline`).send({ reason: `${outcome} declined` }).expect(200);
  await api(cwA).post(`/api/v1/cases/${id}/services`).send({ serviceType: 'information', date: '2026-11-20', description: service }).expect(201);
  let letterToken: string | undefined;
  if (opts.letter) {
    const body = { validFrom: today(), validUntil: inDays(14), purpose: `${purpose} to Bamako`, route: { from: place, to: 'Bamako', via: ['Mopti'] } };
    const first = await api(cwA).post(`/api/v1/cases/${id}/letters`).send(body).expect(201);
    await api(cwA).post(`/api/v1/letters/${first.body.id}/revoke`).send({ reason: `${outcome} lost it` }).expect(200);
    letterToken = (await api(cwA).post(`/api/v1/cases/${id}/letters`).send(body).expect(201)).body.verificationToken;
  }
  if (opts.stay) {
    const stay = await api(cwA).post('/api/v1/stays').send({ caseId: id, siteId: shelter }).expect(201);
    const ext = await api(cwA).post(`/api/v1/stays/${stay.body.id}/extensions`).send({ days: 3, reason: `${extReason} awaits` }).expect(201);
    await api(mgrA).post(`/api/v1/stays/${stay.body.id}/extensions/${ext.body.id}/reject`).send({ reason: `${extReason} no` }).expect(200);
    await api(cwA).post(`/api/v1/stays/${stay.body.id}/check-out`).send({}).expect(200);
  }
  await api(mgrA).get(`/api/v1/cases/${id}/timeline`).expect(200);
  const secrets = [given, family, other, phone, phone.slice(1), narrative, note, reason, address, place, docNumber, consentNote, extReason, purpose, outcome, service, household, employment];
  return { id, caseNumber: c.body.caseNumber, secrets, letterToken };
}

const close = (id: string, reason = 'continued_journey') => api(mgrA).post(`/api/v1/cases/${id}/close`).send({ reason }).expect(200);

/**
 * Where each needle is, generically: every column of every table of every schema (returns and
 * reintegration included once merged), cast to text — bytea searched as bytes and as escaped
 * text — case- and accent-insensitive. One query per table.
 */
async function findAll(needles: string[]): Promise<Record<string, string[]>> {
  const columns = await t.db.rows<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_schema, c.table_name, c.column_name, c.data_type FROM information_schema.columns c
     JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
     WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3`,
  );
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const tables = new Map<string, typeof columns>();
  for (const c of columns) tables.set(`${q(c.table_schema)}.${q(c.table_name)}`, [...(tables.get(`${q(c.table_schema)}.${q(c.table_name)}`) ?? []), c]);
  const found: Record<string, string[]> = {};
  for (const [from, cols] of tables) {
    const arms = cols.map((col, i) => {
      const name = q(col.column_name);
      const hit =
        col.data_type === 'bytea'
          ? `position(convert_to(n.raw, 'UTF8') IN x.${name}) > 0 OR strpos(lower(f_unaccent(encode(x.${name}, 'escape'))), n.folded) > 0`
          : `strpos(lower(f_unaccent(x.${name}::text)), n.folded) > 0`;
      return `SELECT DISTINCT n.raw AS needle, ${i} AS col FROM ${from} x, needles n WHERE ${hit}`;
    });
    const rows = await t.db.rows<{ needle: string; col: number }>(
      `WITH needles AS (SELECT raw, lower(f_unaccent(raw)) AS folded FROM unnest($1::text[]) raw) ${arms.join(' UNION ALL ')}`,
      [needles],
    );
    for (const r of rows) (found[r.needle] ??= []).push(`${cols[r.col].table_schema}.${cols[r.col].table_name}.${cols[r.col].column_name}`);
  }
  return found;
}
const columnsHolding = async (needle: string) => (await findAll([needle]))[needle] ?? [];

/** The report aggregates (part A computes the same in its own module): by SQL, over everything. */
async function reports() {
  const q = (sql: string) => t.db.rows(sql);
  return {
    flows: await q(`
      SELECT to_char(c.registered_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, c.nationality, c.sex,
             CASE WHEN c.birth_year IS NULL THEN 'unknown' WHEN extract(year FROM c.registered_at) - c.birth_year < 18 THEN '0-17'
                  WHEN extract(year FROM c.registered_at) - c.birth_year < 60 THEN '18-59' ELSE '60+' END AS age_group,
             c.site_id, c.owning_organization_id, c.status, c.closure_reason, to_char(c.closed_at, 'YYYY-MM') AS closed,
             c.journey ->> 'intendedDestination' AS destination, c.journey ->> 'countryOfOrigin' AS origin, count(*)::int AS n
      FROM cases c GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`),
    vulnerabilities: await q(`SELECT v, c.nationality, count(*)::int AS n FROM cases c CROSS JOIN unnest(c.vulnerability_flags) v GROUP BY 1, 2 ORDER BY 1, 2`),
    vulnerabilityAssessments: await q(`SELECT v ->> 'flag' AS flag, v ->> 'assessedAt' AS at, count(*)::int AS n FROM cases c CROSS JOIN jsonb_array_elements(c.vulnerabilities) v GROUP BY 1, 2 ORDER BY 1, 2`),
    reasons: await q(`SELECT r, c.journey ->> 'intendedDestination' AS destination, count(*)::int AS n FROM cases c CROSS JOIN jsonb_array_elements_text(c.journey -> 'reasonsForMigration') r GROUP BY 1, 2 ORDER BY 1, 2`),
    referrals: await q(`SELECT service_type, status, urgency, from_organization_id, to_organization_id, to_char(created_at, 'YYYY-MM') AS month, count(*)::int AS n FROM referrals GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`),
    services: await q(`SELECT service_type, providing_organization_id, date::text, count(*)::int AS n FROM service_records GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
    stayNights: await q(`
      SELECT s.site_id, d::date::text AS day, count(*)::int AS n
      FROM stays s CROSS JOIN generate_series(date_trunc('day', s.checked_in_at), COALESCE(s.checked_out_at, s.expected_check_out_at), interval '1 day') d
      GROUP BY 1, 2 ORDER BY 1, 2`),
    extensions: await q(`SELECT status, days, count(*)::int AS n FROM stay_extensions GROUP BY 1, 2 ORDER BY 1, 2`),
    screenings: await q(`SELECT outcome, country_of_return, count(*)::int AS n FROM screenings GROUP BY 1, 2 ORDER BY 1, 2`),
    consents: await q(`SELECT purpose, basis, method, withdrawn_at IS NOT NULL AS withdrawn, count(*)::int AS n FROM consents GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
    letters: await q(`SELECT status, issuing_organization_id, valid_from::text, valid_until::text, count(*)::int AS n FROM letters GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
  };
}

describe('acceptance 3: anonymization leaves the reports unchanged and no personal value anywhere', () => {
  let people: Person[];
  let keep: Person; // closed too recently: untouched

  beforeAll(async () => {
    people = [
      await person(1, { nationality: 'GIN', sex: 'female', dateOfBirth: '1999-04-02', site: 0, vulnerabilities: ['pregnant_or_lactating'], reasons: ['economic'], destination: 'ESP', stay: true, letter: true }),
      await person(2, { nationality: 'SEN', sex: 'male', birthYear: 2010, site: 1, vulnerabilities: ['unaccompanied_child', 'destitute'], reasons: ['family', 'education'], destination: 'FRA' }),
      await person(3, { nationality: 'GIN', sex: 'male', birthYear: 1960, site: 0, vulnerabilities: [], reasons: ['conflict_insecurity'], destination: 'DZA', letter: true }),
      await person(4, { nationality: 'CIV', sex: 'other', site: 1, vulnerabilities: ['medical_condition'], reasons: ['other'], destination: 'MAR', stay: true }),
    ];
    for (const p of people) await close(p.id);
    clock.advance(400 * DAY);
    keep = await person(5, { nationality: 'NER', sex: 'female', birthYear: 1990, site: 0, vulnerabilities: [], reasons: ['economic'], destination: 'LBY' });
    await close(keep.id, 'lost_contact');
  });

  it('controls: before, the scan finds each person in the case row and the name vocabulary, and never in clear in the audit trail', async () => {
    const p = people[0];
    const [given, family, , phone, , narrative, note] = p.secrets;
    expect(await columnsHolding(given)).toEqual(expect.arrayContaining(['public.cases.given_name', 'public.cases.search_name', 'public.name_vocabulary.token']));
    // Accents and case do not hide a value from the scan.
    expect(await columnsHolding(family.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase())).toContain('public.cases.family_name');
    expect(await columnsHolding(phone)).toContain('public.cases.contact');
    expect((await columnsHolding(note)).sort()).toEqual(['public.case_notes.text', 'public.idempotency_keys.response_body']);
    // The narrative is encrypted at rest; the trail seals names and contact under the case's key.
    expect(await columnsHolding(narrative)).toEqual([]);
    const before = await findAll(p.secrets);
    expect(Object.values(before).flat().filter((c) => c.startsWith('public.audit_events.'))).toEqual([]);
    // …yet the auditor reads them, in clear, while the key exists.
    const events = (await api(auditorA).get(`/api/v1/audit-events?entityType=case&entityId=${p.id}&action=case.created`).expect(200)).body.items;
    expect(events[0].changes.givenName).toEqual({ old: null, new: given });
    const updated = (await api(auditorA).get(`/api/v1/audit-events?entityType=case&entityId=${p.id}&action=case.updated`).expect(200)).body.items;
    expect(updated[0].changes.contact.new.phone).toBe(`${phone}9`);
  });

  it('the retention job anonymizes exactly the cases closed RETENTION_DAYS ago; the reports are identical; nothing personal is left', async () => {
    await t.app.get(AuditSealer).sealAll();
    const before = await reports();
    expect(before.flows.length).toBeGreaterThanOrEqual(5);
    expect(before.stayNights.length).toBeGreaterThan(0);

    // 5 years after the first four closures, 5 years minus 400 days after the fifth.
    clock.set(new Date(new Date('2026-11-23T08:00:00Z').getTime() + 1825 * DAY + 3_600_000));
    expect(await t.app.get(DataProtectionService).runRetention()).toBe(4);

    expect(await reports()).toEqual(before);
    expect(await findAll(people.flatMap((p) => p.secrets))).toEqual({});
    // The fifth person is still whole.
    expect(await columnsHolding(keep.secrets[0])).toContain('public.cases.given_name');
    expect(await t.db.row('SELECT anonymized_at FROM cases WHERE id = $1', [keep.id])).toEqual({ anonymized_at: null });

    // What stays: codes and dates; birth year without the date of birth.
    const row = await t.db.row<Record<string, unknown>>(
      'SELECT given_name, family_name, date_of_birth, birth_year, sex, nationality, journey, household, search_name, name_keys, sensitive_ciphertext, anonymized_at FROM cases WHERE id = $1',
      [people[0].id],
    );
    expect(row).toEqual({
      given_name: '',
      family_name: '',
      date_of_birth: null,
      birth_year: 1999,
      sex: 'female',
      nationality: 'GIN',
      journey: { countryOfOrigin: 'GIN', intendedDestination: 'ESP', reasonsForMigration: ['economic'], travellingWith: 'alone', educationLevel: 'primary' },
      household: { size: 3 },
      search_name: '',
      name_keys: [],
      sensitive_ciphertext: null,
      anonymized_at: expect.any(Date),
    });
    expect(await t.db.row('SELECT count(*)::int AS n FROM subject_keys WHERE case_id = ANY($1::uuid[])', [people.map((p) => p.id)])).toEqual({ n: 0 });
  });

  it('the audit trail still verifies (the chain covers the ciphertext) and reads "[erased]" where personal values were', async () => {
    await t.app.get(AuditSealer).sealAll();
    expect((await api(auditorA).get('/api/v1/audit-events/verify').expect(200)).body).toMatchObject({ ok: true, unsealed: 0 });
    const p = people[0];
    const created = (await api(auditorA).get(`/api/v1/audit-events?entityType=case&entityId=${p.id}&action=case.created`).expect(200)).body.items[0];
    expect(created.changes.givenName).toEqual({ old: null, new: '[erased]' });
    expect(created.changes.contact).toEqual({ old: null, new: '[erased]' });
    // Coded fields stay readable.
    expect(created.changes.nationality).toEqual({ old: null, new: 'GIN' });
    expect(created.changes.vulnerabilities).toEqual({ old: null, new: ['pregnant_or_lactating'] });
    const anonymized = (await api(auditorA).get(`/api/v1/audit-events?entityType=case&entityId=${p.id}&action=case.anonymized`).expect(200)).body.items;
    expect(anonymized).toHaveLength(1);
    expect(anonymized[0]).toMatchObject({ actorUserId: null, details: { trigger: 'retention' } });
  });

  it('the anonymized case reads as a stub (no names, 200 not 500), is not found by name, and takes no personal data (409 CASE_ANONYMIZED)', async () => {
    const p = people[0];
    const res = await api(mgrA).get(`/api/v1/cases/${p.id}`).expect(200);
    expect(res.body).toMatchObject({ id: p.id, caseNumber: p.caseNumber, status: 'closed', anonymizedAt: expect.any(String), identity: { givenName: '', familyName: '', otherNames: [], birthYear: 1999, nationality: 'GIN' }, contact: {} });
    expect(JSON.stringify(res.body)).not.toContain(p.secrets[0]);
    expect(res.body.sensitive).toBeNull();
    const list = (await api(mgrA).get(`/api/v1/cases?caseNumber=${p.caseNumber}`).expect(200)).body.items;
    expect(list).toEqual([expect.objectContaining({ id: p.id, anonymizedAt: expect.any(String) })]);
    // Not by its former name (the name search tolerates typos: other people's similar names may come up).
    const hits = (await api(mgrA).get(`/api/v1/cases?q=${encodeURIComponent(`${p.secrets[0]} ${p.secrets[1]}`)}`).expect(200)).body.items;
    expect(hits.map((c: { id: string }) => c.id)).not.toContain(p.id);
    await api(mgrA).get(`/api/v1/cases/${p.id}/timeline`).expect(200);
    expectProblem(await api(mgrA).patch(`/api/v1/cases/${p.id}`).set('if-match', `"${res.body.version}"`).send({ contact: { phone: '+22370000001' } }), 409, 'CASE_ANONYMIZED');
    expectProblem(await api(mgrA).post(`/api/v1/cases/${p.id}/reopen`).send({}), 409, 'CASE_ANONYMIZED');
    expectProblem(await api(mgrA).post(`/api/v1/cases/${p.id}/notes`).send({ text: 'a new note' }), 409, 'CASE_ANONYMIZED');
    expectProblem(await api(mgrA).post(`/api/v1/cases/${p.id}/consents`).send({ purpose: 'photo', basis: 'consent', method: 'verbal' }), 409, 'CASE_ANONYMIZED');
    expect(await t.db.row('SELECT given_name, version FROM cases WHERE id = $1', [p.id])).toEqual({ given_name: '', version: res.body.version });
  });

  it('a printed letter still checks: its state, serial and issuer, and no holder; the register keeps no token', async () => {
    const p = people[0];
    const res = await t.http.get('/api/v1/public/letters/verify').query({ token: p.letterToken! }).expect(200);
    expect(res.body).toMatchObject({ serialNumber: expect.stringMatching(/-L-/), holder: null, issuer: { code: A.org.code } });
    expect(res.body.result).not.toBe('invalid');
    const letters = (await api(mgrA).get(`/api/v1/cases/${p.id}/letters`).expect(200)).body.items;
    expect(letters.length).toBe(2);
    for (const l of letters) expect(l).toMatchObject({ holder: null, verificationToken: null, verificationUrl: null, purpose: '' });
    expectProblem(await api(mgrA).get(`/api/v1/letters/${letters[0].id}/pdf`), 409, 'CASE_ANONYMIZED');
    expect(await columnsHolding(p.letterToken!)).toEqual([]);
  });

  it('a second run anonymizes nothing more', async () => {
    expect(await t.app.get(DataProtectionService).runRetention()).toBe(0);
    expect(await t.db.row(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'case.anonymized'`)).toEqual({ n: 4 });
  });
});

describe('subject-access export: GET /cases/{id}/export', () => {
  let p: Person;
  beforeAll(async () => {
    clock.set('2031-12-01T08:00:00Z');
    p = await person(7, { nationality: 'MLI', sex: 'female', birthYear: 1995, site: 0, vulnerabilities: ['gbv_survivor'], reasons: ['economic'], destination: 'ESP', stay: true, letter: true });
  });

  it('a manager of the owning organization gets everything as a JSON attachment, audited; the read log lists a read made just before', async () => {
    clock.advance(60_000);
    await api(cwA).get(`/api/v1/cases/${p.id}`).expect(200);
    clock.advance(60_000);
    const res = await api(mgrA).get(`/api/v1/cases/${p.id}/export`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${p.caseNumber}-export.json"`);
    const doc = res.body;
    expect(Object.keys(doc).sort()).toEqual(['auditTrail', 'case', 'consents', 'exportedAt', 'exportedBy', 'household', 'notes', 'readLog', 'screenings', 'sections'].sort());
    expect(doc.exportedBy).toBe(mgrA.user.id);
    const [given, family, other, phone, , narrative, note, reason, address, , docNumber, consentNote, extReason, purpose, outcome, service] = p.secrets;
    expect(doc.case).toMatchObject({
      id: p.id,
      caseNumber: p.caseNumber,
      identity: { givenName: given, familyName: family, otherNames: [other], nationality: 'MLI', languages: ['fra', 'bam'] },
      contact: { phone: `${phone}9`, address },
      documents: [{ type: 'passport', number: docNumber }],
      journey: { intendedDestination: 'ESP' },
      vulnerabilities: [expect.objectContaining({ flag: 'gbv_survivor' })],
      household: { size: 3 },
      // decrypted
      sensitive: { narrative: `${narrative} was held at a checkpoint`, medicalDetails: narrative },
    });
    expect(doc.notes).toEqual([expect.objectContaining({ text: `${note} met the family`, authorId: cwA.user.id })]);
    expect(doc.consents.map((k: { purpose: string; notes: string }) => [k.purpose, k.notes]).sort()).toEqual([
      ['referral', consentNote],
      ['registration', consentNote],
    ]);
    expect(doc.screenings).toEqual([expect.objectContaining({ outcome: 'eligible' })]);
    expect(Object.keys(doc.sections).sort()).toEqual(['letters', 'referrals', 'reintegration', 'returns', 'stays']);
    const { referrals, services } = doc.sections.referrals;
    expect(referrals.map((r: { status: string; reason: string }) => [r.status, r.reason]).sort()).toEqual([
      ['completed', `${reason} needs a doctor`],
      ['declined', `${reason} again`],
    ]);
    // What the receiving organization was shown, and when its staff read the case.
    const completed = referrals.find((r: { status: string }) => r.status === 'completed');
    expect(completed).toMatchObject({ toOrganizationCode: B.org.code, sharedSections: ['identity', 'contact', 'journey'], outcome: `${outcome} seen` });
    expect(completed.readsByReceivingOrganization).toEqual([expect.objectContaining({ action: 'case.viewed', actorUserId: mgrB.user.id })]);
    expect(services.map((s: { description: string }) => s.description)).toEqual([service, service]);
    expect(doc.sections.stays).toEqual([expect.objectContaining({ siteId: shelter, status: 'checked_out', extensions: [expect.objectContaining({ reason: `${extReason} awaits`, status: 'rejected' })] })]);
    expect(doc.sections.letters.map((l: { status: string; purpose: string; holder: { fullName: string } }) => [l.status, l.purpose, l.holder.fullName]).sort()).toEqual([
      ['active', `${purpose} to Bamako`, `${given} ${family}`],
      ['revoked', `${purpose} to Bamako`, `${given} ${family}`],
    ]);
    expect(doc.household).toEqual({ householdId: null, memberCaseNumbers: [] });
    // The read log: the caseworker's read a minute before, the receiver's reads, and this export itself.
    const reads = doc.readLog.map((e: { action: string; actorUserId: string; at: string }) => [e.action, e.actorUserId]);
    expect(reads).toEqual(expect.arrayContaining([['case.viewed', cwA.user.id], ['case.viewed', mgrB.user.id], ['case.exported', mgrA.user.id]]));
    const cwRead = doc.readLog.filter((e: { action: string; actorUserId: string }) => e.action === 'case.viewed' && e.actorUserId === cwA.user.id).pop();
    expect(cwRead).toMatchObject({ at: new Date(clock.now().getTime() - 60_000).toISOString(), actorName: expect.any(String), actorOrganizationCode: A.org.code });
    // The trail, opened: old and new phone numbers in clear while the key exists.
    const update = doc.auditTrail.find((e: { action: string }) => e.action === 'case.updated');
    expect(update.changes.contact).toEqual({ old: { phone, address, email: `${given.toLowerCase()}@example.org`, contactPerson: other }, new: { phone: `${phone}9`, address } });
    const ext = doc.auditTrail.find((e: { action: string }) => e.action === 'stay.extension_rejected');
    expect(ext.details.reason).toBe(`${extReason} no`);
    // Audited, once, as case.exported.
    expect(await t.db.rows(`SELECT actor_user_id FROM audit_events WHERE action = 'case.exported' AND entity_id = $1`, [p.id])).toEqual([{ actor_user_id: mgrA.user.id }]);
  });

  it('a caseworker who works on the case → 403; another organization’s manager (even the receiver) → 404; analysts and auditors → 404; nothing audited', async () => {
    const analyst = await makeUser(t, A, ['analyst']);
    expectProblem(await api(cwA).get(`/api/v1/cases/${p.id}/export`), 403, 'FORBIDDEN');
    expectProblem(await api(mgrB).get(`/api/v1/cases/${p.id}/export`), 404, 'NOT_FOUND');
    expectProblem(await api(analyst).get(`/api/v1/cases/${p.id}/export`), 404, 'NOT_FOUND');
    expectProblem(await api(auditorA).get(`/api/v1/cases/${p.id}/export`), 404, 'NOT_FOUND');
    expectProblem(await t.http.get(`/api/v1/cases/${p.id}/export`), 401, 'UNAUTHENTICATED');
    expect(await t.db.row(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'case.exported' AND entity_id = $1`, [p.id])).toEqual({ n: 1 });
  });
});

describe('early anonymization: maker-checker (POST /cases/{id}/anonymization-requests, /anonymization-requests/{id}/approve|reject)', () => {
  const request = (who: TestUser, caseId: string) => api(who).post(`/api/v1/cases/${caseId}/anonymization-requests`).send();

  it('only a closed case (409 otherwise); one pending request per case (409); the requester may not decide (403 SELF_APPROVAL_FORBIDDEN); another manager approves and the case is anonymized at once', async () => {
    clock.set('2032-01-10T08:00:00Z');
    const p = await person(8, { nationality: 'BFA', sex: 'male', birthYear: 1988, site: 0, vulnerabilities: [], reasons: ['economic'], destination: 'ITA', letter: true });
    expectProblem(await request(mgrA, p.id), 409, 'CONFLICT');
    expectProblem(await request(cwA, p.id), 403, 'FORBIDDEN');
    await close(p.id);
    expectProblem(await request(mgrB, p.id), 404, 'NOT_FOUND');
    const req = await request(mgrA, p.id).expect(201);
    expect(req.body).toMatchObject({ caseId: p.id, status: 'pending', requestedBy: mgrA.user.id, decidedBy: null });
    expectProblem(await request(mgrA2, p.id), 409, 'CONFLICT');
    expectProblem(await api(mgrA).post(`/api/v1/anonymization-requests/${req.body.id}/approve`).send(), 403, 'SELF_APPROVAL_FORBIDDEN');
    expectProblem(await api(cwA).post(`/api/v1/anonymization-requests/${req.body.id}/approve`).send(), 403, 'FORBIDDEN');
    expectProblem(await api(mgrB).post(`/api/v1/anonymization-requests/${req.body.id}/approve`).send(), 404, 'NOT_FOUND');
    expect(await t.db.row('SELECT anonymized_at FROM cases WHERE id = $1', [p.id])).toEqual({ anonymized_at: null });

    const pending = (await api(mgrA2).get('/api/v1/anonymization-requests?status=pending').expect(200)).body.items;
    expect(pending.map((r: { id: string }) => r.id)).toContain(req.body.id);
    expect((await api(mgrB).get('/api/v1/anonymization-requests').expect(200)).body.items).toEqual([]);

    const approved = await api(mgrA2).post(`/api/v1/anonymization-requests/${req.body.id}/approve`).send().expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: mgrA2.user.id, decidedAt: clock.now().toISOString() });
    expect(await t.db.row('SELECT given_name, anonymized_at FROM cases WHERE id = $1', [p.id])).toEqual({ given_name: '', anonymized_at: clock.now() });
    expect(await findAll(p.secrets)).toEqual({});
    expect(await t.db.rows(`SELECT actor_user_id, details FROM audit_events WHERE action = 'case.anonymized' AND entity_id = $1`, [p.id])).toEqual([
      { actor_user_id: mgrA2.user.id, details: { trigger: 'request', anonymizationRequestId: req.body.id } },
    ]);
    // Decided once.
    expectProblem(await api(mgrA2).post(`/api/v1/anonymization-requests/${req.body.id}/reject`).send({}), 409, 'INVALID_TRANSITION');
    expectProblem(await request(mgrA2, p.id), 409, 'CASE_ANONYMIZED');
    // The retention job later finds nothing to do for it.
    expect(await t.db.row(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'case.anonymized' AND entity_id = $1`, [p.id])).toEqual({ n: 1 });
  });

  it('a rejection keeps the case; the reason is sealed in the trail; a reopened case cannot be approved (409)', async () => {
    const p = await person(9, { nationality: 'GMB', sex: 'female', birthYear: 2001, site: 1, vulnerabilities: [], reasons: ['family'], destination: 'DEU' });
    await close(p.id);
    const req = (await request(mgrA, p.id).expect(201)).body;
    const rejected = await api(mgrA2).post(`/api/v1/anonymization-requests/${req.id}/reject`).send({ reason: 'return follow-up ongoing' }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'return follow-up ongoing', decidedBy: mgrA2.user.id });
    expect(await t.db.row('SELECT given_name FROM cases WHERE id = $1', [p.id])).toEqual({ given_name: p.secrets[0] });
    expect(await columnsHolding('return follow-up ongoing')).toEqual(['public.anonymization_requests.decision_reason']);
    expect((await api(mgrA2).get('/api/v1/anonymization-requests?status=rejected').expect(200)).body.items.map((r: { id: string }) => r.id)).toContain(req.id);

    const again = (await request(mgrA2, p.id).expect(201)).body;
    await api(mgrA).post(`/api/v1/cases/${p.id}/reopen`).send().expect(200);
    expectProblem(await api(mgrA).post(`/api/v1/anonymization-requests/${again.id}/approve`).send(), 409, 'CONFLICT');
    expect(await t.db.row('SELECT status FROM anonymization_requests WHERE id = $1', [again.id])).toEqual({ status: 'pending' });
    expect(await t.db.row('SELECT anonymized_at FROM cases WHERE id = $1', [p.id])).toEqual({ anonymized_at: null });
  });
});
