// Issue 9 (Voluntary return), movements: convoys of approved returns (managers of the
// organization), adding and removing returns, the manifest as CSV (parsed back with a CSV parser
// to the same rows, formulas neutralised) and PDF (opened as a viewer would), and departing a
// movement: every return checked first, then all depart in one transaction or none.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { type Role, SitesService, systemActor } from '@passerelle/core';
import { expectProblem, FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';
import { readPdf } from '../support/pdf.js';

const CASES = '/api/v1/cases';
const RETURNS = '/api/v1/returns';
const MOVEMENTS = '/api/v1/movements';
const START = new Date('2026-11-23T08:00:00Z');

const clock = new FixedClock(START);
let t: TestApp;
let A: TestOrg;
let B: TestOrg;
let shelter: string;
const u = {} as Record<'cwA' | 'mgrA' | 'mgrA2' | 'analystA' | 'mgrB', TestUser>;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  A = await makeOrg(t, { capabilities: ['return', 'shelter', 'indulgence_letter'], sites: [{}] });
  B = await makeOrg(t, { capabilities: ['return'], sites: [{}] });
  shelter = (await t.app.get(SitesService).create(systemActor(), A.org.id, { name: 'Transit centre dormitory', kind: 'shelter', bedCapacity: 50, services: ['shelter'], location: { region: 'Gao', cercle: 'Gao' } })).id;
  const user = (o: TestOrg, roles: Role[], siteIds?: string[]) => makeUser(t, o, roles, { siteIds });
  u.cwA = await user(A, ['caseworker'], [A.sites[0].id, shelter]);
  u.mgrA = await user(A, ['manager']);
  u.mgrA2 = await user(A, ['manager']);
  u.analystA = await user(A, ['analyst']);
  u.mgrB = await user(B, ['manager']);
});
afterAll(() => t?.close());

// ---- helpers ------------------------------------------------------------------------------------

