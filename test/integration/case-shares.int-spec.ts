// The live shares table (migration 1796110000000) holds exactly what DESIGN §2 says is shared:
// a pending or accepted referral whose case has an active referral consent covering the
// receiver. Kept by triggers on referrals and consents; checked here against the rule written as
// SQL after every step of a referral's life, and under two transactions racing on one case.
import type { Actor } from '@passerelle/common';
import { CasesService, ConsentsService, ReferralsService } from '@passerelle/core';
import { startTestApp, type TestApp } from '../support/app.js';
import { actorOf, makeOrg, makeUser, type TestOrg } from '../support/factories.js';

let t: TestApp;
let A: TestOrg;
let B: TestOrg;
let C: TestOrg;
let sender: Actor;
let receiverB: Actor;

/** DESIGN §2 as SQL, computed from the source tables (what the former view computed). */
const RULE = `
  SELECT r.id AS referral_id, r.case_id, r.to_organization_id AS organization_id, r.shared_sections AS sections, c.registered_at AS case_registered_at
  FROM referrals r JOIN cases c ON c.id = r.case_id
  WHERE r.status IN ('pending', 'accepted')
    AND EXISTS (SELECT 1 FROM consents k WHERE k.case_id = r.case_id AND k.purpose = 'referral' AND k.withdrawn_at IS NULL
                AND (cardinality(k.organization_ids) = 0 OR r.to_organization_id = ANY (k.organization_ids)))
  ORDER BY 1`;
const TABLE = 'SELECT referral_id, case_id, organization_id, sections, case_registered_at FROM case_shares ORDER BY 1';
const expectTableMatchesRule = async () => expect(await t.db.rows(TABLE)).toEqual(await t.db.rows(RULE));

beforeAll(async () => {
  t = await startTestApp();
  A = await makeOrg(t, { sites: [{}] });
  B = await makeOrg(t, { capabilities: ['health', 'legal'], sites: [{}] });
  C = await makeOrg(t, { capabilities: ['health'], sites: [{}] });
  const cwA = await makeUser(t, A, ['caseworker']);
  const cwB = await makeUser(t, B, ['caseworker']);
  sender = actorOf(A, cwA, ['caseworker']);
  receiverB = actorOf(B, cwB, ['caseworker']);
});
afterAll(() => t?.close());

async function registered() {
  return (
    await t.app.get(CasesService).register(sender, {
      siteId: A.sites[0].id,
      identity: { givenName: 'Fatoumata', familyName: 'Diallo', sex: 'female' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    })
  ).case;
}

describe('case_shares', () => {
  it('follows every step: consents for one receiver or all, referrals pending, accepted, declined, completed, cancelled, consent withdrawn and given again', async () => {
    const consents = t.app.get(ConsentsService);
    const referrals = t.app.get(ReferralsService);
    const c = await registered();
    const shares = async () => (await t.db.rows<{ organization_id: string }>('SELECT organization_id FROM case_shares WHERE case_id = $1 ORDER BY 1', [c.id])).map((r) => r.organization_id);

    // A referral without a referral consent is refused; consent for B only.
    const onlyB = await consents.record(sender, c.id, { purpose: 'referral', basis: 'consent', method: 'signed', organizationIds: [B.org.id] });
    await expectTableMatchesRule();
    const toB = (await referrals.create(sender, c.id, { toOrganizationId: B.org.id, serviceType: 'health', urgency: 'normal', reason: 'fever', sharedSections: ['journey'] })).referral;
    expect(await shares()).toEqual([B.org.id]);
    await expectTableMatchesRule();
    await referrals.accept(receiverB, toB.id);
    expect(await shares()).toEqual([B.org.id]);
    await expectTableMatchesRule();

    // Withdrawn: the share goes at once; a new consent for everyone brings it back.
    await consents.withdraw(sender, c.id, onlyB.id, 'asked to stop');
    expect(await shares()).toEqual([]);
    await expectTableMatchesRule();
    const all = await consents.record(sender, c.id, { purpose: 'referral', basis: 'consent', method: 'verbal' });
    expect(await shares()).toEqual([B.org.id]);
    const toC = (await referrals.create(sender, c.id, { toOrganizationId: C.org.id, serviceType: 'health', urgency: 'high', reason: 'wound' })).referral;
    expect(await shares()).toEqual([B.org.id, C.org.id].sort());
    await expectTableMatchesRule();

    // Ends of a referral end its share only.
    await referrals.cancel(sender, toC.id, 'went elsewhere');
    expect(await shares()).toEqual([B.org.id]);
    await referrals.complete(receiverB, toB.id, { outcome: 'treated' });
    expect(await shares()).toEqual([]);
    await expectTableMatchesRule();
    await consents.withdraw(sender, c.id, all.id);
    await expectTableMatchesRule();
  });

  it('a consent given while the referral is cancelled, in two transactions at once: no share outlives its referral', async () => {
    for (let round = 0; round < 5; round++) {
      const c = await registered();
      const first = await t.app.get(ConsentsService).record(sender, c.id, { purpose: 'referral', basis: 'consent', method: 'signed' });
      const r = (await t.app.get(ReferralsService).create(sender, c.id, { toOrganizationId: B.org.id, serviceType: 'legal', urgency: 'normal', reason: 'papers' })).referral;
      await t.app.get(ConsentsService).withdraw(sender, c.id, first.id);
      const giving = await t.db.pool.connect();
      const cancelling = await t.db.pool.connect();
      try {
        await giving.query('BEGIN');
        await cancelling.query('BEGIN');
        // The new consent's trigger shares the still-pending referral and holds the case's lock.
        await giving.query(
          `INSERT INTO consents (case_id, owning_organization_id, purpose, basis, method, organization_ids, recorded_by, recorded_at)
           SELECT id, owning_organization_id, 'referral', 'consent', 'verbal', '{}', created_by, now() FROM cases WHERE id = $1`,
          [c.id],
        );
        // The cancellation's trigger waits for it, then recomputes from a snapshot that sees the
        // share: without the lock it would find nothing to delete (the share is not committed
        // yet), and the share of a cancelled referral would survive both commits.
        const cancelled = cancelling.query(`UPDATE referrals SET status = 'cancelled', cancel_reason = 'changed plans' WHERE id = $1`, [r.id]);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await giving.query('COMMIT');
        await cancelled;
        await cancelling.query('COMMIT');
      } finally {
        giving.release();
        cancelling.release();
      }
      expect(await t.db.rows('SELECT 1 FROM case_shares WHERE case_id = $1', [c.id])).toEqual([]);
      await expectTableMatchesRule();
    }
  });

  it('f_case_shares_rebuild (after a bulk load with the triggers off) gives the same rows', async () => {
    const c = await registered();
    await t.app.get(ConsentsService).record(sender, c.id, { purpose: 'referral', basis: 'consent', method: 'signed' });
    await t.app.get(ReferralsService).create(sender, c.id, { toOrganizationId: C.org.id, serviceType: 'health', urgency: 'normal', reason: 'check-up', sharedSections: ['vulnerabilities'] });
    const before = await t.db.rows(TABLE);
    expect(before.length).toBeGreaterThan(0);
    await t.db.rows('SELECT f_case_shares_rebuild()');
    expect(await t.db.rows(TABLE)).toEqual(before);
  });
});
