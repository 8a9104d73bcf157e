import { randomBytes } from 'node:crypto';
import type { Role } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, PASSWORD, type TestOrg, type TestUser } from '../support/factories.js';

/**
 * Administration (DESIGN §1, API.md "Bootstrap and administration", issue 4): platform admins
 * manage organizations and create org admins; org admins manage their own org's users and sites;
 * nobody edits another org's anything; nobody grants platform_admin or a role they do not hold.
 */

let t: TestApp;
let platform: TestOrg;
let admin: TestUser; // platform_admin

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000' } });
  platform = await makeOrg(t, { capabilities: [], sites: [] });
  admin = await makeUser(t, platform, ['platform_admin']);
});
afterAll(() => t?.close());

const suffix = () => randomBytes(3).toString('hex').toUpperCase();
const newCode = (prefix = 'ADM') => `${prefix}-${suffix()}`;
const count = async (sql: string, params: unknown[] = []) => (await t.db.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))!.n;
const auditActions = async (entityId: string) =>
  (await t.db.rows<{ action: string }>('SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY seq', [entityId])).map((r) => r.action);
const fieldsOf = (body: Record<string, unknown>) => ((body.errors ?? []) as { field: string }[]).map((e) => e.field);

/** A response body must never carry a password or its hash, under any key or as a value. */
function expectNoSecrets(body: unknown) {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/password/i);
  expect(text).not.toMatch(/\$argon2/);
  expect(text).not.toContain(PASSWORD);
}

