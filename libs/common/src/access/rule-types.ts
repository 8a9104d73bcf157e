import type { AbilityBuilder } from '@casl/ability';
import type { AppAbility } from './actor.js';

/** What the rules of every feature are built from: the user's current row, never the token. */
export interface AbilityInput {
  userId: string;
  organizationId: string;
  roles: readonly string[];
  siteIds: readonly string[];
  capabilities: readonly string[];
}

export type RuleBuilder = Pick<AbilityBuilder<AppAbility>, 'can' | 'cannot'>;
/** One feature's `*.rules.ts`: who may do what with its subjects (composed in core's access/). */
export type DefineRules = (b: RuleBuilder, u: AbilityInput) => void;
