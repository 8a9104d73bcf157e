// Issue 8 (Letters of indulgence), DESIGN §6, on real PostgreSQL: signing keys rotate without
// invalidating issued letters (the API restarted with a new key list on the same database), the
// service method a departure (issue 9) calls to end the case's active letter inside its own
// transaction, and the database's own guards (one active letter per case, the 30-day bound).
// Apps are started one after the other, never two at once (passport strategies are process-wide).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor } from '@passerelle/common';
import { CasesService, LettersService, type Role, userActor } from '@passerelle/core';
import { FixedClock, startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

const ENV = { LOGIN_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' };
const key = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

function actorOf(o: TestOrg, u: TestUser, roles: Role[]): Actor {
  return userActor({ userId: u.user.id, organizationId: o.org.id, organizationCode: o.org.code, roles, siteIds: u.user.siteIds, capabilities: o.org.capabilities });
}

async function caseAndLetter(t: TestApp, actor: Actor, siteId: string) {
  const c = await t.app.get(CasesService).register(actor, {
    siteId,
    identity: { givenName: 'Fatoumata', familyName: 'Sissoko', sex: 'female', birthYear: 2001, nationality: 'CIV' },
    consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
  });
  const view = await t.app.get(LettersService).issue(actor, c.case.id, { validFrom: '2026-11-23', validUntil: '2026-12-20', purpose: 'transit', route: { from: 'Mopti', to: 'Bamako' } });
  return { caseId: c.case.id, letter: view.letter };
}

describe('key rotation (DESIGN §6): a letter signed with an older listed key still verifies', () => {
  const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
  const k1 = `l1:${key()}`;
  const k2 = `l2:${key()}`;

  it('issued under l1; verifies after l2 takes over with l1 still listed; invalid once l1 is retired', async () => {
    const url = await createTestDatabase();
    const start = (LETTER_SIGNING_KEY: string) => startTestApp({ clock, databaseUrl: url, env: { ...ENV, LETTER_SIGNING_KEY } });

    let t = await start(k1);
    const org = await makeOrg(t, { capabilities: ['indulgence_letter'], sites: [{}] });
    const mgr = actorOf(org, await makeUser(t, org, ['manager']), ['manager']);
    const old = await caseAndLetter(t, mgr, org.sites[0].id);
    expect(old.letter.signingKeyId).toBe('l1');
    await t.close();

    t = await start(`${k2},${k1}`);
    try {
      const letters = t.app.get(LettersService);
      expect(letters.jwks().keys.map((k) => k.kid)).toEqual(['l2', 'l1']);
      expect(await letters.verify(old.letter.verificationToken)).toMatchObject({ result: 'valid', serialNumber: old.letter.serialNumber });
      const fresh = await caseAndLetter(t, mgr, org.sites[0].id);
      expect(fresh.letter.signingKeyId).toBe('l2');
      expect(await letters.verify(fresh.letter.verificationToken)).toMatchObject({ result: 'valid' });
      // Which letters still need the old key: what to reissue before retiring it.
      expect(await t.db.rows(`SELECT serial_number FROM letters WHERE signing_key_id = 'l1' AND status = 'active'`)).toEqual([{ serial_number: old.letter.serialNumber }]);
    } finally {
      await t.close();
    }

    t = await start(k2);
    try {
      const letters = t.app.get(LettersService);
      expect(letters.jwks().keys.map((k) => k.kid)).toEqual(['l2']);
      expect(await letters.verify(old.letter.verificationToken)).toEqual({ result: 'invalid' });
    } finally {
      await t.close();
    }
  });
});

describe('LettersService on PostgreSQL', () => {
  const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
  let t: TestApp;
  let org: TestOrg;
  let mgr: Actor;
  let letters: LettersService;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ENV });
    org = await makeOrg(t, { capabilities: ['indulgence_letter', 'return'], sites: [{}] });
    mgr = actorOf(org, await makeUser(t, org, ['manager']), ['manager']);
    letters = t.app.get(LettersService);
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  const issued = async () => {
    const c = await t.app.get(CasesService).register(mgr, {
      siteId: org.sites[0].id,
      identity: { givenName: 'Oumar', familyName: 'Touré', sex: 'male', nationality: 'MLI' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
    const view = await letters.issue(mgr, c.case.id, { validFrom: '2026-11-23', validUntil: '2026-12-01', purpose: 'return home', route: { from: 'Gao', to: 'Kayes', via: ['Bamako'] } });
    return { caseId: c.case.id, letter: view.letter };
  };

  it('supersedeActive (a departure, issue 9) ends the active letter in the caller’s transaction: rolled back with it, or superseded with no successor', async () => {
    const { caseId, letter } = await issued();
    await expect(
      db.transaction(async (em) => {
        expect((await letters.supersedeActive(em, mgr, caseId, 'departed'))?.id).toBe(letter.id);
        throw new Error('the departure failed');
      }),
    ).rejects.toThrow('the departure failed');
    expect(await t.db.row('SELECT status FROM letters WHERE id = $1', [letter.id])).toEqual({ status: 'active' });
    expect(await t.db.row(`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'letter.superseded'`, [letter.id])).toEqual({ n: 0 });

    const ended = await db.transaction((em) => letters.supersedeActive(em, mgr, caseId, 'departed'));
    expect(ended).toMatchObject({ id: letter.id, status: 'superseded', supersededByLetterId: null, supersededAt: clock.now() });
    expect(await letters.verify(letter.verificationToken)).toMatchObject({ result: 'superseded' });
    expect(await t.db.row(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'letter.superseded'`, [letter.id])).toEqual({
      details: { caseId, serialNumber: letter.serialNumber, cause: 'departed' },
    });
    // Nothing active any more: nothing to end.
    expect(await db.transaction((em) => letters.supersedeActive(em, mgr, caseId, 'departed'))).toBeNull();
  });

  it('the database refuses a second active letter for a case and a validity over 30 days, whatever the code does', async () => {
    const { caseId, letter } = await issued();
    const copy = (over: Record<string, unknown>) =>
      t.db.row(
        `INSERT INTO letters (id, case_id, owning_organization_id, issuing_organization_id, serial_number, status, valid_from, valid_until, purpose, route, holder, verification_token, signing_key_id)
         SELECT $1, case_id, owning_organization_id, issuing_organization_id, $2, $3, $4, $5, purpose, route, holder, verification_token, signing_key_id FROM letters WHERE id = $6`,
        [randomUUID(), `X-L-2026-${randomUUID().slice(0, 5)}`, over.status ?? 'active', over.validFrom ?? '2026-11-23', over.validUntil ?? '2026-12-01', letter.id],
      );
    await expect(copy({})).rejects.toMatchObject({ constraint: 'letters_one_active_per_case' });
    await expect(copy({ status: 'revoked' })).rejects.toMatchObject({ constraint: 'letters_revoked_check' });
    await t.db.rows(`UPDATE letters SET status = 'superseded', superseded_at = now() WHERE case_id = $1`, [caseId]);
    await expect(copy({ validUntil: '2026-12-24' })).rejects.toMatchObject({ constraint: 'letters_validity_check' });
    await expect(copy({ validUntil: '2026-11-23' })).rejects.toMatchObject({ constraint: 'letters_validity_check' });
    await copy({ validUntil: '2026-12-23' });
  });
});