let seq = 0;
const ELIGIBLE = { wishesToReturn: true, countryOfReturn: 'GIN', nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'valid', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' };
const LEGS = [{ from: 'Gao', to: 'Niamey', departAt: '2026-12-01T06:00:00Z', carrier: 'Sonef' }];

interface Person {
  givenName: string;
  familyName: string;
  sex: string;
  dateOfBirth?: string;
  birthYear?: number;
  nationality: string;
}

/** An approved return of a new case of `org` (its caseworker drafts and submits, its manager approves). */
async function approvedReturn(opts: { person?: Partial<Person>; doc?: { type: string; number: string } | null; destination?: [string, string]; escortRequired?: boolean; org?: 'A' | 'B' } = {}) {
  const mgr = opts.org === 'B' ? u.mgrB : u.mgrA;
  const site = opts.org === 'B' ? B.sites[0].id : A.sites[0].id;
  const person: Person = { givenName: 'Ousmane', familyName: `Diallo ${++seq}`, sex: 'male', dateOfBirth: '1994-07-01', nationality: 'GIN', ...opts.person };
  const c = await as(t, mgr).post(CASES).send({ siteId: site, identity: person, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } }).expect(201);
  const caseId = c.body.id as string;
  await as(t, mgr).post(`${CASES}/${caseId}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201);
  await as(t, mgr).post(`${CASES}/${caseId}/screenings`).send(ELIGIBLE).expect(201);
  const [country, locality] = opts.destination ?? ['GIN', 'Kankan'];
  const doc = opts.doc === undefined ? { type: 'laissez_passer', number: `LP-${seq}` } : opts.doc;
  clock.advance(1000);
  const r = await as(t, mgr)
    .post(`${CASES}/${caseId}/returns`)
    .send({ destinationCountry: country, destinationLocality: locality, mode: 'road', escortRequired: opts.escortRequired ?? false, legs: LEGS, ...(doc ? { travelDocument: doc } : {}) })
    .expect(201);
  const submitter = opts.org === 'B' ? u.mgrB : u.cwA;
  await as(t, submitter).post(`${RETURNS}/${r.body.id}/submit`).send({}).expect(200);
  if (opts.org !== 'B') await as(t, u.mgrA).post(`${RETURNS}/${r.body.id}/approve`).send({}).expect(200);
  return { id: r.body.id as string, caseId, caseNumber: c.body.caseNumber as string, person, doc, country, locality };
}

const movementBody = (returnIds: string[], extra: Record<string, unknown> = {}) => ({ departureDate: '2026-12-01', carrier: 'Sonef', vehicle: 'AB-1234-MD', escortStaff: ['Moussa Touré', 'Awa Keita'], returnIds, ...extra });
const createMovement = (who: TestUser, body: object) => as(t, who).post(MOVEMENTS).send(body);
const binary = (req: ReturnType<ReturnType<typeof as>['get']>) =>
  req.buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
const movementOf = async (returnId: string) => (await t.db.row<{ movement_id: string | null; status: string }>('SELECT movement_id, status FROM returns WHERE id = $1', [returnId]))!;

// ---- create, read, edit ---------------------------------------------------------------------------

describe('POST /movements', () => {
  it('a manager groups approved returns → 201 planned, numbered; each return points to it; audited on each case’s timeline', async () => {
    const a = await approvedReturn();
    const b = await approvedReturn();
    const res = await createMovement(u.mgrA, movementBody([a.id, b.id]));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'planned', departureDate: '2026-12-01', carrier: 'Sonef', vehicle: 'AB-1234-MD', escortStaff: ['Moussa Touré', 'Awa Keita'], organizationId: A.org.id, departedAt: null });
    expect(res.body.reference).toMatch(new RegExp(`^${A.org.code}-MV-2026-\\d{5}$`));
    expect(res.body.returns.map((r: { id: string }) => r.id).sort()).toEqual([a.id, b.id].sort());
    for (const r of [a, b]) {
      expect(await movementOf(r.id)).toEqual({ movement_id: res.body.id, status: 'approved' });
      const event = await t.db.row(`SELECT organization_id, details FROM audit_events WHERE entity_id = $1 AND action = 'movement.created' AND details ->> 'caseId' = $2`, [res.body.id, r.caseId]);
      expect(event).toEqual({ organization_id: A.org.id, details: { caseId: r.caseId, returnId: r.id, reference: res.body.reference } });
      const timeline = (await as(t, u.mgrA).get(`${CASES}/${r.caseId}/timeline?limit=200`).expect(200)).body.items.map((i: { type: string }) => i.type);
      expect(timeline).toContain('movement.created');
    }
    const got = await as(t, u.mgrA).get(`${MOVEMENTS}/${res.body.id}`).expect(200);
    expect(got.body.returns).toHaveLength(2);
    const list = await as(t, u.mgrA).get(`${MOVEMENTS}?status=planned`).expect(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(res.body.id);
  });

  it('refused: no returns or bad fields → 400; another organization’s or an unknown return → 404; a return not approved → 409 INVALID_TRANSITION; one in another movement → 409; nothing written', async () => {
    const ok = await approvedReturn();
    const before = (await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM movements'))!.n;
    for (const body of [movementBody([]), movementBody([ok.id], { departureDate: '2026-02-30' }), movementBody([ok.id], { carrier: '' }), movementBody([ok.id], { status: 'departed' }), movementBody(['x'])]) {
      expectProblem(await createMovement(u.mgrA, body), 400, 'VALIDATION_FAILED');
    }
    const foreign = await approvedReturn({ org: 'B' });
    for (const id of [foreign.id, randomUUID()]) expectProblem(await createMovement(u.mgrA, movementBody([ok.id, id])), 404, 'NOT_FOUND');
    const submitted = await approvedReturn({ org: 'B' }); // B's manager submitted it; B approves nothing here: still submitted
    expectProblem(await createMovement(u.mgrB, movementBody([submitted.id])), 409, 'INVALID_TRANSITION');
    const first = await createMovement(u.mgrA, movementBody([ok.id]));
    expect(first.status).toBe(201);
    expectProblem(await createMovement(u.mgrA2, movementBody([ok.id])), 409, 'CONFLICT');
    expect((await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM movements'))!.n).toBe(before + 1);
    expect(await movementOf(ok.id)).toEqual({ movement_id: first.body.id, status: 'approved' });
  });

  it('who: caseworkers and analysts may not (403); another organization sees none (404)', async () => {
    const r = await approvedReturn();
    for (const who of [u.cwA, u.analystA]) expectProblem(await createMovement(who, movementBody([r.id])), 403, 'FORBIDDEN');
    const m = (await createMovement(u.mgrA, movementBody([r.id])).expect(201)).body;
    for (const path of ['', '/manifest.csv', '/manifest.pdf']) {
      expectProblem(await as(t, u.mgrB).get(`${MOVEMENTS}/${m.id}${path}`), 404, 'NOT_FOUND');
      expectProblem(await as(t, u.cwA).get(`${MOVEMENTS}/${m.id}${path}`), 404, 'NOT_FOUND');
    }
    expectProblem(await as(t, u.mgrB).post(`${MOVEMENTS}/${m.id}/depart`).send({}), 404, 'NOT_FOUND');
    expectProblem(await as(t, u.cwA).post(`${MOVEMENTS}/${m.id}/depart`).send({}), 403, 'FORBIDDEN');
    expect((await as(t, u.mgrB).get(MOVEMENTS).expect(200)).body.items).toEqual([]);
    expect((await t.db.row('SELECT status FROM movements WHERE id = $1', [m.id]))!).toEqual({ status: 'planned' });
  });

  it('add and remove returns while planned; a return in a planned movement departs with it (409 alone); cancelling it takes it out', async () => {
    const a = await approvedReturn();
    const b = await approvedReturn();
    const c = await approvedReturn();
    const m = (await createMovement(u.mgrA, movementBody([a.id])).expect(201)).body;
    const added = await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/returns`).send({ returnId: b.id });
    expect(added.status).toBe(200);
    expect(added.body.returns.map((r: { id: string }) => r.id).sort()).toEqual([a.id, b.id].sort());
    expectProblem(await as(t, u.cwA).post(`${RETURNS}/${b.id}/depart`).send({}), 409, 'CONFLICT');
    const removed = await as(t, u.mgrA).delete(`${MOVEMENTS}/${m.id}/returns/${b.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.returns.map((r: { id: string }) => r.id)).toEqual([a.id]);
    expect(await movementOf(b.id)).toEqual({ movement_id: null, status: 'approved' });
    expectProblem(await as(t, u.mgrA).delete(`${MOVEMENTS}/${m.id}/returns/${c.id}`), 404, 'NOT_FOUND');
    expect((await t.db.rows(`SELECT details FROM audit_events WHERE entity_id = $1 AND action IN ('movement.return_added', 'movement.return_removed') ORDER BY seq`, [m.id])).length).toBe(2);
    // The migrant changes their mind: the return leaves the convoy.
    await as(t, u.cwA).post(`${RETURNS}/${a.id}/cancel`).send({ reason: 'changed their mind' }).expect(200);
    expect(await movementOf(a.id)).toEqual({ movement_id: null, status: 'cancelled' });
    expect((await t.db.row(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'return.cancelled'`, [a.id]))!.details).toEqual({ caseId: a.caseId, movementId: m.id });
    expect((await as(t, u.mgrA).get(`${MOVEMENTS}/${m.id}`).expect(200)).body.returns).toEqual([]);
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({}), 409, 'CONFLICT');
  });
});

