import { randomBytes } from 'node:crypto';
import type { Actor } from '@passerelle/common';
import {
  type Capability,
  type CreateSiteInput,
  type Organization,
  OrganizationsService,
  type Role,
  type Site,
  SitesService,
  systemActor,
  type User,
  userActor,
  UsersService,
} from '@passerelle/core';
import type { TestApp } from './app.js';

/** Every factory user has this password (long, not a common password). */
export const PASSWORD = 'correct horse battery staple 42';

const suffix = () => randomBytes(3).toString('hex').toUpperCase();

export interface TestOrg {
  org: Organization;
  sites: Site[];
}

/** An organization (unique code) with `sites` sites, created as the system. */
export async function makeOrg(
  t: TestApp,
  opts: { code?: string; capabilities?: Capability[]; sites?: Partial<CreateSiteInput>[] } = {},
): Promise<TestOrg> {
  const capabilities = opts.capabilities ?? ['information', 'health', 'shelter', 'return', 'indulgence_letter'];
  const org = await t.app.get(OrganizationsService).create(systemActor(), {
    code: opts.code ?? `T-${suffix()}`,
    name: `Test organization ${suffix()}`,
    kind: 'ngo',
    capabilities,
  });
  const sites: Site[] = [];
  for (const [i, s] of (opts.sites ?? [{}]).entries()) {
    sites.push(
      await t.app.get(SitesService).create(systemActor(), org.id, {
        name: `Site ${i + 1} ${suffix()}`,
        kind: 'office',
        location: { region: 'Gao', cercle: 'Gao' },
        services: [],
        ...s,
      }),
    );
  }
  return { org, sites };
}

export interface TestUser {
  user: User;
  email: string;
  token: string;
  refreshToken: string;
}

/** A user with `roles` in `org`, signed in through POST /auth/login. */
export async function makeUser(t: TestApp, org: TestOrg | Organization, roles: Role[], opts: { siteIds?: string[]; email?: string } = {}): Promise<TestUser> {
  const o = 'org' in org ? org.org : org;
  const email = opts.email ?? `${roles.join('-').replace(/_/g, '')}.${suffix().toLowerCase()}@${o.code.toLowerCase()}.test`;
  const user = await t.app.get(UsersService).create(systemActor(), {
    organizationId: o.id,
    email,
    displayName: `${roles.join(' ')} ${o.code}`,
    password: PASSWORD,
    roles,
    siteIds: opts.siteIds ?? ('sites' in org ? org.sites.map((s) => s.id) : []),
  });
  const res = await t.http.post('/api/v1/auth/login').send({ email, password: PASSWORD });
  if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { user, email, token: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** The actor the JWT strategy would build for this user, for calling core services directly. */
export function actorOf(o: TestOrg, u: TestUser, roles: readonly Role[] = u.user.roles): Actor {
  return userActor({ userId: u.user.id, organizationId: o.org.id, organizationCode: o.org.code, roles, siteIds: u.user.siteIds, capabilities: o.org.capabilities });
}

/** Requests with `Authorization: Bearer <token>`. */
export function as(t: TestApp, who: { token: string } | string) {
  const token = typeof who === 'string' ? who : who.token;
  const auth = { authorization: `Bearer ${token}` };
  return {
    get: (url: string) => t.http.get(url).set(auth),
    post: (url: string) => t.http.post(url).set(auth),
    patch: (url: string) => t.http.patch(url).set(auth),
    put: (url: string) => t.http.put(url).set(auth),
    delete: (url: string) => t.http.delete(url).set(auth),
  };
}

/** A small valid scoring scheme (three yes/no indicators, one per dimension, equal weights) named `name`. */
type Agent = ReturnType<typeof as>;

export const RETURN_BODY = {
  destinationCountry: 'GIN',
  destinationLocality: 'Kankan',
  mode: 'road',
  travelDocument: { type: 'laissez_passer', number: 'LP-GIN-0042' },
  legs: [{ from: 'Gao', to: 'Niamey', departAt: '2026-12-01T06:00:00Z', carrier: 'Sonef' }],
};

/**
 * A return of `caseId` (a case of an organization with the `return` capability), made eligible
 * and consented, brought to `status`: the caseworker submits and departs, the manager approves.
 */
export async function returnOfCase(manager: Agent, caseworker: Agent, caseId: string, status: 'draft' | 'submitted' | 'approved' | 'departed' = 'draft'): Promise<string> {
  await manager.post(`/api/v1/cases/${caseId}/consents`).send({ purpose: 'return', basis: 'consent', method: 'signed' }).expect(201);
  await manager
    .post(`/api/v1/cases/${caseId}/screenings`)
    .send({ wishesToReturn: true, countryOfReturn: 'GIN', nationalityConfirmed: true, asylumSeekerOrRefugee: false, travelDocument: 'valid', bestInterestsDeterminationDone: false, fitToTravel: 'not_required' })
    .expect(201);
  const id = (await manager.post(`/api/v1/cases/${caseId}/returns`).send(RETURN_BODY).expect(201)).body.id as string;
  if (status !== 'draft') await caseworker.post(`/api/v1/returns/${id}/submit`).send({}).expect(200);
  if (status === 'approved' || status === 'departed') await manager.post(`/api/v1/returns/${id}/approve`).send({}).expect(200);
  if (status === 'departed') await caseworker.post(`/api/v1/returns/${id}/depart`).send({}).expect(200);
  return id;
}

/** A planned movement of the manager's organization holding one approved return. */
export async function plannedMovement(manager: Agent, returnId: string): Promise<{ id: string; returnId: string }> {
  const id = (await manager.post('/api/v1/movements').send({ departureDate: '2026-12-01', carrier: 'Sonef', returnIds: [returnId] }).expect(201)).body.id as string;
  return { id, returnId };
}

export const yesNoSchemeBody = (name: string) => ({
  name,
  version: 1,
  source: 'Test weights, not IOM’s',
  official: false,
  scales: { yn: [{ code: 'yes', label: 'Yes' }, { code: 'no', label: 'No' }] },
  indicators: [
    { code: 'e1', dimension: 'economic', label: 'E1', scale: 'yn', scores: { yes: 1, no: 0 }, weight: 1 },
    { code: 's1', dimension: 'social', label: 'S1', scale: 'yn', scores: { yes: 1, no: 0 }, weight: 1 },
    { code: 'p1', dimension: 'psychosocial', label: 'P1', scale: 'yn', scores: { yes: 1, no: 0 }, weight: 1 },
  ],
  dimensionFormula: 'weighted_mean',
  composite: { formula: 'weighted_mean_of_dimensions', weights: { economic: 1, social: 1, psychosocial: 1 } },
});

export type { Actor };
