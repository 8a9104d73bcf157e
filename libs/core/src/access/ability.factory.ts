import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import { type Actor, type AppAbility, BoundedMap } from '@passerelle/common';
import { alertRules } from '../alerts/alert.rules.js';
import { activityRules } from '../activities/activity.rules.js';
import { auditRules } from '../audit/audit.rules.js';
import { caseRules } from '../cases/case.rules.js';
import { dataProtectionRules } from '../data-protection/data-protection.rules.js';
import { letterRules } from '../letters/letter.rules.js';
import { organizationRules } from '../organizations/organization.rules.js';
import { referralRules } from '../referrals/referral.rules.js';
import { reintegrationRules } from '../reintegration/reintegration.rules.js';
import { reportRules } from '../reports/report.rules.js';
import { returnRules } from '../returns/return.rules.js';
import { siteRules } from '../sites/site.rules.js';
import { stayRules } from '../stays/stay.rules.js';
import { userRules } from '../users/user.rules.js';

/** What the rules of every feature are built from: the user's current row, never the token. */
export interface AbilityInput {
  userId: string;
  organizationId: string;
  roles: readonly string[];
  siteIds: readonly string[];
  capabilities: readonly string[];
}

export type RuleBuilder = Pick<AbilityBuilder<AppAbility>, 'can' | 'cannot'>;
export type DefineRules = (b: RuleBuilder, u: AbilityInput) => void;

/** Every feature's *.rules.ts, composed: the one source of truth for single records and lists. */
const RULES: DefineRules[] = [organizationRules, siteRules, userRules, auditRules, caseRules, referralRules, alertRules, activityRules, stayRules, letterRules, reportRules, returnRules, reintegrationRules, dataProtectionRules];

export function buildAbility(input: AbilityInput): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const define of RULES) define(builder, input);
  return builder.build();
}

/** The abilities built, by user row (a few hundred staff per deployment). */
const abilities = new BoundedMap<string, AppAbility>(2000);

/**
 * The ability of a user row, built once per distinct row (issue 12: building 14 features' rules
 * and compiling their conditions was ~6 % of a GET /cases/{id}). Keyed by every input the rules
 * read, so a changed role, site, capability or organization is a different key and a new
 * ability at once; nothing is invalidated, the least recently used entry goes when it is full.
 * Abilities are never updated after build, so one instance serves concurrent requests.
 */
export function abilityOf(input: AbilityInput): AppAbility {
  const key = JSON.stringify([input.userId, input.organizationId, input.roles, input.siteIds, input.capabilities]);
  return abilities.get(key, true) ?? abilities.set(key, buildAbility(input));
}

export function userActor(input: AbilityInput & { organizationCode: string; requestId?: string; ip?: string }): Actor {
  return {
    kind: 'user',
    userId: input.userId,
    organizationId: input.organizationId,
    organizationCode: input.organizationCode,
    capabilities: input.capabilities,
    roles: input.roles,
    siteIds: input.siteIds,
    ability: abilityOf(input),
    requestId: input.requestId,
    ip: input.ip,
  };
}

/** Background jobs act as the system: every action allowed, attributed to no user. */
export function systemActor(): Actor {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  builder.can('manage', 'all');
  return { kind: 'system', userId: null, organizationId: null, organizationCode: null, capabilities: [], roles: [], siteIds: [], ability: builder.build() };
}