// ---- manifest -------------------------------------------------------------------------------------------

describe('the manifest', () => {
  it('CSV: parsed back by a CSV parser, the same rows (commas, quotes, accents, line breaks kept; formulas neutralised); download audited per case', async () => {
    const people = [
      await approvedReturn({ person: { givenName: 'Fatoumata "Fanta"', familyName: 'Koné, épouse Traoré', sex: 'female', dateOfBirth: '2001-02-03' }, destination: ['CIV', 'Bouaké'], escortRequired: true }),
      await approvedReturn({ person: { givenName: 'Ibrahima', familyName: 'Sow', sex: 'male', dateOfBirth: undefined, birthYear: 1990, nationality: 'SEN' }, destination: ['SEN', 'Tambacounda'], doc: { type: 'passport', number: 'A00123456' } }),
      await approvedReturn({ person: { givenName: '=HYPERLINK("http://x")', familyName: 'Test', sex: 'unknown' } }),
    ];
    const m = (await createMovement(u.mgrA, movementBody(people.map((p) => p.id))).expect(201)).body;
    const res = await binary(as(t, u.mgrA).get(`${MOVEMENTS}/${m.id}/manifest.csv`)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${m.reference}.csv"`);
    const records = parse((res.body as Buffer).toString('utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    const expected = [...people]
      .sort((x, y) => (x.caseNumber < y.caseNumber ? -1 : 1))
      .map((p) => ({
        movement_date: '2026-12-01',
        carrier: 'Sonef',
        vehicle: 'AB-1234-MD',
        case_number: p.caseNumber,
        full_name: `${p.person.givenName.startsWith('=') ? "'" : ''}${p.person.givenName} ${p.person.familyName}`,
        sex: p.person.sex,
        date_of_birth: p.person.dateOfBirth ?? `${p.person.birthYear} (year only)`,
        nationality: p.person.nationality,
        destination_country: p.country,
        destination_locality: p.locality,
        travel_document_type: p.doc!.type,
        travel_document_number: p.doc!.number,
        escort_required: p.country === 'CIV' ? 'yes' : 'no',
      }));
    expect(records).toEqual(expected);
    const viewed = await t.db.rows<{ details: { caseId: string; format: string } }>(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'movement.manifest_viewed'`, [m.id]);
    expect(viewed.map((e) => e.details.caseId).sort()).toEqual(people.map((p) => p.caseId).sort());
    expect(viewed.every((e) => e.details.format === 'csv')).toBe(true);
  });

  it('PDF: opens as a PDF (pdf.js), lists the convoy and each migrant; a long convoy continues on more pages; download audited', async () => {
    const people = [];
    for (let i = 0; i < 30; i++) people.push(await approvedReturn({ person: { givenName: i === 0 ? 'Aïssata' : 'Kadiatou', familyName: `Bah ${i}`, sex: 'female' } }));
    const m = (await createMovement(u.mgrA, movementBody(people.map((p) => p.id))).expect(201)).body;
    const res = await binary(as(t, u.mgrA).get(`${MOVEMENTS}/${m.id}/manifest.pdf`)).expect(200);
    const pdf = res.body as Buffer;
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const read = await readPdf(pdf, 1);
    expect(read.pages).toBeGreaterThanOrEqual(2);
    for (const text of ['MANIFESTE DE CONVOI', 'Movement manifest', m.reference, 'Sonef', 'AB-1234-MD', 'Moussa Touré', 'Aïssata Bah 0', people[0].caseNumber, 'laissez_passer']) expect(read.text).toContain(text);
    expect(await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'movement.manifest_viewed' AND details ->> 'format' = 'pdf'`, [m.id])).toEqual({ n: 30 });
  });
});

// ---- departure ----------------------------------------------------------------------------------------------

describe('POST /movements/{id}/depart', () => {
  /** A check-in of the case at A's shelter, and an active letter. */
  async function housed(caseId: string) {
    const stay = (await as(t, u.cwA).post('/api/v1/stays').send({ caseId, siteId: shelter }).expect(201)).body.id as string;
    const letter = (await as(t, u.mgrA).post(`${CASES}/${caseId}/letters`).send({ validFrom: '2026-11-23', validUntil: '2026-12-10', purpose: 'return', route: { from: 'Gao', to: 'Niamey' } }).expect(201)).body.id as string;
    return { stay, letter };
  }
  const state = async (rs: { id: string; caseId: string }[]) =>
    Promise.all(
      rs.map(async (r) => ({
        r: (await movementOf(r.id)).status,
        stays: (await t.db.rows<{ status: string }>('SELECT status FROM stays WHERE case_id = $1', [r.caseId])).map((x) => x.status),
        letters: (await t.db.rows<{ status: string }>('SELECT status FROM letters WHERE case_id = $1', [r.caseId])).map((x) => x.status),
      })),
    );

  it('every return is checked first: one without a travel document → 409 DEPARTURE_REQUIREMENTS_MISSING naming it, nothing departs; then all depart together, stays end, letters are superseded', async () => {
    const a = await approvedReturn();
    const b = await approvedReturn({ doc: null });
    for (const r of [a, b]) await housed(r.caseId);
    const m = (await createMovement(u.mgrA, movementBody([a.id, b.id])).expect(201)).body;
    const problem = expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({}), 409, 'DEPARTURE_REQUIREMENTS_MISSING');
    expect(problem).toMatchObject({ missing: ['travel_document'], returns: [{ returnId: b.id, caseNumber: b.caseNumber, missing: ['travel_document'] }] });
    expect(await state([a, b])).toEqual([
      { r: 'approved', stays: ['active'], letters: ['active'] },
      { r: 'approved', stays: ['active'], letters: ['active'] },
    ]);
    const v = (await t.db.row<{ version: number }>('SELECT version FROM returns WHERE id = $1', [b.id]))!.version;
    await as(t, u.cwA).patch(`${RETURNS}/${b.id}`).set('if-match', `"${v}"`).send({ travelDocument: { type: 'passport', number: 'P777' } }).expect(200);
    const res = await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'departed', departedAt: clock.now().toISOString() });
    expect(res.body.returns.map((r: { status: string }) => r.status)).toEqual(['departed', 'departed']);
    expect(await state([a, b])).toEqual([
      { r: 'departed', stays: ['checked_out'], letters: ['superseded'] },
      { r: 'departed', stays: ['checked_out'], letters: ['superseded'] },
    ]);
    for (const r of [a, b]) {
      expect((await t.db.row<{ details: { movementId: string } }>(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'return.departed'`, [r.id]))!.details.movementId).toBe(m.id);
      expect(await t.db.row(`SELECT 1 AS one FROM audit_events WHERE entity_id = $1 AND action = 'movement.departed' AND details ->> 'caseId' = $2`, [m.id, r.caseId])).toEqual({ one: 1 });
    }
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({}), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/returns`).send({ returnId: (await approvedReturn()).id }), 409, 'INVALID_TRANSITION');
    // The manifest remains readable after departure.
    const csv = await binary(as(t, u.mgrA).get(`${MOVEMENTS}/${m.id}/manifest.csv`)).expect(200);
    expect(parse((csv.body as Buffer).toString('utf8'), { columns: true })).toHaveLength(2);
  });

  it('one transaction: a failure while departing the last return (its letter) rolls back the returns, stays and letters already done', async () => {
    const rs = [await approvedReturn(), await approvedReturn(), await approvedReturn()];
    for (const r of rs) await housed(r.caseId);
    const m = (await createMovement(u.mgrA, movementBody(rs.map((r) => r.id))).expect(201)).body;
    const last = [...rs].sort((x, y) => (x.id < y.id ? -1 : 1))[2];
    const events = (await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM audit_events'))!.n;
    await t.db.rows(`CREATE FUNCTION test_fail_letter() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
    await t.db.rows(`CREATE TRIGGER test_fail_letter BEFORE UPDATE ON letters FOR EACH ROW WHEN (OLD.case_id = '${last.caseId}') EXECUTE FUNCTION test_fail_letter()`);
    try {
      expect((await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({})).status).toBe(500);
    } finally {
      await t.db.rows('DROP TRIGGER test_fail_letter ON letters');
      await t.db.rows('DROP FUNCTION test_fail_letter()');
    }
    expect(await state(rs)).toEqual(rs.map(() => ({ r: 'approved', stays: ['active'], letters: ['active'] })));
    expect(await t.db.row('SELECT status, departed_at FROM movements WHERE id = $1', [m.id])).toEqual({ status: 'planned', departed_at: null });
    expect((await t.db.row<{ n: number }>('SELECT count(*)::int AS n FROM audit_events'))!.n).toBe(events);
    expect((await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({})).status).toBe(200);
  });

  it('the return consent of each is checked again (409 CONSENT_REQUIRED, nothing departs)', async () => {
    const a = await approvedReturn();
    const b = await approvedReturn();
    const m = (await createMovement(u.mgrA, movementBody([a.id, b.id])).expect(201)).body;
    const [k] = await t.db.rows<{ id: string }>(`SELECT id FROM consents WHERE case_id = $1 AND purpose = 'return'`, [b.caseId]);
    await as(t, u.mgrA).post(`${CASES}/${b.caseId}/consents/${k.id}/withdraw`).send({}).expect(200);
    expect(expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({}), 409, 'CONSENT_REQUIRED').returnIds).toEqual([b.id]);
    expect([(await movementOf(a.id)).status, (await movementOf(b.id)).status]).toEqual(['approved', 'approved']);
  });
});

describe('POST /movements/{id}/cancel', () => {
  it('a planned convoy called off: its returns leave it, still approved, and may join another or depart alone; one event per case; the reason is kept', async () => {
    const a = await approvedReturn();
    const b = await approvedReturn();
    const m = (await createMovement(u.mgrA, movementBody([a.id, b.id])).expect(201)).body;
    const res = await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/cancel`).send({ reason: 'Route closed after an attack near Ansongo' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: m.id, status: 'cancelled', cancelledAt: clock.now().toISOString(), cancelReason: 'Route closed after an attack near Ansongo', departedAt: null, returns: [] });
    expect([await movementOf(a.id), await movementOf(b.id)]).toEqual([
      { movement_id: null, status: 'approved' },
      { movement_id: null, status: 'approved' },
    ]);
    const events = await t.db.rows<{ details: { caseId: string; returnId: string } }>(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'movement.cancelled' ORDER BY seq`, [m.id]);
    expect(events.map((e) => e.details.returnId).sort()).toEqual([a.id, b.id].sort());
    expect(events.map((e) => e.details.caseId).sort()).toEqual([a.caseId, b.caseId].sort());
    // Free to leave another way: one joins a new convoy, the other departs alone.
    await createMovement(u.mgrA, movementBody([a.id])).expect(201);
    expect((await as(t, u.cwA).post(`${RETURNS}/${b.id}/depart`).send({})).status).toBe(200);
    // The cancelled convoy takes no more returns, does not leave, and is not cancelled twice.
    const c = await approvedReturn();
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/returns`).send({ returnId: c.id }), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({}), 409, 'INVALID_TRANSITION');
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/cancel`).send({ reason: 'again' }), 409, 'INVALID_TRANSITION');
    expect((await as(t, u.mgrA).get(`${MOVEMENTS}?status=cancelled&limit=200`).expect(200)).body.items.map((x: { id: string }) => x.id)).toContain(m.id);
  });

  it('a departed convoy cannot be cancelled (409); no reason → 400; caseworkers 403; another organization 404; nothing written', async () => {
    const a = await approvedReturn();
    const m = (await createMovement(u.mgrA, movementBody([a.id])).expect(201)).body;
    const before = await t.db.row('SELECT status, cancelled_at, updated_at FROM movements WHERE id = $1', [m.id]);
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/cancel`).send({}), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/cancel`).send({ reason: '' }), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, u.cwA).post(`${MOVEMENTS}/${m.id}/cancel`).send({ reason: 'no bus' }), 403, 'FORBIDDEN');
    expectProblem(await as(t, u.mgrB).post(`${MOVEMENTS}/${m.id}/cancel`).send({ reason: 'no bus' }), 404, 'NOT_FOUND');
    expect(await t.db.row('SELECT status, cancelled_at, updated_at FROM movements WHERE id = $1', [m.id])).toEqual(before);
    expect(await movementOf(a.id)).toEqual({ movement_id: m.id, status: 'approved' });
    await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/depart`).send({}).expect(200);
    expectProblem(await as(t, u.mgrA).post(`${MOVEMENTS}/${m.id}/cancel`).send({ reason: 'too late' }), 409, 'INVALID_TRANSITION');
    expect(await movementOf(a.id)).toEqual({ movement_id: m.id, status: 'departed' });
  });
});
