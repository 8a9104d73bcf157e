import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { type Capability, ROLES, type Role, SitesService, systemActor } from '@passerelle/core';
import { expectProblem, startTestApp, type TestApp } from '../support/app.js';
import { as, makeOrg, makeUser, PASSWORD, plannedMovement, RETURN_BODY, returnOfCase, type TestOrg, type TestUser, yesNoSchemeBody } from '../support/factories.js';

/**
 * The permission matrix (issue 4, acceptance 2; DESIGN §1, §2): every route of the OpenAPI
 * document × every caller gets the designed status. A documented route without a row here, or a
 * row for a route that no longer exists, fails the suite: a new route cannot ship without a rule.
 *
 * Callers: anonymous, and each role of the organization that owns the target records ("home")
 * and of another organization ("other"). Platform admins live in an organization of their own
 * (DESIGN §1); the "home" platform admin is in one, the "other" one in "other": neither owns
 * anything in "home", so their rows are the same by design.
 *
 * Statuses: 401 anonymous on a non-public route; 403 FORBIDDEN when the role may never do that
 * kind of action (the @Requires check) or may see the record but not act on it; 404 NOT_FOUND when
 * the record exists but the caller may not see it (no existence leak), which on /cases/{id}… also
 * covers the roles that see no case at all (DESIGN §2 "anything a user may not see is 404");
 * 2xx when allowed.
 */

type Side = 'home' | 'other';
type Caller = 'anonymous' | `${Side}:${Role}`;
const SIDES: readonly Side[] = ['home', 'other'];
const CALLERS: readonly Caller[] = ['anonymous', ...SIDES.flatMap((side) => ROLES.map((role) => `${side}:${role}` as const))];

/** Expected status of one route: for anonymous, and per role [home organization, other organization]. */
type Row = { anonymous: number } & Record<Role, readonly [number, number]>;

const everyRole = (home: number, other = home) => Object.fromEntries(ROLES.map((r) => [r, [home, other] as const])) as Record<Role, readonly [number, number]>;
/** @Public(): a token changes nothing. */
const open = (status: number): Row => ({ anonymous: status, ...everyRole(status) });
/** Every signed-in user, whatever the role or organization. */
const signedIn = (status: number): Row => ({ anonymous: 401, ...everyRole(status) });
/** Only `allowed` roles, with their [home, other] statuses; every other role may never (403). */
const only = (allowed: Partial<Record<Role, readonly [number, number]>>): Row => ({ anonymous: 401, ...everyRole(403), ...allowed });
/** One case: hidden (404) from every role and org not `allowed`. */
const caseRecord = (allowed: Partial<Record<Role, readonly [number, number]>>): Row => ({ anonymous: 401, ...everyRole(404), ...allowed });

