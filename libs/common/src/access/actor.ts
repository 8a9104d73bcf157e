import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';

/** CASL ability of one request: actions are route verbs, subjects PascalCase entity names. */
export type AppAbility = MongoAbility<[string, string | object]>;

/** Who is acting: built per request from the user's current row (DESIGN §2), or the system. */
export interface Actor {
  kind: 'user' | 'system';
  userId: string | null;
  organizationId: string | null;
  organizationCode: string | null;
  capabilities: readonly string[];
  roles: readonly string[];
  siteIds: readonly string[];
  ability: AppAbility;
  requestId?: string;
  ip?: string;
}

/** Background jobs act as the system: every action allowed, attributed to no user. */
export function systemActor(): Actor {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  builder.can('manage', 'all');
  return { kind: 'system', userId: null, organizationId: null, organizationCode: null, capabilities: [], roles: [], siteIds: [], ability: builder.build() };
}
