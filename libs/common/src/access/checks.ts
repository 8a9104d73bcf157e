import type { Actor } from './actor.js';
import { DomainError } from '../errors/domain-error.js';

/**
 * The checks CASL cannot express as conditions on a record, in one place; each feature's
 * `*.rules.ts` says where they apply, so "who may approve a return?" reads in returns/return.rules.ts.
 */

/**
 * 403 CAPABILITY_REQUIRED unless the actor's organization holds `capability` (DESIGN §1: an
 * organization may issue letters, organize returns, shelter… only with the capability). The
 * system actor (jobs) holds them all.
 */
export function requireCapability(actor: Actor, capability: string): void {
  if (actor.kind === 'system' || actor.capabilities.includes(capability)) return;
  throw new DomainError('CAPABILITY_REQUIRED', `${actor.organizationCode ?? 'Your organization'} does not hold the ${capability} capability`);
}

/** Whether the actor's organization holds `capability` (for the `actions` lists). */
export const holdsCapability = (actor: Actor, capability: string): boolean => actor.kind === 'system' || actor.capabilities.includes(capability);

/**
 * Maker-checker: 403 SELF_APPROVAL_FORBIDDEN when the actor is the one who made the request
 * (`maker`: the submitter, requester, first approver…). `detail` says who must decide instead.
 */
export function assertNotMaker(actor: Actor, maker: string | null | undefined, detail: string): void {
  if (maker && actor.userId === maker) throw new DomainError('SELF_APPROVAL_FORBIDDEN', detail);
}
