// Issue 5 (Cases), DESIGN §3 and §7, on real PostgreSQL: which consent is active for a purpose
// and an organization (withdrawal at once), and rotation of the key of the encrypted `sensitive`
// section by re-encrypting in batches while the API keeps serving. Apps are started one after
// the other, never two at once (passport strategies are process-wide).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { Actor } from '@passerelle/common';
import { CasesService, ConsentsService } from '@passerelle/core';
import { FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { actorOf, as, makeOrg, makeUser, PASSWORD, type TestOrg } from '../support/factories.js';

const ENV = { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' };
const REGISTRATION_CONSENT = { purpose: 'registration', basis: 'consent', method: 'verbal' } as const;
const identity = { givenName: 'Moussa', familyName: 'Diallo', sex: 'male', nationality: 'SEN' } as const;

describe('ConsentsService.activeFor (DESIGN §3: referral needs an active consent covering the receiving org)', () => {
  const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
  let t: TestApp;
  let A: TestOrg;
  let B: TestOrg;
  let C: TestOrg;
  let cw: Actor;
  let cases: CasesService;
  let consents: ConsentsService;
  let em: DataSource['manager'];

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ENV });
    A = await makeOrg(t, { sites: [{}] });
    B = await makeOrg(t, { sites: [] });
    C = await makeOrg(t, { sites: [] });
    cw = actorOf(A, await makeUser(t, A, ['caseworker'], { siteIds: [A.sites[0].id] }), ['caseworker']);
    cases = t.app.get(CasesService);
    consents = t.app.get(ConsentsService);
    em = t.app.get(DataSource).manager;
  });
  afterAll(() => t?.close());

  const registered = async () => (await cases.register(cw, { siteId: A.sites[0].id, identity: { ...identity }, consent: { ...REGISTRATION_CONSENT } })).case.id;
  const later = () => clock.advance(60_000);

  it('the registration consent is active for registration; nothing is active for other purposes', async () => {
    const id = await registered();
    expect(await consents.activeFor(em, id, 'registration')).toMatchObject({ caseId: id, purpose: 'registration', withdrawnAt: null });
    for (const purpose of ['referral', 'return', 'reintegration', 'photo'] as const) expect(await consents.activeFor(em, id, purpose)).toBeNull();
  });

  it('covered organizations: a consent listing B covers B only; one listing none covers all; the latest active one counts; withdrawal takes effect at once', async () => {
    const id = await registered();
    later();
    const forB = await consents.record(cw, id, { purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [B.org.id] });
    expect((await consents.activeFor(em, id, 'referral', B.org.id))?.id).toBe(forB.id);
    expect(await consents.activeFor(em, id, 'referral', C.org.id)).toBeNull();
    expect((await consents.activeFor(em, id, 'referral'))?.id).toBe(forB.id);
    expect(await consents.activeFor(em, id, 'return', B.org.id)).toBeNull();

    later();
    const forAll = await consents.record(cw, id, { purpose: 'referral', basis: 'consent', method: 'verbal' });
    expect(forAll.organizationIds).toEqual([]);
    expect((await consents.activeFor(em, id, 'referral', C.org.id))?.id).toBe(forAll.id);
    expect((await consents.activeFor(em, id, 'referral', B.org.id))?.id).toBe(forAll.id); // the latest

    later();
    await consents.withdraw(cw, id, forAll.id, 'no longer wishes to be referred everywhere');
    expect(await consents.activeFor(em, id, 'referral', C.org.id)).toBeNull();
    expect((await consents.activeFor(em, id, 'referral', B.org.id))?.id).toBe(forB.id);

    later();
    await consents.withdraw(cw, id, forB.id);
    expect(await consents.activeFor(em, id, 'referral', B.org.id)).toBeNull();
    expect(await consents.activeFor(em, id, 'referral')).toBeNull();
    // The registration consent is untouched by the referral withdrawals.
    expect(await consents.activeFor(em, id, 'registration')).not.toBeNull();
  });

  it('another case’s consents never count', async () => {
    const one = await registered();
    const other = await registered();
    await consents.record(cw, one, { purpose: 'return', basis: 'consent', method: 'thumbprint' });
    expect(await consents.activeFor(em, one, 'return')).not.toBeNull();
    expect(await consents.activeFor(em, other, 'return')).toBeNull();
  });

  it('a withdrawal is seen by a transaction that started before it (effective at once, no stale read)', async () => {
    const id = await registered();
    const k = await consents.record(cw, id, { purpose: 'photo', basis: 'consent', method: 'verbal' });
    const runner = t.app.get(DataSource).createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction(); // READ COMMITTED, as every request's transaction
      expect((await consents.activeFor(runner.manager, id, 'photo'))?.id).toBe(k.id);
      await consents.withdraw(cw, id, k.id);
      expect(await consents.activeFor(runner.manager, id, 'photo')).toBeNull();
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  });
});

