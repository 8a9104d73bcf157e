import { PASSWORD } from '../../support/factories.js';
import type { RouteSpec } from './world.js';

/**
 * One entry per documented route: who owns it and a valid request for them. The security specs
 * generate their attacks from /docs-json and this table; a route missing here fails them, naming
 * the route (like the permission matrix of test/e2e/permissions.e2e-spec.ts, whose statuses per
 * role this table does not repeat).
 *
 * owner: makes the control request (2xx) after every attack on the same record. sameOrg: the
 * other callers of the owner's organization entitled to it (the rest are attackers). directory:
 * readable by any signed-in user. privileged: the roles that may perform an admin or approval
 * action (every lesser role of the owner's organization is refused).
 */
export const ROUTES: Record<string, RouteSpec> = {
  'GET /health/live': { owner: 'anonymous', directory: true },
  'GET /health/ready': { owner: 'anonymous', directory: true },

  'POST /api/v1/auth/login': { owner: 'anonymous', directory: true, setup: (w) => ({ body: { email: w.target.email, password: PASSWORD } }) },
  'POST /api/v1/auth/refresh': { owner: 'anonymous', directory: true, setup: async (w) => ({ body: { refreshToken: (await w.freshSession()).refreshToken } }) },
  'POST /api/v1/auth/logout': { owner: 'anonymous', directory: true, setup: async (w) => ({ body: { refreshToken: (await w.freshSession()).refreshToken } }) },
  'GET /api/v1/me': { owner: 'home:caseworker', directory: true },

  'POST /api/v1/organizations': {
    owner: 'platform:platform_admin',
    privileged: ['platform_admin'],
    setup: (w) => ({ body: { code: `SEC-${w.unique()}`.toUpperCase(), name: `Security organization ${w.unique()}`, kind: 'ngo', capabilities: ['information'] } }),
  },
  'GET /api/v1/organizations': { owner: 'home:caseworker', directory: true },
  'GET /api/v1/organizations/{id}': { owner: 'home:caseworker', directory: true },
  // A throwaway organization, site and user as targets: a valid fuzzed edit may deactivate them.
  'PATCH /api/v1/organizations/{id}': {
    owner: 'platform:platform_admin',
    privileged: ['platform_admin'],
    setup: async (w) => ({ params: { id: (await w.freshOrg()).org.id }, body: { name: `Organization ${w.unique()}` } }),
  },
  'POST /api/v1/organizations/{id}/sites': {
    owner: 'home:org_admin',
    privileged: ['org_admin'],
    setup: (w) => ({ body: { name: `Security site ${w.unique()}`, kind: 'office', location: { region: 'Gao', cercle: 'Gao' } } }),
  },
  'GET /api/v1/organizations/{id}/sites': { owner: 'home:caseworker', directory: true },
  'GET /api/v1/sites': { owner: 'home:caseworker', directory: true },
  'GET /api/v1/sites/{id}': { owner: 'home:caseworker', directory: true },
  'PATCH /api/v1/sites/{id}': { owner: 'home:org_admin', privileged: ['org_admin'], setup: async (w) => ({ params: { id: await w.freshSite() }, body: { name: `Home site ${w.unique()}` } }) },
  'GET /api/v1/services': { owner: 'home:caseworker', directory: true },

  'POST /api/v1/users': {
    owner: 'home:org_admin',
    privileged: ['org_admin'],
    setup: (w) => ({
      body: { organizationId: w.home.org.id, email: `sec.${w.unique()}@home.test`, displayName: 'Security user', password: PASSWORD, roles: ['caseworker'], siteIds: [w.home.sites[0].id] },
    }),
  },
  'GET /api/v1/users': { owner: 'home:org_admin' },
  // Colleagues who work with people see each other; analysts see no personal data (DESIGN §1).
  'GET /api/v1/users/{id}': { owner: 'home:org_admin', sameOrg: ['home:caseworker', 'home:manager', 'home:auditor', 'home:outsider'] },
  'PATCH /api/v1/users/{id}': {
    owner: 'home:org_admin',
    privileged: ['org_admin'],
    setup: async (w) => ({ params: { id: (await w.freshSession()).user.id }, body: { displayName: `Target ${w.unique()}` } }),
  },

  'GET /api/v1/audit-events': { owner: 'home:auditor', setup: (w) => ({ query: { entityId: w.homeCase } }) },
  'GET /api/v1/audit-events/verify': { owner: 'home:auditor' },

  'POST /api/v1/cases': {
    owner: 'home:caseworker',
    setup: (w) => ({
      body: {
        siteId: w.home.sites[0].id,
        identity: { givenName: 'Awa', familyName: `Maïga ${w.unique()}`, sex: 'female', birthYear: 2001, nationality: 'MLI' },
        consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
      },
    }),
  },
  'POST /api/v1/cases/duplicate-check': { owner: 'home:caseworker', setup: () => ({ body: { givenName: 'Awa', familyName: 'Maïga', birthYear: 2001, nationality: 'MLI' } }) },
  'GET /api/v1/cases': { owner: 'home:caseworker', setup: (w) => ({ query: { siteId: w.home.sites[0].id } }) },
  'GET /api/v1/cases/{id}': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'PATCH /api/v1/cases/{id}': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({ body: { contact: { phone: `+22370${w.unique().replace(/\D/g, '').padStart(6, '0').slice(0, 6)}` } }, headers: { 'if-match': `"${await w.caseVersion(w.homeCase)}"` } }),
  },
  'POST /api/v1/cases/{id}/assign': { owner: 'home:manager', privileged: ['manager'], setup: (w) => ({ body: { userId: w.users.get('home:caseworker')!.user.id } }) },
  'POST /api/v1/cases/{id}/close': { owner: 'home:manager', privileged: ['manager'], setup: async (w) => ({ params: { id: await w.freshCase() }, body: { reason: 'continued_journey' } }) },
  'POST /api/v1/cases/{id}/reopen': {
    owner: 'home:manager',
    privileged: ['manager'],
    setup: async (w) => {
      const id = await w.freshCase();
      await w.as('home:manager').post(`/api/v1/cases/${id}/close`).send({ reason: 'lost_contact' }).expect(200);
      return { params: { id } };
    },
  },
  'POST /api/v1/cases/{id}/notes': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: (w) => ({ body: { text: `Seen at the transit centre (${w.unique()})` } }) },
  'GET /api/v1/cases/{id}/notes': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'GET /api/v1/cases/{id}/timeline': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'GET /api/v1/cases/{id}/duplicates': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'POST /api/v1/cases/{id}/consents': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: (w) => ({ body: { purpose: 'referral', basis: 'consent', method: 'verbal', organizationIds: [w.partner.org.id] } }),
  },
  'GET /api/v1/cases/{id}/consents': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'POST /api/v1/cases/{id}/consents/{consentId}/withdraw': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => {
      const id = await w.freshCase();
      const consent = await w.as('home:manager').post(`/api/v1/cases/${id}/consents`).send({ purpose: 'referral', basis: 'consent', method: 'signed' }).expect(201);
      return { params: { id, consentId: consent.body.id }, body: { reason: 'changed their mind' } };
    },
  },
  'POST /api/v1/cases/{id}/screenings': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: () => ({
      body: { wishesToReturn: true, countryOfReturn: 'GIN', nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'obtainable', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' },
    }),
  },
  'GET /api/v1/cases/{id}/screenings': { owner: 'home:caseworker', sameOrg: ['home:manager'] },

  'POST /api/v1/cases/{id}/referrals': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({ params: { id: await w.referableCase() }, body: { toOrganizationId: w.partner.org.id, serviceType: 'health', urgency: 'normal', reason: `needs a doctor (${w.unique()})` } }),
  },
  'GET /api/v1/cases/{id}/referrals': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: (w) => ({ params: { id: w.referredCase } }) },
  'POST /api/v1/cases/{id}/services': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: (w) => ({ params: { id: w.referredCase }, body: { serviceType: 'health', date: '2026-01-15', description: `consultation ${w.unique()}` } }),
  },
  'GET /api/v1/cases/{id}/services': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: (w) => ({ params: { id: w.referredCase } }) },
  'GET /api/v1/referrals': { owner: 'home:caseworker', setup: () => ({ query: { direction: 'outgoing' } }) },
  'GET /api/v1/referrals/{id}': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  // The receiving organization answers; the sender's staff see the referral but may not (403).
  'POST /api/v1/referrals/{id}/accept': { owner: 'partner:manager', privileged: ['caseworker', 'manager'], setup: async (w) => ({ params: { id: await w.freshReferral() } }) },
  'POST /api/v1/referrals/{id}/decline': {
    owner: 'partner:manager',
    privileged: ['caseworker', 'manager'],
    setup: async (w) => ({ params: { id: await w.freshReferral() }, body: { reason: 'no capacity this week' } }),
  },
  'POST /api/v1/referrals/{id}/complete': {
    owner: 'partner:manager',
    sameOrg: [],
    setup: async (w) => ({ params: { id: await w.freshReferral('accepted') }, body: { outcome: 'seen by a doctor' } }),
  },
  'POST /api/v1/referrals/{id}/cancel': { owner: 'home:manager', sameOrg: ['home:caseworker'], setup: async (w) => ({ params: { id: await w.freshReferral() }, body: { reason: 'the migrant left' } }) },
  'GET /api/v1/service-records': { owner: 'home:caseworker', setup: (w) => ({ query: { caseId: w.referredCase } }) },
  'GET /api/v1/alerts': { owner: 'home:caseworker' },
  // Alerts are personal: nobody else, not even a colleague, acknowledges them.
  'POST /api/v1/alerts/{id}/acknowledge': { owner: 'home:caseworker', setup: async (w) => ({ params: { id: await w.freshAlert() } }) },

  'POST /api/v1/activities': {
    owner: 'home:caseworker',
    setup: (w) => ({
      body: { siteId: w.home.sites[0].id, date: '2026-11-20', type: 'awareness_campaign', topic: `Risks (${w.unique()})`, participants: [{ sex: 'male', ageGroup: '18-59', count: 7 }] },
    }),
  },
  'GET /api/v1/activities': { owner: 'home:caseworker' },
  'GET /api/v1/activities/{id}': { owner: 'home:caseworker', sameOrg: ['home:manager', 'home:analyst', 'home:outsider'] },

  // Stays belong to the shelter's organization: all its caseworkers and managers (DESIGN §5).
  'POST /api/v1/stays': { owner: 'home:caseworker', setup: async (w) => ({ body: { caseId: await w.freshCase(), siteId: w.homeShelter } }) },
  'GET /api/v1/stays': { owner: 'home:caseworker' },
  'GET /api/v1/stays/{id}': { owner: 'home:caseworker', sameOrg: ['home:manager', 'home:outsider'] },
  'POST /api/v1/stays/{id}/check-out': { owner: 'home:caseworker', sameOrg: ['home:manager', 'home:outsider'], setup: async (w) => ({ params: { id: await w.freshStay() } }) },
  'POST /api/v1/stays/{id}/extensions': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager', 'home:outsider'],
    setup: async (w) => ({ params: { id: await w.freshStay() }, body: { days: 5, reason: `awaiting return convoy (${w.unique()})` } }),
  },
  'GET /api/v1/stays/{id}/extensions': { owner: 'home:caseworker', sameOrg: ['home:manager', 'home:outsider'] },
  'POST /api/v1/stays/{id}/extensions/{extId}/approve': { owner: 'home:manager', privileged: ['manager'], setup: async (w) => ({ params: await w.freshExtension() }) },
  'POST /api/v1/stays/{id}/extensions/{extId}/reject': {
    owner: 'home:manager',
    privileged: ['manager'],
    setup: async (w) => ({ params: await w.freshExtension(), body: { reason: `no bed to spare (${w.unique()})` } }),
  },
  'GET /api/v1/sites/{id}/occupancy': { owner: 'home:caseworker', sameOrg: ['home:manager', 'home:outsider'], setup: (w) => ({ params: { id: w.homeShelter } }) },

  'POST /api/v1/cases/{id}/letters': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => {
      const today = new Date();
      const later = new Date(today.getTime() + 10 * 86_400_000);
      return {
        params: { id: await w.freshCase() },
        body: { validFrom: today.toISOString().slice(0, 10), validUntil: later.toISOString().slice(0, 10), purpose: `transit ${w.unique()}`, route: { from: 'Gao', to: 'Bamako', via: ['Mopti'] } },
      };
    },
  },
  'GET /api/v1/cases/{id}/letters': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'GET /api/v1/letters': { owner: 'home:caseworker' },
  'GET /api/v1/letters/{id}': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'GET /api/v1/letters/{id}/pdf': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'POST /api/v1/letters/{id}/revoke': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: async (w) => ({ params: { id: await w.freshLetter() }, body: { reason: 'issued in error' } }) },
  'GET /api/v1/public/letters/verify': { owner: 'anonymous', directory: true, setup: (w) => ({ query: { token: w.homeLetter.verificationToken } }) },
  'GET /api/v1/public/letters/keys': { owner: 'anonymous', directory: true },

  // Reports (issue 11): aggregated and de-identified, always of the caller's own organization.
  'GET /api/v1/reports/flows': { owner: 'home:analyst' },
  'GET /api/v1/reports/flows.csv': { owner: 'home:analyst' },
  'GET /api/v1/reports/referrals': { owner: 'home:analyst' },
  'GET /api/v1/reports/referrals.csv': { owner: 'home:analyst' },
  'GET /api/v1/reports/shelter': { owner: 'home:analyst' },
  'GET /api/v1/reports/shelter.csv': { owner: 'home:analyst' },
  'GET /api/v1/reports/returns': { owner: 'home:analyst' },
  'GET /api/v1/reports/returns.csv': { owner: 'home:analyst' },
  'GET /api/v1/reports/reintegration': { owner: 'home:analyst' },
  'GET /api/v1/reports/reintegration.csv': { owner: 'home:analyst' },
  'GET /api/v1/reports/summary': { owner: 'home:analyst' },

  // Voluntary returns (issue 9): the case's organization's; the home caseworker submits, managers
  // approve or reject (maker-checker). Movements (convoys) are managers' only.
  'POST /api/v1/cases/{id}/returns': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({
      params: { id: await w.freshCase() },
      body: {
        destinationCountry: 'GIN',
        destinationLocality: `Kankan ${w.unique()}`,
        mode: 'road',
        travelDocument: { type: 'laissez_passer', number: 'LP-GIN-0042' },
        legs: [{ from: 'Gao', to: 'Niamey', departAt: '2026-12-01T06:00:00Z', carrier: 'Sonef' }],
      },
    }),
  },
  'GET /api/v1/cases/{id}/returns': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'GET /api/v1/returns': { owner: 'home:caseworker' },
  'GET /api/v1/returns/{id}': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'PATCH /api/v1/returns/{id}': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({ params: { id: await w.freshReturn() }, body: { destinationLocality: `Siguiri ${w.unique()}` }, headers: { 'if-match': '"1"' } }),
  },
  'POST /api/v1/returns/{id}/submit': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: async (w) => ({ params: { id: await w.freshReturn() } }) },
  'POST /api/v1/returns/{id}/approve': { owner: 'home:manager', privileged: ['manager'], setup: async (w) => ({ params: { id: await w.freshReturn('submitted') } }) },
  'POST /api/v1/returns/{id}/reject': {
    owner: 'home:manager',
    privileged: ['manager'],
    setup: async (w) => ({ params: { id: await w.freshReturn('submitted') }, body: { reason: `unsafe route (${w.unique()})` } }),
  },
  'POST /api/v1/returns/{id}/depart': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: async (w) => ({ params: { id: await w.freshReturn('approved') } }) },
  'POST /api/v1/returns/{id}/arrive': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({ params: { id: await w.freshReturn('departed') }, body: { arrivedAt: new Date().toISOString(), confirmedBy: 'OIM Kankan' } }),
  },
  'POST /api/v1/returns/{id}/cancel': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: async (w) => ({ params: { id: await w.freshReturn() }, body: { reason: 'changed their mind' } }) },
  'POST /api/v1/movements': { owner: 'home:manager', setup: async (w) => ({ body: { departureDate: '2026-12-01', carrier: 'Sonef', returnIds: [await w.freshReturn('approved')] } }) },
  'GET /api/v1/movements': { owner: 'home:manager' },
  'GET /api/v1/movements/{id}': { owner: 'home:manager' },
  'POST /api/v1/movements/{id}/returns': { owner: 'home:manager', setup: async (w) => ({ params: { id: (await w.freshMovement()).id }, body: { returnId: await w.freshReturn('approved') } }) },
  'DELETE /api/v1/movements/{id}/returns/{returnId}': { owner: 'home:manager', setup: async (w) => ({ params: await w.freshMovement() }) },
  'POST /api/v1/movements/{id}/depart': { owner: 'home:manager', setup: async (w) => ({ params: { id: (await w.freshMovement()).id } }) },
  'POST /api/v1/movements/{id}/cancel': { owner: 'home:manager', setup: async (w) => ({ params: { id: (await w.freshMovement()).id }, body: { reason: 'Route closed after an attack near Ansongo' } }) },
  'GET /api/v1/movements/{id}/manifest.csv': { owner: 'home:manager' },
  'GET /api/v1/movements/{id}/manifest.pdf': { owner: 'home:manager' },

  // Reintegration (issue 10): plans follow their case; another home manager (the planner) submits,
  // the home manager approves or rejects. Scoring schemes and the budget ceiling: org admins.
  'POST /api/v1/cases/{id}/reintegration-plan': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({ params: { id: await w.freshReturnee() }, body: { summary: `Back home (${w.unique()})` } }),
  },
  'GET /api/v1/cases/{id}/reintegration-plan': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: (w) => ({ params: { id: w.homePlan.caseId } }) },
  'GET /api/v1/cases/{id}/reintegration-scores': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: (w) => ({ params: { id: w.homePlan.caseId } }) },
  'GET /api/v1/reintegration-plans': { owner: 'home:caseworker' },
  'GET /api/v1/reintegration-plans/{id}': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'PATCH /api/v1/reintegration-plans/{id}': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({ body: { summary: `Wants a market garden (${w.unique()})` }, headers: { 'if-match': `"${await w.planVersion(w.homePlan.id)}"` } }),
  },
  'POST /api/v1/reintegration-plans/{id}/items': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: (w) => ({ body: w.planItem() }) },
  'PATCH /api/v1/reintegration-plans/{id}/items/{itemId}': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: async (w) => ({ params: await w.freshPlan(), body: { budgetXof: 300000 } }) },
  'POST /api/v1/reintegration-plans/{id}/items/{itemId}/deliver': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({ params: await w.freshPlan('approved'), body: { deliveredOn: '2026-01-15', evidenceNote: `Kit handed over (${w.unique()})` } }),
  },
  'POST /api/v1/reintegration-plans/{id}/items/{itemId}/cancel': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: async (w) => ({ params: await w.freshPlan(), body: { reason: 'not needed any more' } }),
  },
  'POST /api/v1/reintegration-plans/{id}/submit': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: async (w) => ({ params: { id: (await w.freshPlan()).id } }) },
  'POST /api/v1/reintegration-plans/{id}/approve': { owner: 'home:manager', privileged: ['manager'], setup: async (w) => ({ params: { id: (await w.freshPlan('submitted')).id } }) },
  'POST /api/v1/reintegration-plans/{id}/reject': {
    owner: 'home:manager',
    privileged: ['manager'],
    setup: async (w) => ({ params: { id: (await w.freshPlan('submitted')).id }, body: { reason: 'budget not justified' } }),
  },
  'POST /api/v1/reintegration-plans/{id}/complete': { owner: 'home:caseworker', sameOrg: ['home:manager'], setup: async (w) => ({ params: { id: (await w.freshPlan('in_progress')).id } }) },
  'POST /api/v1/reintegration-plans/{id}/visits': {
    owner: 'home:caseworker',
    sameOrg: ['home:manager'],
    setup: () => ({ body: { visitDate: '2026-01-15', visitType: 'baseline', visitedBy: 'Field officer', answers: {} } }),
  },
  'GET /api/v1/reintegration-plans/{id}/visits': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  'GET /api/v1/reintegration-plans/{id}/timeline': { owner: 'home:caseworker', sameOrg: ['home:manager'] },
  // No personal data: every user reads the shipped schemes and their own organization's.
  'GET /api/v1/scoring-schemes': { owner: 'home:caseworker', directory: true },
  'GET /api/v1/scoring-schemes/{id}': { owner: 'home:org_admin', sameOrg: ['home:caseworker', 'home:manager', 'home:analyst', 'home:auditor', 'home:outsider'] },
  'POST /api/v1/scoring-schemes': { owner: 'home:org_admin', privileged: ['org_admin'], setup: (w) => ({ body: w.schemeBody() }) },
  // Each organization's budget ceiling is public, set by its own admin.
  'GET /api/v1/organizations/{id}/reintegration-settings': { owner: 'home:caseworker', directory: true },
  'PATCH /api/v1/organizations/{id}/reintegration-settings': {
    owner: 'home:org_admin',
    privileged: ['org_admin'],
    setup: (w) => ({ body: { budgetCeilingXof: 1_000_000 + Number.parseInt(w.unique(), 16) % 100_000 } }),
  },

  // Data protection (issue 11): the subject-access export and early anonymization are the owning
  // organization's managers'; another manager (the requester) asks, the home manager decides.
  'GET /api/v1/cases/{id}/export': { owner: 'home:manager' },
  'POST /api/v1/cases/{id}/anonymization-requests': { owner: 'home:manager', setup: async (w) => ({ params: { id: await w.freshClosedCase() } }) },
  'GET /api/v1/anonymization-requests': { owner: 'home:manager' },
  'POST /api/v1/anonymization-requests/{id}/approve': { owner: 'home:manager', privileged: ['manager'], setup: async (w) => ({ params: { id: await w.freshAnonymizationRequest() } }) },
  'POST /api/v1/anonymization-requests/{id}/reject': {
    owner: 'home:manager',
    privileged: ['manager'],
    setup: async (w) => ({ params: { id: await w.freshAnonymizationRequest() }, body: { reason: `kept for the return follow-up (${w.unique()})` } }),
  },
};

/**
 * Admin and approval actions, recognised from the path so that a new one (a return's approve, a
 * plan's approve) is covered as soon as it is documented: it must then say `privileged` in ROUTES.
 */
export const isPrivileged = (route: string): boolean => {
  const [method, path] = route.split(' ');
  if (/\/(approve|reject|assign|close|reopen|accept|decline)$/.test(path)) return true;
  return method !== 'GET' && /^\/api\/v1\/(organizations|users|sites|scoring-schemes)(\/|$)/.test(path);
};
