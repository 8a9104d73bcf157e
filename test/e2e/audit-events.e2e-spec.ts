// The audit trail as the contract spells it (issue 28): entity types in lower snake_case in the
// filter and in the events, an unknown type refused with the list, and the chain of events sealed
// before the change still verifying (the stored names, covered by the hashes, are unchanged).
import { AuditSealer } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, type TestOrg, type TestUser } from '../support/factories.js';

let t: TestApp;
let A: TestOrg;
let cw: TestUser;
let auditor: TestUser;
let caseId: string;
let consentId: string;

beforeAll(async () => {
  t = await startTestApp();
  A = await makeOrg(t, { capabilities: ['information', 'health', 'shelter'] });
  cw = await makeUser(t, A, ['caseworker', 'manager']);
  auditor = await makeUser(t, A, ['auditor']);
  const created = await as(t, cw)
    .post('/api/v1/cases')
    .send({
      siteId: A.sites[0].id,
      identity: { givenName: 'Awa', familyName: 'Traoré', sex: 'female', dateOfBirth: '1998-02-01', nationality: 'MLI' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    })
    .expect(201);
  caseId = created.body.id;
  await as(t, cw).get(`/api/v1/cases/${caseId}`).expect(200);
  consentId = (await as(t, cw).post(`/api/v1/cases/${caseId}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201)).body.id;
  // Everything so far sealed as the minutely job would: a chain written by the stored names.
  const sealer = t.app.get(AuditSealer);
  for (let i = 0; i < 100; i++) {
    await sealer.sealAll();
    const [{ n }] = await t.db.rows<{ n: number }>('SELECT count(*)::int AS n FROM audit_events e WHERE e.organization_id = $1 AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)', [A.org.id]);
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(() => t?.close());

const trail = async (query: string) => (await as(t, auditor).get(`/api/v1/audit-events?${query}`).expect(200)).body.items as { action: string; entityType: string; entityId: string; details: Record<string, unknown> | null }[];

describe('audit entity types (issue 28)', () => {
  it('entityType=case returns the case’s events, each spelled "case"', async () => {
    const events = await trail(`entityType=case&entityId=${caseId}`);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['case.created', 'case.viewed', 'consent.recorded']));
    expect(events.every((e) => e.entityType === 'case' && e.entityId === caseId)).toBe(true);
    // Stored as before: the names the sealed hashes cover are untouched.
    expect(await t.db.rows('SELECT DISTINCT entity_type FROM audit_events WHERE entity_id = $1', [caseId])).toEqual([{ entity_type: 'Case' }]);
  });

  it('every event of the trail reads in lower snake_case', async () => {
    const events = await trail('limit=200');
    expect(new Set(events.map((e) => e.entityType))).toEqual(new Set(['case', 'user', 'organization', 'site']));
  });

  it('a consent is found by its own id on its case’s trail', async () => {
    const events = await trail(`entityType=consent&entityId=${consentId}`);
    expect(events.map((e) => e.action)).toEqual(['consent.recorded']);
    expect(events[0]).toMatchObject({ entityType: 'case', entityId: caseId, details: expect.objectContaining({ consentId }) });
    expect((await trail('entityType=consent')).every((e) => e.action.startsWith('consent.'))).toBe(true);
  });

  it('the old PascalCase spelling and an unknown type are 400 VALIDATION_FAILED listing the allowed types', async () => {
    for (const type of ['spaceship', 'Case']) {
      const p = expectProblem(await as(t, auditor).get(`/api/v1/audit-events?entityType=${type}`), 400, 'VALIDATION_FAILED');
      const said = JSON.stringify(p);
      for (const allowed of ['case', 'consent', 'screening', 'referral', 'stay', 'stay_extension', 'letter', 'return', 'movement', 'reintegration_plan', 'user', 'site', 'organization']) {
        expect(said).toMatch(new RegExp(`\\b${allowed}\\b`));
      }
    }
  });

  it('the chain sealed before the change still verifies', async () => {
    const res = await as(t, auditor).get('/api/v1/audit-events/verify').expect(200);
    expect(res.body).toMatchObject({ ok: true, unsealed: 0 });
    expect(res.body.checked).toBeGreaterThan(4);
  });
});