describe('POST /organizations (platform_admin only)', () => {
  it('creates the organization → 201 with its fields, audited, attributed', async () => {
    const code = newCode('MDM');
    const res = await as(t, admin)
      .post('/api/v1/organizations')
      .send({ code, name: 'Maison du Migrant', kind: 'ngo', capabilities: ['shelter', 'health', 'legal', 'transport', 'indulgence_letter'] })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      code,
      name: 'Maison du Migrant',
      kind: 'ngo',
      capabilities: ['shelter', 'health', 'legal', 'transport', 'indulgence_letter'],
      active: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await t.db.row('SELECT code, created_by, updated_by FROM organizations WHERE id = $1', [res.body.id])).toEqual({ code, created_by: admin.user.id, updated_by: admin.user.id });
    expect(await auditActions(res.body.id)).toEqual(['organization.created']);
    expect((await as(t, admin).get(`/api/v1/organizations/${res.body.id}`).expect(200)).body).toEqual(res.body);
  });

  it('a duplicate code → 409 CODE_TAKEN, nothing written', async () => {
    const code = newCode();
    await as(t, admin).post('/api/v1/organizations').send({ code, name: 'First', kind: 'ngo', capabilities: [] }).expect(201);
    const res = await as(t, admin).post('/api/v1/organizations').send({ code, name: 'Second', kind: 'government', capabilities: ['health'] });
    expectProblem(res, 409, 'CODE_TAKEN');
    expect(await t.db.rows('SELECT name FROM organizations WHERE code = $1', [code])).toEqual([{ name: 'First' }]);
  });

  it('concurrent creates of one code: exactly one 201, the others 409 CODE_TAKEN', async () => {
    const code = newCode();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => as(t, admin).post('/api/v1/organizations').send({ code, name: `Racer ${i}`, kind: 'ngo', capabilities: [] })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    results.filter((r) => r.status === 409).forEach((r) => expectProblem(r, 409, 'CODE_TAKEN'));
    expect(await count('organizations WHERE code = $1', [code])).toBe(1);
  });

  it.each(['mdm gao', 'mdm-gao', 'MDM GAO', 'MDM_GAO', 'M', 'A'.repeat(21), 'MDM-GAO\n', ''])('a bad code %j → 400 VALIDATION_FAILED on code', async (code) => {
    const before = await count('organizations');
    const body = expectProblem(await as(t, admin).post('/api/v1/organizations').send({ code, name: 'Bad code', kind: 'ngo', capabilities: [] }), 400, 'VALIDATION_FAILED');
    expect(fieldsOf(body)).toContain('code');
    expect(await count('organizations')).toBe(before);
  });

  it('an unknown capability → 400 naming the field', async () => {
    const code = newCode();
    const body = expectProblem(await as(t, admin).post('/api/v1/organizations').send({ code, name: 'X org', kind: 'ngo', capabilities: ['health', 'teleportation'] }), 400, 'VALIDATION_FAILED');
    expect(fieldsOf(body).some((f) => f.startsWith('capabilities'))).toBe(true);
    expect(await count('organizations WHERE code = $1', [code])).toBe(0);
  });

  it('an unknown kind, a missing name, an unknown field, a repeated capability → 400', async () => {
    const code = newCode();
    const bad = [
      { code, name: 'X org', kind: 'ngo', capabilities: ['health', 'health'] },
      { code, name: 'X org', kind: 'club', capabilities: [] },
      { code, kind: 'ngo', capabilities: [] },
      { code, name: 'X org', kind: 'ngo', capabilities: [], active: false, id: '6f1c1f9e-1b1a-4c4e-9a43-0a5d7a0c9e11' },
      { code, name: 'X org', kind: 'ngo', capabilities: 'health' },
    ];
    for (const body of bad) expectProblem(await as(t, admin).post('/api/v1/organizations').send(body), 400, 'VALIDATION_FAILED');
    expect(await count('organizations WHERE code = $1', [code])).toBe(0);
  });

  it.each<[Role[]]>([[['org_admin']], [['caseworker']], [['manager']], [['analyst']], [['auditor']], [['org_admin', 'manager']]])('%j → 403 FORBIDDEN, nothing written', async (roles) => {
    const org = await makeOrg(t);
    const u = await makeUser(t, org, roles);
    const code = newCode();
    expectProblem(await as(t, u).post('/api/v1/organizations').send({ code, name: 'Not mine', kind: 'ngo', capabilities: [] }), 403, 'FORBIDDEN');
    expect(await count('organizations WHERE code = $1', [code])).toBe(0);
  });

  it('anonymous → 401', async () => {
    expectProblem(await t.http.post('/api/v1/organizations').send({ code: newCode(), name: 'Anon', kind: 'ngo', capabilities: [] }), 401, 'UNAUTHENTICATED');
  });

  describe('Idempotency-Key', () => {
    it('the same key and body replays the first response; one row only', async () => {
      const key = `idem-${suffix()}`;
      const body = { code: newCode(), name: 'Retried over a bad connection', kind: 'ngo', capabilities: ['information'] };
      const first = await as(t, admin).post('/api/v1/organizations').set('idempotency-key', key).send(body).expect(201);
      const second = await as(t, admin).post('/api/v1/organizations').set('idempotency-key', key).send(body);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await count('organizations WHERE code = $1', [body.code])).toBe(1);
      expect(await auditActions(first.body.id)).toEqual(['organization.created']);
    });

    it('the same key with another body → 422 IDEMPOTENCY_KEY_REUSED, nothing created', async () => {
      const key = `idem-${suffix()}`;
      const first = { code: newCode(), name: 'First body', kind: 'ngo', capabilities: [] };
      const other = { ...first, code: newCode(), name: 'Another body' };
      await as(t, admin).post('/api/v1/organizations').set('idempotency-key', key).send(first).expect(201);
      expectProblem(await as(t, admin).post('/api/v1/organizations').set('idempotency-key', key).send(other), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await count('organizations WHERE code = $1', [other.code])).toBe(0);
      expect(await count('organizations WHERE code = $1', [first.code])).toBe(1);
    });

    it('concurrent retries with one key do the work once', async () => {
      const key = `idem-${suffix()}`;
      const body = { code: newCode(), name: 'Racing retries', kind: 'ngo', capabilities: [] };
      const results = await Promise.all(Array.from({ length: 4 }, () => as(t, admin).post('/api/v1/organizations').set('idempotency-key', key).send(body)));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await count('organizations WHERE code = $1', [body.code])).toBe(1);
    });

    it('a failed attempt releases the key: the same request is tried again, not replayed; a corrected one may then use the key', async () => {
      const key = `idem-${suffix()}`;
      const taken = newCode();
      await as(t, admin).post('/api/v1/organizations').send({ code: taken, name: 'Holder', kind: 'ngo', capabilities: [] }).expect(201);
      const body = { code: taken, name: 'Clash', kind: 'ngo', capabilities: [] };
      expectProblem(await as(t, admin).post('/api/v1/organizations').set('idempotency-key', key).send(body), 409, 'CODE_TAKEN');
      // The key was released: the same request is attempted again (and fails again), not replayed as a success.
      expectProblem(await as(t, admin).post('/api/v1/organizations').set('idempotency-key', key).send(body), 409, 'CODE_TAKEN');
      const fixed = { ...body, code: newCode() };
      await as(t, admin).post('/api/v1/organizations').set('idempotency-key', key).send(fixed).expect(201);
    });
  });
});