const MATRIX: Record<string, Row> = {
  'GET /health/live': open(200),
  'GET /health/ready': open(200),

  'POST /api/v1/auth/login': open(200),
  'POST /api/v1/auth/refresh': open(200),
  'POST /api/v1/auth/logout': open(204),
  'GET /api/v1/me': signedIn(200),

  // DESIGN §1: platform admins manage organizations; the partner directory is everyone's (§4).
  'POST /api/v1/organizations': only({ platform_admin: [201, 201] }),
  'GET /api/v1/organizations': signedIn(200),
  'GET /api/v1/organizations/{id}': signedIn(200),
  'PATCH /api/v1/organizations/{id}': only({ platform_admin: [200, 200] }),
  // Org admins manage their own org's sites; another org's admin sees the org but may not act (403).
  'POST /api/v1/organizations/{id}/sites': only({ org_admin: [201, 403] }),
  'GET /api/v1/organizations/{id}/sites': signedIn(200),

  'GET /api/v1/sites': signedIn(200),
  'GET /api/v1/sites/{id}': signedIn(200),
  'PATCH /api/v1/sites/{id}': only({ org_admin: [200, 403] }),
  'GET /api/v1/services': signedIn(200),

  // API.md: platform admins create org admins in any org; org admins any role but platform_admin,
  // own org only (the target org is visible to everyone, so another org's admin gets 403).
  'POST /api/v1/users': only({ platform_admin: [201, 201], org_admin: [201, 403] }),
  // Everyone lists users: at least themselves.
  'GET /api/v1/users': signedIn(200),
  // The target is a caseworker of "home": colleagues who work with people see them; analysts see
  // no personal data (only themselves); platform admins see org admins only; other orgs see nothing.
  'GET /api/v1/users/{id}': {
    anonymous: 401,
    platform_admin: [404, 404],
    org_admin: [200, 404],
    caseworker: [200, 404],
    manager: [200, 404],
    analyst: [404, 404],
    auditor: [200, 404],
  },
  // Only org admins edit users, of their own org; platform admins create org admins but edit no
  // one ("nobody edits another org's anything", issue 4).
  'PATCH /api/v1/users/{id}': only({ org_admin: [200, 404] }),

  // DESIGN §1: auditors read their own org's trail; the list is always their own org's.
  'GET /api/v1/audit-events': only({ auditor: [200, 200] }),
  'GET /api/v1/audit-events/verify': only({ auditor: [200, 200] }),

  // Cases (DESIGN §1–3). Case data is for caseworkers and managers of the owning org only; the
  // target case is registered at the home site the home caseworker works at. Registering is at a
  // site of one's own org: another org's site is visible (the directory) but not theirs (403).
  'POST /api/v1/cases': only({ caseworker: [201, 403], manager: [201, 403] }),
  'GET /api/v1/cases': only({ caseworker: [200, 200], manager: [200, 200] }),
  'POST /api/v1/cases/duplicate-check': only({ caseworker: [200, 200], manager: [200, 200] }),
  'GET /api/v1/cases/{id}': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'PATCH /api/v1/cases/{id}': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  // Managers reassign, close and reopen; a caseworker sees the case but may not (403).
  'POST /api/v1/cases/{id}/assign': caseRecord({ caseworker: [403, 403], manager: [200, 404] }),
  'POST /api/v1/cases/{id}/close': caseRecord({ caseworker: [403, 403], manager: [200, 404] }),
  'POST /api/v1/cases/{id}/reopen': caseRecord({ caseworker: [403, 403], manager: [200, 404] }),
  'POST /api/v1/cases/{id}/notes': caseRecord({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/cases/{id}/notes': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/cases/{id}/timeline': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/cases/{id}/duplicates': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/cases/{id}/consents': caseRecord({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/cases/{id}/consents': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/cases/{id}/consents/{consentId}/withdraw': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/cases/{id}/screenings': caseRecord({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/cases/{id}/screenings': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),

  // Referrals (DESIGN §2, §4): "home" refers its case to "other". Referring needs the case: the
  // other org sees it only once referred. The referred case's live referral gives "other" the
  // shared view: it reads the case and its referrals, and may not record services before
  // accepting (403). The receiver answers (accept, decline, complete); the sender cancels.
  'POST /api/v1/cases/{id}/referrals': caseRecord({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/cases/{id}/referrals': caseRecord({ caseworker: [200, 200], manager: [200, 200] }),
  'POST /api/v1/cases/{id}/services': caseRecord({ caseworker: [201, 403], manager: [201, 403] }),
  'GET /api/v1/cases/{id}/services': caseRecord({ caseworker: [200, 200], manager: [200, 200] }),
  'GET /api/v1/referrals': only({ caseworker: [200, 200], manager: [200, 200] }),
  'GET /api/v1/referrals/{id}': caseRecord({ caseworker: [200, 200], manager: [200, 200] }),
  'POST /api/v1/referrals/{id}/accept': only({ caseworker: [403, 200], manager: [403, 200] }),
  'POST /api/v1/referrals/{id}/decline': only({ caseworker: [403, 200], manager: [403, 200] }),
  'POST /api/v1/referrals/{id}/complete': only({ caseworker: [403, 200], manager: [403, 200] }),
  'POST /api/v1/referrals/{id}/cancel': only({ caseworker: [200, 403], manager: [200, 403] }),
  'GET /api/v1/service-records': only({ caseworker: [200, 200], manager: [200, 200] }),
  // Alerts are personal: the target alert is the home caseworker's; it is a 404 to everyone else.
  'GET /api/v1/alerts': signedIn(200),
  'POST /api/v1/alerts/{id}/acknowledge': { anonymous: 401, ...everyRole(404), caseworker: [200, 404] },

  // Group activities (issue 6): caseworkers and managers record them for their own organization, at
  // any organization's site (the directory is public), so "other" records at the home site too.
  // Analysts read them (counts, no personal data); the target is a "home" activity (404 elsewhere).
  'POST /api/v1/activities': only({ caseworker: [201, 201], manager: [201, 201] }),
  'GET /api/v1/activities': only({ caseworker: [200, 200], manager: [200, 200], analyst: [200, 200] }),
  'GET /api/v1/activities/{id}': only({ caseworker: [200, 404], manager: [200, 404], analyst: [200, 404] }),

  // Shelter stays (issue 7, DESIGN §5): "home" runs a shelter and houses its own cases there; both
  // organizations hold the shelter capability, so "other" may list its own stays (none) but never
  // sees home's stays (404) nor home's occupancy (the site is public, its stays are not: 403), and
  // cannot check in a case it does not see (404). Managers decide extensions, never caseworkers.
  'POST /api/v1/stays': only({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/stays': only({ caseworker: [200, 200], manager: [200, 200] }),
  'GET /api/v1/stays/{id}': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/stays/{id}/check-out': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/stays/{id}/extensions': only({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/stays/{id}/extensions': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/stays/{id}/extensions/{extId}/approve': only({ manager: [200, 404] }),
  'POST /api/v1/stays/{id}/extensions/{extId}/reject': only({ manager: [200, 404] }),
  'GET /api/v1/sites/{id}/occupancy': only({ caseworker: [200, 403], manager: [200, 403] }),

  // Letters of indulgence (issue 8, DESIGN §6): both organizations hold indulgence_letter. Issuing
  // needs the case (the other organization sees none of home's); the target letter is home's, on the
  // home case: read and printed by who works on it, hidden (404) from everyone else; revoking is
  // for caseworkers and managers (403 for the other roles), on a fresh letter since a success ends
  // it. The check of a letter's QR code and the public keys are open to anyone, token or not.
  'POST /api/v1/cases/{id}/letters': caseRecord({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/cases/{id}/letters': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/letters': only({ caseworker: [200, 200], manager: [200, 200] }),
  'GET /api/v1/letters/{id}': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/letters/{id}/pdf': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/letters/{id}/revoke': only({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/public/letters/verify': open(200),
  'GET /api/v1/public/letters/keys': open(200),

  // Reports (issue 11): aggregated, de-identified, always of the caller's own organization, so
  // "other" gets 200 too (its own, empty figures); analysts and managers only — caseworkers,
  // auditors, org and platform admins 403.
  'GET /api/v1/reports/flows': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/flows.csv': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/referrals': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/referrals.csv': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/returns': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/returns.csv': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/reintegration': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/reintegration.csv': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/shelter': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/shelter.csv': only({ analyst: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reports/summary': only({ analyst: [200, 200], manager: [200, 200] }),

  // Voluntary returns (issue 9, DESIGN §6): both organizations hold the return capability. A return
  // is the case's organization's: drafted on a fresh home case by whoever works on it (the other
  // organization sees no home case: 404); the target return (`homeReturn`) and the fresh ones of
  // the actions are home's, hidden (404) from the other organization. Managers approve and reject
  // (a caseworker never: 403), never their own submission (the home caseworker submits here).
  // Analysts, auditors and admins get nothing of returns: 403 on actions, 404 on reads of one.
  'POST /api/v1/cases/{id}/returns': caseRecord({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/cases/{id}/returns': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/returns': only({ caseworker: [200, 200], manager: [200, 200] }),
  'GET /api/v1/returns/{id}': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'PATCH /api/v1/returns/{id}': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/returns/{id}/submit': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/returns/{id}/approve': only({ manager: [200, 404] }),
  'POST /api/v1/returns/{id}/reject': only({ manager: [200, 404] }),
  'POST /api/v1/returns/{id}/depart': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/returns/{id}/arrive': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/returns/{id}/cancel': only({ caseworker: [200, 404], manager: [200, 404] }),
  // Movements (convoys of several cases) are the managers'; a caseworker may never (403), and sees
  // none (404 on one); another organization's manager sees none of home's (404), nor its returns.
  'POST /api/v1/movements': only({ manager: [201, 404] }),
  'GET /api/v1/movements': only({ manager: [200, 200] }),
  'GET /api/v1/movements/{id}': caseRecord({ manager: [200, 404] }),
  'POST /api/v1/movements/{id}/returns': only({ manager: [200, 404] }),
  'DELETE /api/v1/movements/{id}/returns/{returnId}': only({ manager: [200, 404] }),
  'POST /api/v1/movements/{id}/depart': only({ manager: [200, 404] }),
  'POST /api/v1/movements/{id}/cancel': only({ manager: [200, 404] }),
  'GET /api/v1/movements/{id}/manifest.csv': caseRecord({ manager: [200, 404] }),
  'GET /api/v1/movements/{id}/manifest.pdf': caseRecord({ manager: [200, 404] }),

  // Reintegration (issue 10, DESIGN §6): both organizations hold the capability. Plans follow their
  // case: the home case's plan is read and worked on by who works on the case, hidden (404) from
  // everyone else, the roles that see no case included; only managers approve and reject (403 for
  // caseworkers), never what they submitted (the plans here are submitted by another manager).
  // Scoring schemes hold no personal data: everyone reads the shipped ones and their own
  // organization's (the target is home's); org admins load them for their own organization. Each
  // organization's budget ceiling is public and set by its own admin (another's sees it: 403).
  'POST /api/v1/cases/{id}/reintegration-plan': caseRecord({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/cases/{id}/reintegration-plan': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/cases/{id}/reintegration-scores': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/reintegration-plans': only({ caseworker: [200, 200], manager: [200, 200] }),
  'GET /api/v1/reintegration-plans/{id}': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'PATCH /api/v1/reintegration-plans/{id}': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/reintegration-plans/{id}/items': only({ caseworker: [201, 404], manager: [201, 404] }),
  'PATCH /api/v1/reintegration-plans/{id}/items/{itemId}': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/reintegration-plans/{id}/items/{itemId}/deliver': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/reintegration-plans/{id}/items/{itemId}/cancel': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/reintegration-plans/{id}/submit': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/reintegration-plans/{id}/approve': only({ manager: [200, 404] }),
  'POST /api/v1/reintegration-plans/{id}/reject': only({ manager: [200, 404] }),
  'POST /api/v1/reintegration-plans/{id}/complete': only({ caseworker: [200, 404], manager: [200, 404] }),
  'POST /api/v1/reintegration-plans/{id}/visits': only({ caseworker: [201, 404], manager: [201, 404] }),
  'GET /api/v1/reintegration-plans/{id}/visits': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/reintegration-plans/{id}/timeline': caseRecord({ caseworker: [200, 404], manager: [200, 404] }),
  'GET /api/v1/scoring-schemes': signedIn(200),
  'GET /api/v1/scoring-schemes/{id}': { anonymous: 401, ...everyRole(404), org_admin: [200, 404], caseworker: [200, 404], manager: [200, 404], analyst: [200, 404], auditor: [200, 404] },
  'POST /api/v1/scoring-schemes': only({ org_admin: [201, 201] }),
  'GET /api/v1/organizations/{id}/reintegration-settings': signedIn(200),
  'PATCH /api/v1/organizations/{id}/reintegration-settings': only({ org_admin: [200, 403] }),

  // Data protection (issue 11): the subject-access export and early anonymization are the owning
  // organization's managers'. A caseworker who sees the case may not export it (403); the request
  // is on a fresh closed case; the decision is another home manager's (the requester is not a caller).
  'GET /api/v1/cases/{id}/export': caseRecord({ caseworker: [403, 403], manager: [200, 404] }),
  'POST /api/v1/cases/{id}/anonymization-requests': only({ manager: [201, 404] }),
  'GET /api/v1/anonymization-requests': only({ manager: [200, 200] }),
  'POST /api/v1/anonymization-requests/{id}/approve': only({ manager: [200, 404] }),
  'POST /api/v1/anonymization-requests/{id}/reject': only({ manager: [200, 404] }),
};

/** routes × callers; written out so that a change to either is a deliberate one. */
const EXPECTED_MATRIX_SIZE = 130 * 13;

const PROBLEM_CODE: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };

let t: TestApp;
let home: TestOrg;
let other: TestOrg;
let platform: TestOrg;
const callers = new Map<Caller, TestUser>();
/** The "home" user that /users/{id} targets: a caseworker, not one of the callers. */
let target: TestUser;
/** A "home" user whose sessions the auth routes use. */
let session: TestUser;
let rollingRefreshToken: string;
/** The "home" case that /cases/{id}… targets, registered at the home caseworker's site. */
let homeCase: string;
/** A "home" case with a pending referral to "other" (`liveReferral`): other's shared view. */
let referredCase: string;
let liveReferral: string;
/** The "home" group activity that /activities/{id} targets. */
let homeActivity: string;
/** A "home" shelter, and the active stay there that /stays/{id}… targets. */
let homeShelter: string;
let homeStay: string;
/** The "home" letter that /letters/{id} and the public check target, on the home case. */
let homeLetter: { id: string; verificationToken: string };
/** The "home" draft return that /returns/{id} targets, and the planned movement /movements/{id} targets. */
let homeReturn: string;
let homeMovement: string;
/** A "home" manager outside the callers who prepares plans (so a caller is never their submitter), the home draft plan (on a returnee case) and a scheme home loaded. */
let planner: TestUser;
let homePlan: { id: string; caseId: string };
let homeScheme: string;
/** A "home" manager who is not a caller: makes the anonymization requests the callers decide. */
let requester: TestUser;
let documented: string[] = [];
let serverRoutes: string[] = [];
let seq = 0;

const unique = () => `${++seq}${randomBytes(2).toString('hex')}`;
const roleOf = (caller: Caller): Role | null => (caller === 'anonymous' ? null : (caller.split(':')[1] as Role));
const homeManager = () => as(t, callers.get('home:manager')!);

const newCaseBody = () => ({
  siteId: home.sites[0].id,
  identity: { givenName: 'Aminata', familyName: `Traoré ${unique()}`, sex: 'female', birthYear: 1999, nationality: 'GIN' },
  consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
});
/** A fresh open case of "home", for the actions that change its state. */
const freshCase = async (): Promise<string> => (await homeManager().post('/api/v1/cases').send(newCaseBody()).expect(201)).body.id;
/** A fresh "home" case with a referral consent covering every organization. */
const referableCase = async (): Promise<string> => {
  const id = await freshCase();
  await homeManager().post(`/api/v1/cases/${id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed' }).expect(201);
  return id;
};
const referralBody = () => ({ toOrganizationId: other.org.id, serviceType: 'health', urgency: 'normal', reason: `needs a doctor (${unique()})` });
/** A fresh referral from "home" to "other", pending or accepted. */
const freshReferral = async (status: 'pending' | 'accepted' = 'pending'): Promise<string> => {
  const id = (await homeManager().post(`/api/v1/cases/${await referableCase()}/referrals`).send(referralBody()).expect(201)).body.id;
  if (status === 'accepted') await as(t, callers.get('other:manager')!).post(`/api/v1/referrals/${id}/accept`).send({}).expect(200);
  return id;
};
const newActivityBody = () => ({
  siteId: home.sites[0].id,
  date: new Date().toISOString().slice(0, 10),
  type: 'awareness_campaign',
  topic: `Risks of irregular migration (${unique()})`,
  participants: [{ sex: 'female', ageGroup: '18-59', count: 4 }],
});
/** A fresh active stay of a fresh "home" case at the home shelter, and (when asked) a pending extension requested by the home caseworker. */
const freshStay = async (): Promise<string> =>
  (await homeManager().post('/api/v1/stays').send({ caseId: await freshCase(), siteId: homeShelter }).expect(201)).body.id;
const freshExtension = async (): Promise<{ id: string; extId: string }> => {
  const id = await freshStay();
  const ext = await as(t, callers.get('home:caseworker')!).post(`/api/v1/stays/${id}/extensions`).send({ days: 3, reason: `awaiting the convoy (${unique()})` }).expect(201);
  return { id, extId: ext.body.id };
};
const letterBody = () => {
  const today = new Date();
  const later = new Date(today.getTime() + 14 * 86_400_000);
  return { validFrom: today.toISOString().slice(0, 10), validUntil: later.toISOString().slice(0, 10), purpose: `transit ${unique()}`, route: { from: 'Gao', to: 'Bamako', via: ['Mopti'] } };
};
/** A fresh active letter of "home", on a fresh case. */
const freshLetter = async (): Promise<string> => (await homeManager().post(`/api/v1/cases/${await freshCase()}/letters`).send(letterBody()).expect(201)).body.id;
/** A fresh return of a fresh "home" case (eligible, return consent), in `status`: the home caseworker submits, the home manager approves. */
const freshReturn = async (status: 'draft' | 'submitted' | 'approved' | 'departed' = 'draft'): Promise<string> =>
  returnOfCase(homeManager(), as(t, callers.get('home:caseworker')!), await freshCase(), status);
/** A fresh planned "home" movement with one approved return. */
const freshMovement = async (): Promise<{ id: string; returnId: string }> => plannedMovement(homeManager(), await freshReturn('approved'));
const returnState = (id: string) => t.db.row('SELECT status, version FROM returns WHERE id = $1', [id]);
const asPlanner = () => as(t, planner);
/** A fresh "home" case registered as a returnee, with a reintegration consent. */
const freshReturnee = async (): Promise<string> => {
  const id = (await asPlanner().post('/api/v1/cases').send({ ...newCaseBody(), migrantCategory: 'returnee' }).expect(201)).body.id;
  await asPlanner().post(`/api/v1/cases/${id}/consents`).send({ purpose: 'reintegration', basis: 'consent', method: 'signed' }).expect(201);
  return id;
};
/** A fresh plan of "home" with one planned item, prepared by the planner up to `status`. */
const freshPlan = async (status: 'draft' | 'submitted' | 'approved' | 'in_progress' = 'draft'): Promise<{ id: string; itemId: string }> => {
  const caseId = await freshReturnee();
  const id = (await asPlanner().post(`/api/v1/cases/${caseId}/reintegration-plan`).send({}).expect(201)).body.id;
  const itemId = (await asPlanner().post(`/api/v1/reintegration-plans/${id}/items`).send(planItem()).expect(201)).body.id;
  if (status !== 'draft') await asPlanner().post(`/api/v1/reintegration-plans/${id}/submit`).expect(200);
  if (status === 'approved' || status === 'in_progress') await as(t, planApprover).post(`/api/v1/reintegration-plans/${id}/approve`).expect(200);
  if (status === 'in_progress') await asPlanner().post(`/api/v1/reintegration-plans/${id}/items/${itemId}/cancel`).send({ reason: 'not needed' }).expect(200);
  return { id, itemId };
};
const planItem = () => ({ type: 'market_gardening', description: `Market garden kit (${unique()})`, budgetXof: 250000 });
let planApprover: TestUser;
const planVersion = async (id: string) => (await t.db.row<{ version: number }>('SELECT version FROM reintegration_plans WHERE id = $1', [id]))!.version;
const schemeBody = () => yesNoSchemeBody(`matrix-scheme-${unique()}`);
/** A fresh closed "home" case, and a pending anonymization request for one made by `requester`. */
const freshClosedCase = async (): Promise<string> => {
  const id = await freshCase();
  await homeManager().post(`/api/v1/cases/${id}/close`).send({ reason: 'continued_journey' }).expect(200);
  return id;
};
const freshAnonymizationRequest = async (): Promise<string> =>
  (await as(t, requester).post(`/api/v1/cases/${await freshClosedCase()}/anonymization-requests`).send().expect(201)).body.id;
const caseVersion = async (id: string) => (await t.db.row<{ version: number }>('SELECT version FROM cases WHERE id = $1', [id]))!.version;

/** One request of the matrix: path parameters, query, body, headers. */
interface Cell {
  params: Record<string, string>;
  query?: Record<string, string>;
  body?: object;
  headers?: Record<string, string>;
}

/** Path parameters by default: the records of "home". */
const DEFAULT_PARAMS: Record<string, () => string> = {
  organizations: () => home.org.id,
  sites: () => home.sites[0].id,
  users: () => target.user.id,
  cases: () => homeCase,
  referrals: () => liveReferral,
  activities: () => homeActivity,
  stays: () => homeStay,
  letters: () => homeLetter.id,
  returns: () => homeReturn,
  movements: () => homeMovement,
  'reintegration-plans': () => homePlan.id,
  'scoring-schemes': () => homeScheme,
};

/**
 * Per route: a valid body (so the matrix tests authorization, not validation), headers, and a
 * fresh record where a success would change the state the next caller meets (close, reopen,
 * withdraw).
 */
const SETUP: Record<string, (caller: Caller) => Partial<Cell> | Promise<Partial<Cell>>> = {
  'POST /api/v1/auth/login': () => ({ body: { email: session.email, password: PASSWORD } }),
  'POST /api/v1/auth/refresh': () => ({ body: { refreshToken: rollingRefreshToken } }),
  'POST /api/v1/auth/logout': async () => {
    const res = await t.http.post('/api/v1/auth/login').send({ email: session.email, password: PASSWORD }).expect(200);
    return { body: { refreshToken: res.body.refreshToken } };
  },
  'POST /api/v1/organizations': () => ({ body: { code: `PM-${unique()}`.toUpperCase(), name: `Matrix organization ${seq}`, kind: 'ngo', capabilities: ['information'] } }),
  'PATCH /api/v1/organizations/{id}': () => ({ body: { name: `Home organization ${unique()}` } }),
  'POST /api/v1/organizations/{id}/sites': () => ({ body: { name: `Matrix site ${unique()}`, kind: 'office', location: { region: 'Gao', cercle: 'Gao' } } }),
  'PATCH /api/v1/sites/{id}': () => ({ body: { name: `Home site ${unique()}` } }),
  // A role the caller may grant: platform admins only org_admin; org admins any other.
  'POST /api/v1/users': (caller) => ({
    body: {
      organizationId: home.org.id,
      email: `matrix.${unique()}@home.test`,
      displayName: `Matrix user ${seq}`,
      password: PASSWORD,
      roles: roleOf(caller) === 'platform_admin' ? ['org_admin'] : ['caseworker'],
      siteIds: roleOf(caller) === 'platform_admin' ? [] : [home.sites[0].id],
    },
  }),
  'PATCH /api/v1/users/{id}': () => ({ body: { displayName: `Target ${unique()}` } }),

  'POST /api/v1/cases': () => ({ body: newCaseBody() }),
  'POST /api/v1/cases/duplicate-check': () => ({ body: { givenName: 'Fatoumata', familyName: 'Diallo', birthYear: 1998, nationality: 'GIN' } }),
  'PATCH /api/v1/cases/{id}': async () => ({ body: { contact: { phone: `+22370${String(++seq).padStart(6, '0')}` } }, headers: { 'if-match': `"${await caseVersion(homeCase)}"` } }),
  'POST /api/v1/cases/{id}/assign': () => ({ body: { userId: callers.get('home:caseworker')!.user.id } }),
  'POST /api/v1/cases/{id}/close': async () => ({ params: { id: await freshCase() }, body: { reason: 'continued_journey' } }),
  'POST /api/v1/cases/{id}/reopen': async () => {
    const id = await freshCase();
    await homeManager().post(`/api/v1/cases/${id}/close`).send({ reason: 'lost_contact' }).expect(200);
    return { params: { id } };
  },
  'POST /api/v1/cases/{id}/notes': () => ({ body: { text: `Seen at the transit centre (${unique()})` } }),
  'POST /api/v1/cases/{id}/consents': () => ({ body: { purpose: 'referral', basis: 'consent', method: 'verbal', organizationIds: [other.org.id] } }),
  'POST /api/v1/cases/{id}/consents/{consentId}/withdraw': async () => {
    const consent = await homeManager().post(`/api/v1/cases/${homeCase}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed' }).expect(201);
    return { params: { id: homeCase, consentId: consent.body.id }, body: { reason: 'changed their mind' } };
  },
  'POST /api/v1/cases/{id}/referrals': async () => ({ params: { id: await referableCase() }, body: referralBody() }),
  'GET /api/v1/cases/{id}/referrals': () => ({ params: { id: referredCase } }),
  'POST /api/v1/cases/{id}/services': () => ({ params: { id: referredCase }, body: { serviceType: 'health', date: '2026-01-15', description: `consultation ${unique()}` } }),
  'GET /api/v1/cases/{id}/services': () => ({ params: { id: referredCase } }),
  'POST /api/v1/referrals/{id}/accept': async () => ({ params: { id: await freshReferral() } }),
  'POST /api/v1/referrals/{id}/decline': async () => ({ params: { id: await freshReferral() }, body: { reason: 'no capacity this week' } }),
  'POST /api/v1/referrals/{id}/complete': async () => ({ params: { id: await freshReferral('accepted') }, body: { outcome: 'seen by a doctor' } }),
  'POST /api/v1/referrals/{id}/cancel': async () => ({ params: { id: await freshReferral() }, body: { reason: 'the migrant left' } }),
  'POST /api/v1/alerts/{id}/acknowledge': async () => {
    const row = await t.db.row<{ id: string }>(
      `INSERT INTO alerts (recipient_user_id, organization_id, type, entity_type, entity_id, message, status, dedupe_key, created_at)
       VALUES ($1, $2, 'referral_overdue', 'Referral', $3, 'matrix alert', 'open', $4, now()) RETURNING id`,
      [callers.get('home:caseworker')!.user.id, home.org.id, liveReferral, `matrix:${unique()}`],
    );
    return { params: { id: row!.id } };
  },
  'POST /api/v1/activities': () => ({ body: newActivityBody() }),
  'POST /api/v1/stays': async () => ({ body: { caseId: await freshCase(), siteId: homeShelter } }),
  'POST /api/v1/stays/{id}/check-out': async () => ({ params: { id: await freshStay() } }),
  'POST /api/v1/stays/{id}/extensions': async () => ({ params: { id: await freshStay() }, body: { days: 5, reason: `awaiting return convoy (${unique()})` } }),
  'POST /api/v1/stays/{id}/extensions/{extId}/approve': async () => ({ params: await freshExtension() }),
  'POST /api/v1/stays/{id}/extensions/{extId}/reject': async () => ({ params: await freshExtension(), body: { reason: `no bed to spare (${unique()})` } }),
  'GET /api/v1/sites/{id}/occupancy': () => ({ params: { id: homeShelter } }),
  'POST /api/v1/cases/{id}/letters': () => ({ body: letterBody() }),
  'POST /api/v1/letters/{id}/revoke': async () => ({ params: { id: await freshLetter() }, body: { reason: 'issued in error' } }),
  'GET /api/v1/public/letters/verify': () => ({ query: { token: homeLetter.verificationToken } }),
  'POST /api/v1/cases/{id}/returns': async () => ({ params: { id: await freshCase() }, body: RETURN_BODY }),
  'PATCH /api/v1/returns/{id}': async () => ({ params: { id: await freshReturn() }, body: { destinationLocality: `Siguiri ${unique()}` }, headers: { 'if-match': '"1"' } }),
  'POST /api/v1/returns/{id}/submit': async () => ({ params: { id: await freshReturn() } }),
  'POST /api/v1/returns/{id}/approve': async () => ({ params: { id: await freshReturn('submitted') } }),
  'POST /api/v1/returns/{id}/reject': async () => ({ params: { id: await freshReturn('submitted') }, body: { reason: `unsafe route (${unique()})` } }),
  'POST /api/v1/returns/{id}/depart': async () => ({ params: { id: await freshReturn('approved') } }),
  'POST /api/v1/returns/{id}/arrive': async () => ({ params: { id: await freshReturn('departed') }, body: { arrivedAt: new Date().toISOString(), confirmedBy: 'OIM Kankan' } }),
  'POST /api/v1/returns/{id}/cancel': async () => ({ params: { id: await freshReturn() }, body: { reason: 'changed their mind' } }),
  'POST /api/v1/movements': async () => ({ body: { departureDate: '2026-12-01', carrier: 'Sonef', returnIds: [await freshReturn('approved')] } }),
  'POST /api/v1/movements/{id}/returns': async () => ({ params: { id: (await freshMovement()).id }, body: { returnId: await freshReturn('approved') } }),
  'DELETE /api/v1/movements/{id}/returns/{returnId}': async () => ({ params: await freshMovement() }),
  'POST /api/v1/movements/{id}/depart': async () => ({ params: { id: (await freshMovement()).id } }),
  'POST /api/v1/movements/{id}/cancel': async () => ({ params: { id: (await freshMovement()).id }, body: { reason: 'Route closed after an attack near Ansongo' } }),
  'POST /api/v1/cases/{id}/reintegration-plan': async () => ({ params: { id: await freshReturnee() }, body: { summary: `Back home (${unique()})` } }),
  'GET /api/v1/cases/{id}/reintegration-plan': () => ({ params: { id: homePlan.caseId } }),
  'GET /api/v1/cases/{id}/reintegration-scores': () => ({ params: { id: homePlan.caseId } }),
  'PATCH /api/v1/reintegration-plans/{id}': async () => ({ body: { summary: `Wants a market garden (${unique()})` }, headers: { 'if-match': `"${await planVersion(homePlan.id)}"` } }),
  'POST /api/v1/reintegration-plans/{id}/items': () => ({ body: planItem() }),
  'PATCH /api/v1/reintegration-plans/{id}/items/{itemId}': async () => ({ params: await freshPlan(), body: { budgetXof: 300000 } }),
  'POST /api/v1/reintegration-plans/{id}/items/{itemId}/deliver': async () => ({ params: await freshPlan('approved'), body: { deliveredOn: '2026-01-15', evidenceNote: `Kit handed over (${unique()})` } }),
  'POST /api/v1/reintegration-plans/{id}/items/{itemId}/cancel': async () => ({ params: await freshPlan(), body: { reason: 'not needed any more' } }),
  'POST /api/v1/reintegration-plans/{id}/submit': async () => ({ params: { id: (await freshPlan()).id } }),
  'POST /api/v1/reintegration-plans/{id}/approve': async () => ({ params: { id: (await freshPlan('submitted')).id } }),
  'POST /api/v1/reintegration-plans/{id}/reject': async () => ({ params: { id: (await freshPlan('submitted')).id }, body: { reason: 'budget not justified' } }),
  'POST /api/v1/reintegration-plans/{id}/complete': async () => ({ params: { id: (await freshPlan('in_progress')).id } }),
  'POST /api/v1/reintegration-plans/{id}/visits': () => ({ body: { visitDate: '2026-01-15', visitType: 'baseline', visitedBy: 'Field officer', answers: {} } }),
  'POST /api/v1/scoring-schemes': () => ({ body: schemeBody() }),
  'PATCH /api/v1/organizations/{id}/reintegration-settings': () => ({ body: { budgetCeilingXof: 1_000_000 + ++seq } }),
  'POST /api/v1/cases/{id}/anonymization-requests': async () => ({ params: { id: await freshClosedCase() } }),
  'POST /api/v1/anonymization-requests/{id}/approve': async () => ({ params: { id: await freshAnonymizationRequest() } }),
  'POST /api/v1/anonymization-requests/{id}/reject': async () => ({ params: { id: await freshAnonymizationRequest() }, body: { reason: `kept for the return follow-up (${unique()})` } }),
  'POST /api/v1/cases/{id}/screenings': () => ({
    body: { wishesToReturn: true, countryOfReturn: 'GIN', nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'obtainable', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' },
  }),
};

/** What a write changes: unchanged after a refusal, changed after a success. */
const EFFECTS: Record<string, (cell: Cell) => Promise<unknown>> = {
  'POST /api/v1/organizations': () => t.db.row('SELECT count(*)::int AS n FROM organizations'),
  'PATCH /api/v1/organizations/{id}': () => t.db.row('SELECT name, updated_at FROM organizations WHERE id = $1', [home.org.id]),
  'POST /api/v1/organizations/{id}/sites': () => t.db.row('SELECT count(*)::int AS n FROM sites WHERE organization_id = $1', [home.org.id]),
  'PATCH /api/v1/sites/{id}': () => t.db.row('SELECT name, updated_at FROM sites WHERE id = $1', [home.sites[0].id]),
  'POST /api/v1/users': () => t.db.row('SELECT count(*)::int AS n FROM users'),
  'PATCH /api/v1/users/{id}': () => t.db.row('SELECT display_name, updated_at FROM users WHERE id = $1', [target.user.id]),
  'POST /api/v1/cases': () => t.db.row('SELECT count(*)::int AS n FROM cases'),
  'PATCH /api/v1/cases/{id}': (c) => t.db.row('SELECT version, contact FROM cases WHERE id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/assign': (c) => t.db.row('SELECT version, assigned_to FROM cases WHERE id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/close': (c) => t.db.row('SELECT version, status FROM cases WHERE id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/reopen': (c) => t.db.row('SELECT version, status FROM cases WHERE id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/notes': (c) => t.db.row('SELECT count(*)::int AS n FROM case_notes WHERE case_id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/consents': (c) => t.db.row('SELECT count(*)::int AS n FROM consents WHERE case_id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/consents/{consentId}/withdraw': (c) => t.db.row('SELECT withdrawn_at FROM consents WHERE id = $1', [c.params.consentId]),
  'POST /api/v1/cases/{id}/screenings': (c) => t.db.row('SELECT count(*)::int AS n FROM screenings WHERE case_id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/referrals': (c) => t.db.row('SELECT count(*)::int AS n FROM referrals WHERE case_id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/services': (c) => t.db.row('SELECT count(*)::int AS n FROM service_records WHERE case_id = $1', [c.params.id]),
  'POST /api/v1/referrals/{id}/accept': (c) => t.db.row('SELECT status, updated_at FROM referrals WHERE id = $1', [c.params.id]),
  'POST /api/v1/referrals/{id}/decline': (c) => t.db.row('SELECT status, updated_at FROM referrals WHERE id = $1', [c.params.id]),
  'POST /api/v1/referrals/{id}/complete': (c) => t.db.row('SELECT status, updated_at FROM referrals WHERE id = $1', [c.params.id]),
  'POST /api/v1/referrals/{id}/cancel': (c) => t.db.row('SELECT status, updated_at FROM referrals WHERE id = $1', [c.params.id]),
  'POST /api/v1/alerts/{id}/acknowledge': (c) => t.db.row('SELECT status FROM alerts WHERE id = $1', [c.params.id]),
  'POST /api/v1/activities': () => t.db.row('SELECT count(*)::int AS n FROM activities'),
  'POST /api/v1/stays': () => t.db.row('SELECT count(*)::int AS n FROM stays'),
  'POST /api/v1/stays/{id}/check-out': (c) => t.db.row('SELECT status, checked_out_at FROM stays WHERE id = $1', [c.params.id]),
  'POST /api/v1/stays/{id}/extensions': (c) => t.db.row('SELECT count(*)::int AS n FROM stay_extensions WHERE stay_id = $1', [c.params.id]),
  'POST /api/v1/stays/{id}/extensions/{extId}/approve': (c) => t.db.row('SELECT x.status, s.expected_check_out_at FROM stay_extensions x JOIN stays s ON s.id = x.stay_id WHERE x.id = $1', [c.params.extId]),
  'POST /api/v1/stays/{id}/extensions/{extId}/reject': (c) => t.db.row('SELECT status, decided_at FROM stay_extensions WHERE id = $1', [c.params.extId]),
  'POST /api/v1/cases/{id}/letters': (c) => t.db.row('SELECT count(*)::int AS n FROM letters WHERE case_id = $1', [c.params.id]),
  'POST /api/v1/letters/{id}/revoke': (c) => t.db.row('SELECT status, updated_at FROM letters WHERE id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/returns': (c) => t.db.row('SELECT count(*)::int AS n FROM returns WHERE case_id = $1', [c.params.id]),
  'PATCH /api/v1/returns/{id}': (c) => t.db.row('SELECT version, destination_locality FROM returns WHERE id = $1', [c.params.id]),
  'POST /api/v1/returns/{id}/submit': (c) => returnState(c.params.id),
  'POST /api/v1/returns/{id}/approve': (c) => returnState(c.params.id),
  'POST /api/v1/returns/{id}/reject': (c) => returnState(c.params.id),
  'POST /api/v1/returns/{id}/depart': (c) => returnState(c.params.id),
  'POST /api/v1/returns/{id}/arrive': (c) => returnState(c.params.id),
  'POST /api/v1/returns/{id}/cancel': (c) => returnState(c.params.id),
  'POST /api/v1/movements': () => t.db.row('SELECT count(*)::int AS n FROM movements'),
  'POST /api/v1/movements/{id}/returns': (c) => t.db.row('SELECT count(*)::int AS n FROM returns WHERE movement_id = $1', [c.params.id]),
  'DELETE /api/v1/movements/{id}/returns/{returnId}': (c) => t.db.row('SELECT count(*)::int AS n FROM returns WHERE movement_id = $1', [c.params.id]),
  'POST /api/v1/movements/{id}/depart': (c) => t.db.row('SELECT status, departed_at FROM movements WHERE id = $1', [c.params.id]),
  'POST /api/v1/movements/{id}/cancel': (c) => t.db.row('SELECT m.status, m.cancelled_at, (SELECT count(*)::int FROM returns r WHERE r.movement_id = m.id) AS returns FROM movements m WHERE m.id = $1', [c.params.id]),
  'POST /api/v1/cases/{id}/reintegration-plan': (c) => t.db.row('SELECT count(*)::int AS n FROM reintegration_plans WHERE case_id = $1', [c.params.id]),
  'PATCH /api/v1/reintegration-plans/{id}': (c) => t.db.row('SELECT version, summary FROM reintegration_plans WHERE id = $1', [c.params.id]),
  'POST /api/v1/reintegration-plans/{id}/items': (c) => t.db.row('SELECT count(*)::int AS n FROM reintegration_items WHERE plan_id = $1', [c.params.id]),
  'PATCH /api/v1/reintegration-plans/{id}/items/{itemId}': (c) => t.db.row('SELECT budget_xof, updated_at FROM reintegration_items WHERE id = $1', [c.params.itemId]),
  'POST /api/v1/reintegration-plans/{id}/items/{itemId}/deliver': (c) => t.db.row('SELECT status FROM reintegration_items WHERE id = $1', [c.params.itemId]),
  'POST /api/v1/reintegration-plans/{id}/items/{itemId}/cancel': (c) => t.db.row('SELECT status FROM reintegration_items WHERE id = $1', [c.params.itemId]),
  'POST /api/v1/reintegration-plans/{id}/submit': (c) => t.db.row('SELECT status, version FROM reintegration_plans WHERE id = $1', [c.params.id]),
  'POST /api/v1/reintegration-plans/{id}/approve': (c) => t.db.row('SELECT status, version FROM reintegration_plans WHERE id = $1', [c.params.id]),
  'POST /api/v1/reintegration-plans/{id}/reject': (c) => t.db.row('SELECT status, version FROM reintegration_plans WHERE id = $1', [c.params.id]),
  'POST /api/v1/reintegration-plans/{id}/complete': (c) => t.db.row('SELECT status, version FROM reintegration_plans WHERE id = $1', [c.params.id]),
  'POST /api/v1/reintegration-plans/{id}/visits': (c) => t.db.row('SELECT count(*)::int AS n FROM reintegration_visits WHERE plan_id = $1', [c.params.id]),
  'POST /api/v1/scoring-schemes': () => t.db.row('SELECT count(*)::int AS n FROM scoring_schemes'),
  'PATCH /api/v1/organizations/{id}/reintegration-settings': () => t.db.row('SELECT reintegration_budget_ceiling_xof FROM organizations WHERE id = $1', [home.org.id]),
  'POST /api/v1/cases/{id}/anonymization-requests': (c) => t.db.row('SELECT count(*)::int AS n FROM anonymization_requests WHERE case_id = $1', [c.params.id]),
  'POST /api/v1/anonymization-requests/{id}/approve': (c) =>
    t.db.row('SELECT r.status, c.anonymized_at, c.given_name FROM anonymization_requests r JOIN cases c ON c.id = r.case_id WHERE r.id = $1', [c.params.id]),
  'POST /api/v1/anonymization-requests/{id}/reject': (c) => t.db.row('SELECT status, decided_at FROM anonymization_requests WHERE id = $1', [c.params.id]),
};

/** After a success: the auth routes hand out the next refresh token. */
const AFTER: Record<string, (res: Response) => void> = {
  'POST /api/v1/auth/refresh': (res) => (rollingRefreshToken = res.body.refreshToken),
};

async function prepare(route: string, caller: Caller): Promise<Cell> {
  const path = route.split(' ')[1];
  const setup = (await SETUP[route]?.(caller)) ?? {};
  const params: Record<string, string> = { ...setup.params };
  for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
    params[name] ??= DEFAULT_PARAMS[path.split('/')[3]]?.();
    if (!params[name]) throw new Error(`no record to put in {${name}} of ${route}: add one to SETUP`);
  }
  return { ...setup, params };
}

function call(route: string, caller: Caller, cell: Cell) {
  const [method, path] = route.split(' ');
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => cell.params[name]);
  const m = method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  const req = (caller === 'anonymous' ? t.http[m](url) : as(t, callers.get(caller)!)[m](url)).set(cell.headers ?? {}).query(cell.query ?? {});
  return cell.body ? req.send(cell.body) : req;
}

/**
 * Every method + path the server answers, from Fastify's route tree, so that a handler hidden
 * from the document (e.g. @ApiExcludeEndpoint) cannot escape the matrix.
 */
function routesOfServer(): string[] {
  const tree = t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2];
    stack.push(path);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) out.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return out;
}
/** Swagger UI and the document itself: public, outside the API. */
const isDocsRoute = (route: string) => /^GET \/docs(\/|-json$|-yaml$|$)/.test(route);

beforeAll(async () => {
  // Many logins from one address: the rate limits are not what this suite is about.
  t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000', LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
  const doc = await t.http.get('/docs-json').expect(200);
  documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
  serverRoutes = routesOfServer();

  platform = await makeOrg(t, { capabilities: [], sites: [] });
  // Both hold reintegration too (issue 10), with the factory's usual capabilities.
  const capabilities: Capability[] = ['information', 'health', 'shelter', 'return', 'indulgence_letter', 'reintegration'];
  home = await makeOrg(t, { capabilities });
  other = await makeOrg(t, { capabilities });
  for (const side of SIDES) {
    const org = side === 'home' ? home : other;
    for (const role of ROLES) {
      const own = role === 'platform_admin' && side === 'home' ? platform : org;
      callers.set(`${side}:${role}`, await makeUser(t, own, [role]));
    }
  }
  target = await makeUser(t, home, ['caseworker']);
  session = await makeUser(t, home, ['caseworker']);
  requester = await makeUser(t, home, ['manager']);
  rollingRefreshToken = session.refreshToken;
  homeCase = await freshCase();
  referredCase = await referableCase();
  liveReferral = (await homeManager().post(`/api/v1/cases/${referredCase}/referrals`).send(referralBody()).expect(201)).body.id;
  homeActivity = (await homeManager().post('/api/v1/activities').send(newActivityBody()).expect(201)).body.id;
  homeShelter = (await t.app.get(SitesService).create(systemActor(), home.org.id, { name: 'Home shelter', kind: 'shelter', bedCapacity: 1000, services: ['shelter'] })).id;
  homeStay = await freshStay();
  homeLetter = (await homeManager().post(`/api/v1/cases/${homeCase}/letters`).send(letterBody()).expect(201)).body;
  homeReturn = await freshReturn();
  homeMovement = (await freshMovement()).id;
  planner = await makeUser(t, home, ['manager']);
  planApprover = await makeUser(t, home, ['manager']);
  const planCase = await freshReturnee();
  homePlan = { id: (await asPlanner().post(`/api/v1/cases/${planCase}/reintegration-plan`).send({}).expect(201)).body.id, caseId: planCase };
  homeScheme = (await as(t, callers.get('home:org_admin')!).post('/api/v1/scoring-schemes').send(schemeBody()).expect(201)).body.id;
});
afterAll(() => t.close());

describe('the matrix covers every route (a new route without a rule fails)', () => {
  it('every documented route has a row', () => {
    expect(documented.filter((r) => !(r in MATRIX))).toEqual([]);
  });

  it('every row names a documented route', () => {
    expect(Object.keys(MATRIX).filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('every route the server answers is documented (none hidden from the matrix)', () => {
    expect(serverRoutes).toEqual(expect.arrayContaining(documented));
    expect(serverRoutes.filter((r) => !isDocsRoute(r) && !documented.includes(r))).toEqual([]);
  });

  it('every documented route with a request body has a valid body here', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const withBody = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op?.requestBody)
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    );
    expect(withBody.filter((r) => !SETUP[r])).toEqual([]);
  });

  it(`has ${EXPECTED_MATRIX_SIZE} cells: routes × callers`, () => {
    const size = documented.length * CALLERS.length;
    console.info(`permission matrix: ${documented.length} routes × ${CALLERS.length} callers = ${size} cells`);
    expect(Object.keys(MATRIX).length * CALLERS.length).toBe(EXPECTED_MATRIX_SIZE);
    expect(size).toBe(EXPECTED_MATRIX_SIZE);
  });
});

const expectedStatus = (row: Row, caller: Caller): number => {
  if (caller === 'anonymous') return row.anonymous;
  const [side, role] = caller.split(':') as [Side, Role];
  return row[role][side === 'home' ? 0 : 1];
};

describe.each(Object.keys(MATRIX))('%s', (route) => {
  it.each(CALLERS.map((caller) => [caller, expectedStatus(MATRIX[route], caller)] as const))('%s → %i', async (caller, status) => {
    const cell = await prepare(route, caller);
    const before = await EFFECTS[route]?.(cell);
    const res = await call(route, caller, cell);
    const code = status >= 400 ? PROBLEM_CODE[status] : undefined;
    expect({ status: res.status, code: res.status >= 400 ? res.body?.code : undefined }).toEqual({ status, code });
    if (code) expectProblem(res, status, code);
    if (status < 300) AFTER[route]?.(res);
    const after = await EFFECTS[route]?.(cell);
    // A refusal leaves no trace in the data; an allowed write changes it.
    if (status >= 400) expect(after).toEqual(before);
    else if (EFFECTS[route]) expect(after).not.toEqual(before);
  });
});

describe('roles and grants beyond the matrix (DESIGN §1, API.md)', () => {
  it('a platform admin sees an org admin of any organization but edits no one (403)', async () => {
    const admin = callers.get('home:org_admin')!;
    const pa = callers.get('other:platform_admin')!;
    expect((await as(t, pa).get(`/api/v1/users/${admin.user.id}`)).status).toBe(200);
    const before = await t.db.row('SELECT display_name, roles, active FROM users WHERE id = $1', [admin.user.id]);
    expectProblem(await as(t, pa).patch(`/api/v1/users/${admin.user.id}`).send({ displayName: 'Taken over' }), 403, 'FORBIDDEN');
    expectProblem(await as(t, pa).patch(`/api/v1/users/${admin.user.id}`).send({ password: 'a brand new passphrase 77' }), 403, 'FORBIDDEN');
    expect(await t.db.row('SELECT display_name, roles, active FROM users WHERE id = $1', [admin.user.id])).toEqual(before);
  });

  it('a platform admin may create only org admins (403 for any other role)', async () => {
    const pa = callers.get('home:platform_admin')!;
    const email = `pa.${unique()}@home.test`;
    const res = await as(t, pa).post('/api/v1/users').send({ organizationId: home.org.id, email, displayName: 'x', password: PASSWORD, roles: ['caseworker'] });
    expectProblem(res, 403, 'FORBIDDEN');
    expect(await t.db.row('SELECT 1 FROM users WHERE email = $1', [email])).toBeUndefined();
  });

  it('an org admin may grant neither platform_admin, at creation or later (403)', async () => {
    const oa = callers.get('home:org_admin')!;
    const email = `oa.${unique()}@home.test`;
    expectProblem(
      await as(t, oa).post('/api/v1/users').send({ organizationId: home.org.id, email, displayName: 'x', password: PASSWORD, roles: ['platform_admin'] }),
      403,
      'FORBIDDEN',
    );
    expect(await t.db.row('SELECT 1 FROM users WHERE email = $1', [email])).toBeUndefined();
    expectProblem(await as(t, oa).patch(`/api/v1/users/${target.user.id}`).send({ roles: ['caseworker', 'platform_admin'] }), 403, 'FORBIDDEN');
    expect(await t.db.row('SELECT roles FROM users WHERE id = $1', [target.user.id])).toEqual({ roles: ['caseworker'] });
  });

  it('an org admin cannot take over a platform admin of their organization (403: no password, no deactivation)', async () => {
    const pa = callers.get('home:platform_admin')!;
    const oa = await makeUser(t, platform, ['org_admin']);
    expect((await as(t, oa).get(`/api/v1/users/${pa.user.id}`)).status).toBe(200);
    expectProblem(await as(t, oa).patch(`/api/v1/users/${pa.user.id}`).send({ password: 'a brand new passphrase 77' }), 403, 'FORBIDDEN');
    expectProblem(await as(t, oa).patch(`/api/v1/users/${pa.user.id}`).send({ active: false }), 403, 'FORBIDDEN');
    expect(await t.db.row('SELECT active FROM users WHERE id = $1', [pa.user.id])).toEqual({ active: true });
    expect((await as(t, pa).get('/api/v1/me')).status).toBe(200);
  });
});