describe('key rotation of the sensitive section (DESIGN §7, issue 5: re-encrypt in batches while serving)', () => {
  const K1 = randomBytes(32).toString('base64');
  const K2 = randomBytes(32).toString('base64');
  const narrative = (i: number) => `NARRATIVE-${randomBytes(4).toString('hex')} case ${i}: held at a checkpoint near Gossi`;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const keyIds = async (ids: string[]) =>
    (await t!.db.rows<{ id: string; sensitive_key_id: string | null }>('SELECT id, sensitive_key_id FROM cases WHERE id = ANY($1)', [ids])).reduce<Record<string, string | null>>(
      (m, r) => ({ ...m, [r.id]: r.sensitive_key_id }),
      {},
    );
  const login = async (email: string) => {
    const res = await t!.http.post('/api/v1/auth/login').send({ email, password: PASSWORD }).expect(200);
    return { token: res.body.accessToken as string };
  };

  it('k1 → (k2,k1): old rows stay readable, new writes use k2, reencryptSensitive moves every row to k2 in batches, skipping rows locked by a request; then k1 can go', async () => {
    // 1. The API under k1: four cases with a sensitive section, one without.
    t = await startTestApp({ env: { ...ENV, DATA_ENCRYPTION_KEY: `k1:${K1}` } });
    const url = t.config.databaseUrl!;
    const A = await makeOrg(t, { sites: [{}] });
    const manager = await makeUser(t, A, ['manager'], { siteIds: [A.sites[0].id] });
    const texts = [0, 1, 2, 3].map(narrative);
    const ids: string[] = [];
    for (const text of texts) {
      const res = await as(t, manager).post('/api/v1/cases').send({ siteId: A.sites[0].id, identity, consent: REGISTRATION_CONSENT, sensitive: { narrative: text } }).expect(201);
      ids.push(res.body.id);
    }
    const plain = (await as(t, manager).post('/api/v1/cases').send({ siteId: A.sites[0].id, identity, consent: REGISTRATION_CONSENT }).expect(201)).body.id as string;
    expect(Object.values(await keyIds(ids))).toEqual(['k1', 'k1', 'k1', 'k1']);
    const before = await t.db.rows<{ id: string; sensitive_ciphertext: Buffer }>('SELECT id, sensitive_ciphertext FROM cases WHERE id = ANY($1)', [ids]);
    await t.close();

    // 2. Restarted with k2 current and k1 still known, on the same database.
    t = await startTestApp({ databaseUrl: url, env: { ...ENV, DATA_ENCRYPTION_KEY: `k2:${K2},k1:${K1}` } });
    let m = await login(manager.email);
    expect((await as(t, m).get(`/api/v1/cases/${ids[0]}`).expect(200)).body.sensitive).toEqual({ narrative: texts[0] });
    const fresh = narrative(4);
    const created = (await as(t, m).post('/api/v1/cases').send({ siteId: A.sites[0].id, identity, consent: REGISTRATION_CONSENT, sensitive: { narrative: fresh } }).expect(201)).body.id as string;
    expect((await keyIds([created]))[created]).toBe('k2');
    // An edit re-encrypts its row under the current key at once.
    await as(t, m).patch(`/api/v1/cases/${ids[3]}`).set('if-match', '"1"').send({ sensitive: { narrative: texts[3] } }).expect(200);
    expect((await keyIds([ids[3]]))[ids[3]]).toBe('k2');

    // A request holds ids[0] (row lock) while the job runs: the job skips it instead of waiting.
    const busy = new pg.Client({ connectionString: url });
    await busy.connect();
    try {
      await busy.query('BEGIN');
      await busy.query('SELECT 1 FROM cases WHERE id = $1 FOR UPDATE', [ids[0]]);
      const service = t.app.get(CasesService);
      expect(await service.reencryptSensitive(1)).toBe(2); // ids[1], ids[2], one per batch
      expect(await keyIds(ids)).toEqual({ [ids[0]]: 'k1', [ids[1]]: 'k2', [ids[2]]: 'k2', [ids[3]]: 'k2' });
      await busy.query('COMMIT');
      expect(await service.reencryptSensitive(1)).toBe(1);
      expect(await service.reencryptSensitive()).toBe(0);
    } finally {
      await busy.end();
    }
    expect(Object.values(await keyIds([...ids, created]))).toEqual(['k2', 'k2', 'k2', 'k2', 'k2']);
    expect((await keyIds([plain]))[plain]).toBeNull();
    expect(await t.db.row('SELECT sensitive_ciphertext FROM cases WHERE id = $1', [plain])).toEqual({ sensitive_ciphertext: null });
    const after = await t.db.rows<{ id: string; sensitive_ciphertext: Buffer }>('SELECT id, sensitive_ciphertext FROM cases WHERE id = ANY($1)', [ids]);
    for (const row of after) expect(row.sensitive_ciphertext.equals(before.find((b) => b.id === row.id)!.sensitive_ciphertext)).toBe(false);
    // Rotation writes no version bump (it is not an edit) and leaves the cases otherwise alone.
    expect((await t.db.rows<{ version: number }>('SELECT version FROM cases WHERE id = ANY($1) ORDER BY version', [ids])).map((r) => r.version)).toEqual([1, 1, 1, 2]);
    for (const [i, id] of ids.entries()) expect((await as(t, m).get(`/api/v1/cases/${id}`).expect(200)).body.sensitive).toEqual({ narrative: texts[i] });
    await t.close();

    // 3. k1 retired: everything still reads under k2 alone.
    t = await startTestApp({ databaseUrl: url, env: { ...ENV, DATA_ENCRYPTION_KEY: `k2:${K2}` } });
    m = await login(manager.email);
    for (const [i, id] of ids.entries()) expect((await as(t, m).get(`/api/v1/cases/${id}`).expect(200)).body.sensitive).toEqual({ narrative: texts[i] });
    expect((await as(t, m).get(`/api/v1/cases/${created}`).expect(200)).body.sensitive).toEqual({ narrative: fresh });
    expect((await as(t, m).get(`/api/v1/cases/${plain}`).expect(200)).body.sensitive).toBeNull();
  });
});
