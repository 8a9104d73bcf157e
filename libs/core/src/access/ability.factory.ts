import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import { type AbilityInput, type Actor, type AppAbility, BoundedMap, type DefineRules } from '@passerelle/common';
import { alertRules } from '../alerts/index.js';
import { activityRules } from '../activities/index.js';
import { auditRules } from '../audit/index.js';
import { caseRules } from '../cases/index.js';
import { dataProtectionRules } from '../data-protection/index.js';
import { letterRules } from '../letters/index.js';
import { organizationRules } from '../organizations/index.js';
import { referralRules } from '../referrals/index.js';
import { reintegrationRules } from '../reintegration/index.js';
import { reportRules } from '../reports/index.js';
import { returnRules } from '../returns/index.js';
import { siteRules } from '../sites/index.js';
import { stayRules } from '../stays/index.js';
import { userRules } from '../users/index.js';

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
