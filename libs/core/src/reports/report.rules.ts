import type { Actor, DefineRules } from '@passerelle/common';

/**
 * Issue 11, DESIGN §1: aggregated, de-identified reports of their own organization for its
 * analysts ("aggregated, de-identified reports only") and managers. Caseworkers, auditors, org
 * and platform admins get no rule: 403 on every report. The organization is always the actor's
 * own (the service scopes every statement by it); there is no platform-wide analyst role.
 * The summary's exact counts are for managers only (`readsOperationalNumbers`); an analyst gets
 * them suppressed below k.
 */
export const reportRules: DefineRules = ({ can }, u) => {
  if (u.roles.includes('analyst') || u.roles.includes('manager')) can('read', 'Report');
};

/**
 * GET /reports/summary: a manager reads the organization's operational numbers exact — they see
 * every one of those cases and referrals anyway; anyone else (an analyst) gets counts of 1 … k−1
 * suppressed.
 */
export const readsOperationalNumbers = (actor: Pick<Actor, 'roles'>): boolean => actor.roles.includes('manager');
