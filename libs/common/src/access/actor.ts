import type { MongoAbility } from '@casl/ability';

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
