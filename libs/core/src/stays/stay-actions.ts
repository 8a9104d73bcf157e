import { type Actor, canOn } from '@passerelle/common';
import type { Stay, StayExtension } from './stay.entity.js';
import { isOwnRequest } from './stay.rules.js';
import { extensionTransitionAllowed, stayTransitionAllowed } from './stay-status.js';

/** What may be done to a stay: checkOut POST /stays/{id}/check-out; requestExtension POST /stays/{id}/extensions. */
export const STAY_ACTIONS = ['checkOut', 'requestExtension'] as const;
export type StayActionName = (typeof STAY_ACTIONS)[number];
export const STAY_ACTION_ENDPOINTS: Record<StayActionName, string> = { checkOut: 'POST /stays/{id}/check-out', requestExtension: 'POST /stays/{id}/extensions' };

/** What may be done to an extension request: approve, reject POST /stays/{id}/extensions/{extId}/…. */
export const EXTENSION_ACTIONS = ['approve', 'reject'] as const;
export type ExtensionActionName = (typeof EXTENSION_ACTIONS)[number];
export const EXTENSION_ACTION_ENDPOINTS: Record<ExtensionActionName, string> = {
  approve: 'POST /stays/{id}/extensions/{extId}/approve',
  reject: 'POST /stays/{id}/extensions/{extId}/reject',
};

/**
 * The rules (403) and the tables (409) StaysService asserts, in memory. `extensions`, when the
 * response holds them (a single stay): a pending request already there is a 409 for another one,
 * so requestExtension is not listed; a list row does not know, and the endpoint keeps its 409.
 */
export function stayActions(actor: Actor, s: Stay, extensions?: readonly Pick<StayExtension, 'status'>[]): StayActionName[] {
  const active = stayTransitionAllowed(s.status, 'extend');
  const out: Record<StayActionName, boolean> = {
    checkOut: stayTransitionAllowed(s.status, 'checkOut') && canOn(actor, 'checkOut', 'Stay', s),
    requestExtension: active && canOn(actor, 'create', 'StayExtension', { owningOrganizationId: s.owningOrganizationId }) && !extensions?.some((x) => x.status === 'pending'),
  };
  return STAY_ACTIONS.filter((a) => out[a]);
}

/** Maker-checker (stay.rules.ts); and only while the request is pending and its stay active. */
export function extensionActions(actor: Actor, x: StayExtension, stay?: Pick<Stay, 'status'>): ExtensionActionName[] {
  if (isOwnRequest(actor, x)) return [];
  if (stay && !stayTransitionAllowed(stay.status, 'extend')) return [];
  return EXTENSION_ACTIONS.filter((a) => extensionTransitionAllowed(x.status, a) && canOn(actor, a, 'StayExtension', x));
}
