import { DEMO_ORGANIZATIONS, DEMO_PLATFORM_ADMIN, SeedService } from '@passerelle/core';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const counts = async () =>
  t.db.row<{ orgs: number; sites: number; users: number }>(
    'SELECT (SELECT count(*)::int FROM organizations) AS orgs, (SELECT count(*)::int FROM sites) AS sites, (SELECT count(*)::int FROM users) AS users',
  );

describe('demo seed (issue 4, acceptance 5)', () => {
  const password = 'demo-password-for-tests';

  it('creates the five partners, their sites and one user per role, and every login works', async () => {
    const logins = await t.app.get(SeedService).seedDemo(password);
    expect(logins).toHaveLength(1 + DEMO_ORGANIZATIONS.length * 5);
    expect(new Set(logins.map((l) => l.organization))).toEqual(new Set(['PLATFORM', 'IOM-ML', 'MDM-GAO', 'CIAUD-DTZ', 'DIREYBEN-GAO', 'CSREF-GAO']));
    expect(await counts()).toEqual({ orgs: 6, sites: 8, users: 26 });
    const shelter = await t.db.row('SELECT kind, bed_capacity, max_stay_days, region_pcode, cercle_pcode FROM sites WHERE name = $1', ['Maison du Migrant de Gao']);
    expect(shelter).toEqual({ kind: 'shelter', bed_capacity: 40, max_stay_days: 10, region_pcode: 'ML07', cercle_pcode: 'ML0703' });
    const douentza = await t.db.row('SELECT region_pcode, cercle_pcode FROM sites WHERE name = $1', ['Bureau CIAUD Douentza']);
    expect(douentza).toEqual({ region_pcode: 'ML05', cercle_pcode: 'ML0504' });
    for (const login of logins) {
      const res = await t.http.post('/api/v1/auth/login').send({ email: login.email, password });
      expect(res.status).toBe(200);
      expect(res.body.user.roles).toEqual(login.roles);
    }
  }, 120_000);

  it('is idempotent: a second run (a restart) creates and prints nothing', async () => {
    const before = await counts();
    expect(await t.app.get(SeedService).seedDemo('another-password-entirely')).toEqual([]);
    expect(await counts()).toEqual(before);
    // The first password still works: nothing was overwritten.
    await t.http.post('/api/v1/auth/login').send({ email: DEMO_PLATFORM_ADMIN, password }).expect(200);
  });

  it('creates the bootstrap platform admin once', async () => {
    const seed = t.app.get(SeedService);
    expect(await seed.ensureBootstrapAdmin('Admin@Example.org', 'bootstrap-admin-password')).toBe(true);
    expect(await seed.ensureBootstrapAdmin('admin@example.org', 'bootstrap-admin-password')).toBe(false);
    const res = await t.http.post('/api/v1/auth/login').send({ email: 'admin@example.org', password: 'bootstrap-admin-password' }).expect(200);
    expect(res.body.user.roles).toEqual(['platform_admin']);
    const platform = await t.db.row<{ code: string }>('SELECT o.code FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email = $1', ['admin@example.org']);
    expect(platform!.code).toBe('PLATFORM');
  });
});