describe('PATCH /organizations/{id}', () => {
  it('platform_admin renames: only the given fields change, audited with old and new', async () => {
    const o = await makeOrg(t, { capabilities: ['health', 'shelter'] });
    const res = await as(t, admin).patch(`/api/v1/organizations/${o.org.id}`).send({ name: 'Maison du Migrant de Gao' }).expect(200);
    expect(res.body).toMatchObject({ id: o.org.id, code: o.org.code, name: 'Maison du Migrant de Gao', kind: 'ngo', capabilities: ['health', 'shelter'], active: true });
    expect(await t.db.row('SELECT code, name, kind, capabilities, active, updated_by FROM organizations WHERE id = $1', [o.org.id])).toEqual({
      code: o.org.code,
      name: 'Maison du Migrant de Gao',
      kind: 'ngo',
      capabilities: ['health', 'shelter'],
      active: true,
      updated_by: admin.user.id,
    });
    const event = await t.db.row(`SELECT changes, actor_user_id FROM audit_events WHERE entity_id = $1 AND action = 'organization.updated'`, [o.org.id]);
    expect(event).toEqual({ actor_user_id: admin.user.id, changes: { name: { old: o.org.name, new: 'Maison du Migrant de Gao' } } });
  });

  it('changes capabilities and the active flag, keeping the rest', async () => {
    const o = await makeOrg(t, { capabilities: ['health'] });
    const res = await as(t, admin).patch(`/api/v1/organizations/${o.org.id}`).send({ capabilities: ['health', 'legal'], active: false }).expect(200);
    expect(res.body).toMatchObject({ name: o.org.name, capabilities: ['health', 'legal'], active: false });
    expect(await t.db.row('SELECT name, capabilities, active FROM organizations WHERE id = $1', [o.org.id])).toEqual({ name: o.org.name, capabilities: ['health', 'legal'], active: false });
    const event = await t.db.row(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'organization.updated'`, [o.org.id]);
    expect(event).toEqual({ changes: { capabilities: { old: ['health'], new: ['health', 'legal'] }, active: { old: true, new: false } } });
  });

  it('the code is not patchable; unknown capability → 400; nothing changes', async () => {
    const o = await makeOrg(t);
    expect(fieldsOf(expectProblem(await as(t, admin).patch(`/api/v1/organizations/${o.org.id}`).send({ code: 'NEW-CODE' }), 400, 'VALIDATION_FAILED'))).toContain('code');
    expectProblem(await as(t, admin).patch(`/api/v1/organizations/${o.org.id}`).send({ capabilities: ['magic'] }), 400, 'VALIDATION_FAILED');
    expect(await t.db.row('SELECT code, capabilities FROM organizations WHERE id = $1', [o.org.id])).toEqual({ code: o.org.code, capabilities: o.org.capabilities });
  });

  it('the org’s own org_admin, or anyone else, → 403; an unknown id → 404', async () => {
    const o = await makeOrg(t);
    for (const roles of [['org_admin'], ['manager'], ['auditor']] as Role[][]) {
      const u = await makeUser(t, o, roles);
      expectProblem(await as(t, u).patch(`/api/v1/organizations/${o.org.id}`).send({ name: 'Self-renamed' }), 403, 'FORBIDDEN');
    }
    expect(await t.db.row('SELECT name FROM organizations WHERE id = $1', [o.org.id])).toEqual({ name: o.org.name });
    expectProblem(await as(t, admin).patch('/api/v1/organizations/6f1c1f9e-1b1a-4c4e-9a43-0a5d7a0c9e11').send({ name: 'Ghost' }), 404, 'NOT_FOUND');
    expectProblem(await as(t, admin).patch('/api/v1/organizations/not-a-uuid').send({ name: 'Ghost' }), 400, 'VALIDATION_FAILED');
  });
});

describe('POST /organizations/{id}/sites (org_admin of that org)', () => {
  let o: TestOrg;
  let orgAdmin: TestUser;
  const sites = () => `/api/v1/organizations/${o.org.id}/sites`;

  beforeAll(async () => {
    o = await makeOrg(t, { capabilities: ['shelter', 'health', 'legal', 'information'], sites: [] });
    orgAdmin = await makeUser(t, o, ['org_admin']);
  });

  it('fills the OCHA P-codes from the names: Gao → ML07, cercle Gao → ML0703', async () => {
    const res = await as(t, orgAdmin)
      .post(sites())
      .send({ name: 'Maison du Migrant de Gao', kind: 'shelter', location: { region: 'Gao', cercle: 'Gao', commune: 'Gao' }, bedCapacity: 40, maxStayDays: 10, services: ['shelter', 'health'] })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      organizationId: o.org.id,
      name: 'Maison du Migrant de Gao',
      kind: 'shelter',
      location: { region: 'Gao', regionPcode: 'ML07', cercle: 'Gao', cerclePcode: 'ML0703', commune: 'Gao', communePcode: null },
      bedCapacity: 40,
      maxStayDays: 10,
      services: ['shelter', 'health'],
      active: true,
    });
    expect(await t.db.row('SELECT region_pcode, cercle_pcode, created_by FROM sites WHERE id = $1', [res.body.id])).toEqual({ region_pcode: 'ML07', cercle_pcode: 'ML0703', created_by: orgAdmin.user.id });
    expect(await auditActions(res.body.id)).toEqual(['site.created']);
  });

  it('cercle Douentza under region Mopti → ML0504 (and Mopti ML05)', async () => {
    const res = await as(t, orgAdmin).post(sites()).send({ name: 'CIAUD Douentza', kind: 'office', location: { region: 'Mopti', cercle: 'Douentza' } }).expect(201);
    expect(res.body.location).toMatchObject({ region: 'Mopti', regionPcode: 'ML05', cercle: 'Douentza', cerclePcode: 'ML0504' });
  });

  it.each(['menaka', 'MENAKA', 'Ménaka', 'ménaka'])('names match without accents or case: %j → Ménaka ML10', async (region) => {
    const res = await as(t, orgAdmin).post(sites()).send({ name: `Bureau ${region}`, kind: 'office', location: { region } }).expect(201);
    expect(res.body.location).toMatchObject({ region: 'Ménaka', regionPcode: 'ML10' });
  });

  it('a P-code alone fills the name', async () => {
    const res = await as(t, orgAdmin).post(sites()).send({ name: 'Bureau par code', kind: 'office', location: { regionPcode: 'ML05', cerclePcode: 'ML0504' } }).expect(201);
    expect(res.body.location).toMatchObject({ region: 'Mopti', regionPcode: 'ML05', cercle: 'Douentza', cerclePcode: 'ML0504' });
  });

  it.each([
    [{ regionPcode: 'ML99' }, 'location.regionPcode'],
    [{ region: 'Gao', cerclePcode: 'ML0799' }, 'location.cerclePcode'],
    [{ region: 'Gao', regionPcode: 'ML05' }, 'location.regionPcode'],
  ])('an unknown or contradicting P-code %j → 400 on %s, nothing written', async (location, field) => {
    const before = await count('sites WHERE organization_id = $1', [o.org.id]);
    const body = expectProblem(await as(t, orgAdmin).post(sites()).send({ name: 'Nowhere', kind: 'office', location }), 400, 'VALIDATION_FAILED');
    expect(fieldsOf(body)).toContain(field);
    expect(await count('sites WHERE organization_id = $1', [o.org.id])).toBe(before);
  });

  it('a malformed P-code → 400', async () => {
    expectProblem(await as(t, orgAdmin).post(sites()).send({ name: 'Bad', kind: 'office', location: { regionPcode: 'GAO' } }), 400, 'VALIDATION_FAILED');
  });

  it('a shelter without bedCapacity → 400 on bedCapacity', async () => {
    const before = await count('sites WHERE organization_id = $1', [o.org.id]);
    const body = expectProblem(await as(t, orgAdmin).post(sites()).send({ name: 'Shelter without beds', kind: 'shelter', location: { region: 'Gao' } }), 400, 'VALIDATION_FAILED');
    expect(fieldsOf(body)).toContain('bedCapacity');
    expect(await count('sites WHERE organization_id = $1', [o.org.id])).toBe(before);
  });

  it('maxStayDays defaults to 10 for a shelter; not for other kinds', async () => {
    const shelter = await as(t, orgAdmin).post(sites()).send({ name: 'Refuge', kind: 'shelter', bedCapacity: 12 }).expect(201);
    expect(shelter.body).toMatchObject({ bedCapacity: 12, maxStayDays: 10 });
    expect(await t.db.row('SELECT max_stay_days FROM sites WHERE id = $1', [shelter.body.id])).toEqual({ max_stay_days: 10 });
    const office = await as(t, orgAdmin).post(sites()).send({ name: 'Bureau', kind: 'office' }).expect(201);
    expect(office.body).toMatchObject({ bedCapacity: null, maxStayDays: null });
  });

  it('out-of-range bedCapacity or maxStayDays → 400', async () => {
    expectProblem(await as(t, orgAdmin).post(sites()).send({ name: 'Refuge', kind: 'shelter', bedCapacity: -1 }), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, orgAdmin).post(sites()).send({ name: 'Refuge', kind: 'shelter', bedCapacity: 10, maxStayDays: 0 }), 400, 'VALIDATION_FAILED');
    expectProblem(await as(t, orgAdmin).post(sites()).send({ name: 'Refuge', kind: 'shelter', bedCapacity: 10.5 }), 400, 'VALIDATION_FAILED');
  });

  it('services outside the organization’s capabilities → 400 on services', async () => {
    const before = await count('sites WHERE organization_id = $1', [o.org.id]);
    const body = expectProblem(await as(t, orgAdmin).post(sites()).send({ name: 'Return desk', kind: 'office', services: ['information', 'return'] }), 400, 'VALIDATION_FAILED');
    expect(fieldsOf(body)).toContain('services');
    expect(await count('sites WHERE organization_id = $1', [o.org.id])).toBe(before);
  });

  it('another org’s org_admin may read the org but not create its sites → 403', async () => {
    const other = await makeOrg(t);
    const otherAdmin = await makeUser(t, other, ['org_admin']);
    await as(t, otherAdmin).get(`/api/v1/organizations/${o.org.id}`).expect(200);
    const before = await count('sites WHERE organization_id = $1', [o.org.id]);
    expectProblem(await as(t, otherAdmin).post(sites()).send({ name: 'Squatted', kind: 'office' }), 403, 'FORBIDDEN');
    expect(await count('sites WHERE organization_id = $1', [o.org.id])).toBe(before);
  });

  it.each<[Role[]]>([[['platform_admin']], [['caseworker']], [['manager']], [['analyst']], [['auditor']]])('%j → 403', async (roles) => {
    const u = roles.includes('platform_admin') ? admin : await makeUser(t, o, roles);
    const before = await count('sites WHERE organization_id = $1', [o.org.id]);
    expectProblem(await as(t, u).post(sites()).send({ name: 'Not allowed', kind: 'office' }), 403, 'FORBIDDEN');
    expect(await count('sites WHERE organization_id = $1', [o.org.id])).toBe(before);
  });

  it('an unknown organization → 404', async () => {
    expectProblem(await as(t, orgAdmin).post('/api/v1/organizations/6f1c1f9e-1b1a-4c4e-9a43-0a5d7a0c9e11/sites').send({ name: 'Ghost', kind: 'office' }), 404, 'NOT_FOUND');
  });
});

describe('GET /sites, GET /sites/{id}, PATCH /sites/{id}', () => {
  let o: TestOrg;
  let orgAdmin: TestUser;
  let shelterId: string;
  let officeId: string;

  beforeAll(async () => {
    o = await makeOrg(t, { capabilities: ['shelter', 'health', 'information'], sites: [] });
    orgAdmin = await makeUser(t, o, ['org_admin']);
    shelterId = (await as(t, orgAdmin).post(`/api/v1/organizations/${o.org.id}/sites`).send({ name: 'A shelter', kind: 'shelter', bedCapacity: 20, location: { region: 'Gao' }, services: ['shelter'] }).expect(201)).body.id;
    officeId = (await as(t, orgAdmin).post(`/api/v1/organizations/${o.org.id}/sites`).send({ name: 'B office', kind: 'office', services: ['information'] }).expect(201)).body.id;
  });

  it('every signed-in role reads the sites; filters organizationId, kind, service', async () => {
    const other = await makeOrg(t);
    for (const roles of [['caseworker'], ['analyst'], ['auditor']] as Role[][]) {
      const u = await makeUser(t, other, roles);
      const all = await as(t, u).get(`/api/v1/sites?organizationId=${o.org.id}`).expect(200);
      expect(all.body.items.map((s: { id: string }) => s.id)).toEqual([shelterId, officeId]);
      expect((await as(t, u).get(`/api/v1/sites?organizationId=${o.org.id}&kind=shelter`).expect(200)).body.items.map((s: { id: string }) => s.id)).toEqual([shelterId]);
      expect((await as(t, u).get(`/api/v1/sites?organizationId=${o.org.id}&service=information`).expect(200)).body.items.map((s: { id: string }) => s.id)).toEqual([officeId]);
      expect((await as(t, u).get(`/api/v1/sites/${shelterId}`).expect(200)).body).toMatchObject({ id: shelterId, kind: 'shelter', bedCapacity: 20, maxStayDays: 10 });
    }
    expect((await as(t, admin).get(`/api/v1/organizations/${o.org.id}/sites`).expect(200)).body.items.map((s: { id: string }) => s.id)).toEqual([shelterId, officeId]);
  });

  it('GET /sites paginates with a cursor', async () => {
    const first = await as(t, orgAdmin).get(`/api/v1/sites?organizationId=${o.org.id}&limit=1`).expect(200);
    expect(first.body.items.map((s: { id: string }) => s.id)).toEqual([shelterId]);
    const second = await as(t, orgAdmin).get(`/api/v1/sites?organizationId=${o.org.id}&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`).expect(200);
    expect(second.body.items.map((s: { id: string }) => s.id)).toEqual([officeId]);
  });

  it('an unknown site → 404; a malformed id → 400; anonymous → 401', async () => {
    expectProblem(await as(t, orgAdmin).get('/api/v1/sites/6f1c1f9e-1b1a-4c4e-9a43-0a5d7a0c9e11'), 404, 'NOT_FOUND');
    expectProblem(await as(t, orgAdmin).get('/api/v1/sites/123'), 400, 'VALIDATION_FAILED');
    expectProblem(await t.http.get('/api/v1/sites'), 401, 'UNAUTHENTICATED');
  });

  it('the org_admin patches: capacity, location re-resolved, only given fields change; audited', async () => {
    const res = await as(t, orgAdmin).patch(`/api/v1/sites/${shelterId}`).send({ bedCapacity: 35, location: { region: 'Mopti', cercle: 'Douentza' } }).expect(200);
    expect(res.body).toMatchObject({ id: shelterId, name: 'A shelter', kind: 'shelter', bedCapacity: 35, maxStayDays: 10, services: ['shelter'] });
    expect(res.body.location).toMatchObject({ region: 'Mopti', regionPcode: 'ML05', cercle: 'Douentza', cerclePcode: 'ML0504' });
    const event = await t.db.row(`SELECT changes, actor_user_id FROM audit_events WHERE entity_id = $1 AND action = 'site.updated'`, [shelterId]);
    expect(event).toMatchObject({ actor_user_id: orgAdmin.user.id, changes: { bedCapacity: { old: 20, new: 35 }, region: { old: 'Gao', new: 'Mopti' } } });
  });

  it('a patch that breaks the rules → 400, nothing changes', async () => {
    const before = await t.db.row('SELECT * FROM sites WHERE id = $1', [officeId]);
    expect(fieldsOf(expectProblem(await as(t, orgAdmin).patch(`/api/v1/sites/${officeId}`).send({ kind: 'shelter' }), 400, 'VALIDATION_FAILED'))).toContain('bedCapacity');
    expect(fieldsOf(expectProblem(await as(t, orgAdmin).patch(`/api/v1/sites/${officeId}`).send({ services: ['legal'] }), 400, 'VALIDATION_FAILED'))).toContain('services');
    expect(fieldsOf(expectProblem(await as(t, orgAdmin).patch(`/api/v1/sites/${officeId}`).send({ location: { regionPcode: 'ML98' } }), 400, 'VALIDATION_FAILED'))).toContain('location.regionPcode');
    expectProblem(await as(t, orgAdmin).patch(`/api/v1/sites/${officeId}`).send({ organizationId: platform.org.id }), 400, 'VALIDATION_FAILED');
    expect(await t.db.row('SELECT * FROM sites WHERE id = $1', [officeId])).toEqual(before);
  });

  it('another org’s org_admin, a caseworker, the platform admin → 403; nothing changes', async () => {
    const other = await makeOrg(t);
    const otherAdmin = await makeUser(t, other, ['org_admin']);
    const cw = await makeUser(t, o, ['caseworker', 'manager']);
    for (const u of [otherAdmin, cw, admin]) {
      expectProblem(await as(t, u).patch(`/api/v1/sites/${officeId}`).send({ name: 'Hijacked' }), 403, 'FORBIDDEN');
    }
    expect(await t.db.row('SELECT name FROM sites WHERE id = $1', [officeId])).toEqual({ name: 'B office' });
  });
});

describe('POST /users', () => {
  let o: TestOrg;
  let other: TestOrg;
  let orgAdmin: TestUser;
  const email = (local: string) => `${local}.${suffix().toLowerCase()}@passerelle.test`;
  const userBody = (org: TestOrg, roles: Role[], extra: Record<string, unknown> = {}) => ({
    organizationId: org.org.id,
    email: email(roles.join('-').replace(/_/g, '')),
    displayName: 'Awa Maïga',
    password: PASSWORD,
    roles,
    siteIds: [],
    ...extra,
  });

  beforeAll(async () => {
    o = await makeOrg(t, { sites: [{}, {}] });
    other = await makeOrg(t, { sites: [{}] });
    orgAdmin = await makeUser(t, o, ['org_admin']);
  });

  describe('as platform_admin', () => {
    it('creates an org_admin in any organization → 201, no password or hash in the body; the user can sign in', async () => {
      for (const org of [o, other]) {
        const body = userBody(org, ['org_admin']);
        const res = await as(t, admin).post('/api/v1/users').send(body).expect(201);
        expect(res.body).toMatchObject({ id: expect.any(String), organizationId: org.org.id, email: body.email, displayName: 'Awa Maïga', roles: ['org_admin'], siteIds: [], active: true });
        expectNoSecrets(res.body);
        expect(await t.db.row('SELECT created_by FROM users WHERE id = $1', [res.body.id])).toEqual({ created_by: admin.user.id });
        expect(await auditActions(res.body.id)).toContain('user.created');
        const event = await t.db.row(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'user.created'`, [res.body.id]);
        expect(JSON.stringify(event)).not.toContain(PASSWORD);
        expect(JSON.stringify(event)).not.toMatch(/\$argon2/);
        await t.http.post('/api/v1/auth/login').send({ email: body.email, password: PASSWORD }).expect(200);
      }
    });

    it.each<[Role[]]>([[['caseworker']], [['manager']], [['auditor']], [['org_admin', 'caseworker']], [['platform_admin']], [['org_admin', 'platform_admin']]])(
      'may not create a %j user → 403, nothing written',
      async (roles) => {
        const body = userBody(o, roles);
        expectProblem(await as(t, admin).post('/api/v1/users').send(body), 403, 'FORBIDDEN');
        expect(await count('users WHERE email = $1', [body.email])).toBe(0);
      },
    );
  });

  describe('as org_admin', () => {
    it.each<[Role[]]>([[['caseworker']], [['manager']], [['analyst']], [['auditor']], [['org_admin']], [['caseworker', 'manager']]])('creates a %j user in the own org → 201', async (roles) => {
      const body = userBody(o, roles, { siteIds: [o.sites[0].id, o.sites[1].id] });
      const res = await as(t, orgAdmin).post('/api/v1/users').send(body).expect(201);
      expect(res.body).toMatchObject({ organizationId: o.org.id, email: body.email, roles, siteIds: [o.sites[0].id, o.sites[1].id] });
      expectNoSecrets(res.body);
      expect(await t.db.row('SELECT roles, site_ids FROM users WHERE id = $1', [res.body.id])).toEqual({ roles, site_ids: [o.sites[0].id, o.sites[1].id] });
    });

    it('may not create a platform_admin, even alongside another role → 403', async () => {
      for (const roles of [['platform_admin'], ['caseworker', 'platform_admin']] as Role[][]) {
        const body = userBody(o, roles);
        expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(body), 403, 'FORBIDDEN');
        expect(await count('users WHERE email = $1', [body.email])).toBe(0);
      }
    });

    it('may not create users in another organization → 403', async () => {
      for (const roles of [['caseworker'], ['org_admin']] as Role[][]) {
        const body = userBody(other, roles);
        expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(body), 403, 'FORBIDDEN');
        expect(await count('users WHERE email = $1', [body.email])).toBe(0);
      }
    });

    it('siteIds of another organization → 400 on siteIds', async () => {
      const body = userBody(o, ['caseworker'], { siteIds: [o.sites[0].id, other.sites[0].id] });
      expect(fieldsOf(expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(body), 400, 'VALIDATION_FAILED'))).toContain('siteIds');
      const unknown = userBody(o, ['caseworker'], { siteIds: ['6f1c1f9e-1b1a-4c4e-9a43-0a5d7a0c9e11'] });
      expect(fieldsOf(expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(unknown), 400, 'VALIDATION_FAILED'))).toContain('siteIds');
      expect(await count('users WHERE email IN ($1, $2)', [body.email, unknown.email])).toBe(0);
    });

    it('a weak password → 400 on password; a bad email, no roles, an unknown role → 400', async () => {
      for (const password of ['short', 'password1234', 'aaaaaaaaaaaaaaaa']) {
        expect(fieldsOf(expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(userBody(o, ['caseworker'], { password })), 400, 'VALIDATION_FAILED'))).toContain('password');
      }
      expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(userBody(o, ['caseworker'], { email: 'not-an-email' })), 400, 'VALIDATION_FAILED');
      expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(userBody(o, [])), 400, 'VALIDATION_FAILED');
      expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(userBody(o, ['superuser' as Role])), 400, 'VALIDATION_FAILED');
      expectProblem(await as(t, orgAdmin).post('/api/v1/users').send(userBody(o, ['caseworker'], { passwordHash: '$argon2id$x' })), 400, 'VALIDATION_FAILED');
    });
  });

  it('a duplicate email, in any letter case and in any organization → 409 EMAIL_TAKEN', async () => {
    const body = userBody(o, ['caseworker'], { email: `Awa.${suffix()}@MDM.example` });
    const res = await as(t, orgAdmin).post('/api/v1/users').send(body).expect(201);
    expect(res.body.email).toBe(body.email.toLowerCase());
    expectProblem(await as(t, orgAdmin).post('/api/v1/users').send({ ...body, email: body.email.toLowerCase(), roles: ['manager'] }), 409, 'EMAIL_TAKEN');
    expectProblem(await as(t, orgAdmin).post('/api/v1/users').send({ ...body, email: body.email.toUpperCase() }), 409, 'EMAIL_TAKEN');
    expectProblem(await as(t, admin).post('/api/v1/users').send({ ...body, organizationId: other.org.id, roles: ['org_admin'] }), 409, 'EMAIL_TAKEN');
    expect(await count('users WHERE lower(email) = $1', [body.email.toLowerCase()])).toBe(1);
  });

  it('concurrent creates of one email: exactly one 201, the others 409 EMAIL_TAKEN', async () => {
    const address = email('racer');
    const results = await Promise.all(Array.from({ length: 4 }, () => as(t, orgAdmin).post('/api/v1/users').send(userBody(o, ['caseworker'], { email: address }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    results.filter((r) => r.status === 409).forEach((r) => expectProblem(r, 409, 'EMAIL_TAKEN'));
    expect(await count('users WHERE email = $1', [address])).toBe(1);
  });

  it.each<[Role[]]>([[['caseworker']], [['manager']], [['analyst']], [['auditor']]])('a %j may not create users → 403', async (roles) => {
    const u = await makeUser(t, o, roles);
    const body = userBody(o, ['caseworker']);
    expectProblem(await as(t, u).post('/api/v1/users').send(body), 403, 'FORBIDDEN');
    expect(await count('users WHERE email = $1', [body.email])).toBe(0);
  });

  it('reads of users never carry a password or hash either', async () => {
    const list = await as(t, orgAdmin).get(`/api/v1/users?organizationId=${o.org.id}`).expect(200);
    expect(list.body.items.length).toBeGreaterThan(1);
    expectNoSecrets(list.body);
    expectNoSecrets((await as(t, orgAdmin).get(`/api/v1/users/${list.body.items[0].id}`).expect(200)).body);
  });
});

describe('GET /services (the referral pathway map)', () => {
  let shelterOrg: TestOrg;
  let shelterSiteId: string;
  let healthOnly: TestOrg;

  beforeAll(async () => {
    shelterOrg = await makeOrg(t, { capabilities: ['shelter', 'health', 'legal'], sites: [] });
    const oa = await makeUser(t, shelterOrg, ['org_admin']);
    shelterSiteId = (
      await as(t, oa)
        .post(`/api/v1/organizations/${shelterOrg.org.id}/sites`)
        .send({ name: 'Maison du Migrant de Gao', kind: 'shelter', location: { region: 'Gao', cercle: 'Gao' }, bedCapacity: 40, services: ['shelter', 'health'] })
        .expect(201)
    ).body.id;
    healthOnly = await makeOrg(t, { capabilities: ['health'], sites: [{ name: 'CSRef Douentza', kind: 'health_facility', location: { region: 'Mopti', cercle: 'Douentza' }, services: ['health'] }] });
  });

  type Offer = { serviceType: string; organization: { id: string; code: string }; site: { id: string; regionPcode: string | null } | null };
  const all = async (who: { token: string }, query: string): Promise<Offer[]> => {
    const items: Offer[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Offer[]; nextCursor: string | null } } = await as(t, who)
        .get(`/api/v1/services?${query}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };

  it('?capability=shelter returns the shelter site of an org offering it', async () => {
    const offers = await all(admin, 'capability=shelter');
    expect(offers.every((x) => x.serviceType === 'shelter')).toBe(true);
    expect(offers).toContainEqual(
      expect.objectContaining({
        serviceType: 'shelter',
        organization: expect.objectContaining({ id: shelterOrg.org.id, code: shelterOrg.org.code }),
        site: expect.objectContaining({ id: shelterSiteId, name: 'Maison du Migrant de Gao', kind: 'shelter', regionPcode: 'ML07', cerclePcode: 'ML0703' }),
      }),
    );
    expect(offers.some((x) => x.organization.id === healthOnly.org.id)).toBe(false);
  });

  it('filters by organization and region; a capability no site lists is offered by the org at large', async () => {
    const mine = await all(admin, `organizationId=${shelterOrg.org.id}`);
    expect(mine.map((x) => [x.serviceType, x.site?.id ?? null]).sort()).toEqual([
      ['health', shelterSiteId],
      ['legal', null],
      ['shelter', shelterSiteId],
    ]);
    const mopti = await all(admin, `regionPcode=ML05&capability=health`);
    expect(mopti.some((x) => x.organization.id === healthOnly.org.id)).toBe(true);
    expect(mopti.every((x) => x.site?.regionPcode === 'ML05')).toBe(true);
    expect(await all(admin, `organizationId=${healthOnly.org.id}&capability=shelter`)).toEqual([]);
  });

  it('every signed-in role reads it; anonymous → 401; a bad filter → 400', async () => {
    const viewer = await makeOrg(t);
    for (const roles of [['org_admin'], ['caseworker'], ['manager'], ['analyst'], ['auditor']] as Role[][]) {
      const u = await makeUser(t, viewer, roles);
      const offers = await all(u, `capability=shelter&organizationId=${shelterOrg.org.id}`);
      expect(offers.map((x) => x.site?.id)).toEqual([shelterSiteId]);
    }
    expectProblem(await t.http.get('/api/v1/services?capability=shelter'), 401, 'UNAUTHENTICATED');
    expectProblem(await as(t, admin).get('/api/v1/services?capability=teleportation'), 400, 'VALIDATION_FAILED');
  });

  it('a deactivated organization or site leaves the map', async () => {
    const o = await makeOrg(t, { capabilities: ['shelter'], sites: [{ name: 'Closing shelter', kind: 'shelter', bedCapacity: 5, services: ['shelter'] }] });
    const oa = await makeUser(t, o, ['org_admin']);
    expect((await all(admin, `organizationId=${o.org.id}`)).map((x) => x.site?.id)).toEqual([o.sites[0].id]);
    await as(t, oa).patch(`/api/v1/sites/${o.sites[0].id}`).send({ active: false }).expect(200);
    // The capability remains, offered by the org at large, until the org itself is deactivated.
    expect((await all(admin, `organizationId=${o.org.id}`)).map((x) => x.site)).toEqual([null]);
    await as(t, admin).patch(`/api/v1/organizations/${o.org.id}`).send({ active: false }).expect(200);
    expect(await all(admin, `organizationId=${o.org.id}`)).toEqual([]);
  });
});
