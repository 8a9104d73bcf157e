import { type Actor, type DefineRules, DomainError } from '@passerelle/common';
import { ROLES, type Role } from './roles.js';

/**
 * Who may do what with a user account (DESIGN §1, API.md, issue 4):
 * - read: oneself; platform admins the org admins; org admins, caseworkers, managers and auditors
 *   their own organization's users (analysts no one else) — `userRules`;
 * - create: platform admins an org admin of any organization, org admins any user of their own
 *   organization — `userRules`, and only with roles the actor may grant: `assertGrantable`;
 * - update (name, roles, sites, password, deactivation): org admins their own organization's users,
 *   never an account holding platform_admin — `userRules`; roles changed only among those the actor
 *   may grant (`assertGrantable`), an org admin never drops their own org_admin role
 *   (`assertKeepsOwnOrgAdmin`) nor deactivates themselves (`assertNotSelfDeactivation`).
 * The system actor (jobs, seeding, tests' factories) may do all of it.
 */
export const userRules: DefineRules = ({ can, cannot }, u) => {
  can('read', 'User', { id: u.userId });
  if (u.roles.includes('platform_admin')) {
    // DESIGN §1: platform admins create each organization's first org_admin and see no one else.
    // They edit no one: "nobody edits another org's anything" (issue 4), and a password reset of
    // an org admin who also holds a case role would open case data to them.
    can('create', 'User', { roles: 'org_admin' });
    can('read', 'User', { roles: 'org_admin' });
  }
  if (u.roles.includes('org_admin')) {
    can(['create', 'read', 'update'], 'User', { organizationId: u.organizationId });
  }
  // Nobody may grant platform_admin (DESIGN §1), so nobody may take over an account holding it
  // (password, deactivation, sites) either.
  cannot('update', 'User', { roles: 'platform_admin' });
  // Colleagues' names and roles, to assign cases and read the audit trail; analysts see no one.
  if (u.roles.some((r) => r === 'caseworker' || r === 'manager' || r === 'auditor')) {
    can('read', 'User', { organizationId: u.organizationId });
  }
};

/** Roles an actor may give or take away (DESIGN §1, API.md): platform admins only org_admin; org admins any but platform_admin. */
export function grantableRoles(actor: Actor): readonly Role[] {
  if (actor.kind === 'system') return ROLES;
  const roles = new Set<Role>();
  if (actor.roles.includes('platform_admin')) roles.add('org_admin');
  if (actor.roles.includes('org_admin')) ROLES.filter((r) => r !== 'platform_admin').forEach((r) => roles.add(r));
  return [...roles];
}

/** 403 FORBIDDEN unless the actor may grant (or remove) every role of `roles`. */
export function assertGrantable(actor: Actor, roles: readonly Role[]): void {
  const grantable = grantableRoles(actor);
  const refused = roles.filter((r) => !grantable.includes(r));
  if (refused.length) throw new DomainError('FORBIDDEN', `You may not grant or remove the role(s) ${refused.join(', ')}`);
}

/**
 * 409 CONFLICT when an org admin would take their own org_admin role away: another org admin
 * must do it, so an organization is never left without one by mistake.
 */
export function assertKeepsOwnOrgAdmin(actor: Actor, user: { id: string; roles: readonly Role[] }, roles: readonly Role[]): void {
  if (user.id === actor.userId && user.roles.includes('org_admin') && !roles.includes('org_admin')) {
    throw new DomainError('CONFLICT', 'You cannot remove your own org_admin role; ask another org admin');
  }
}

/** 409 CONFLICT when the actor would deactivate their own account. */
export function assertNotSelfDeactivation(actor: Actor, user: { id: string }, active: boolean | undefined): void {
  if (active === false && user.id === actor.userId) throw new DomainError('CONFLICT', 'You cannot deactivate yourself');
}
