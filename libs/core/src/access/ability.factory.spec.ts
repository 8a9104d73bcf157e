import { randomUUID } from 'node:crypto';
import { abilityOf, buildAbility, userActor } from './ability.factory.js';

const input = (over: Partial<Parameters<typeof abilityOf>[0]> = {}) => ({
  userId: randomUUID(),
  organizationId: randomUUID(),
  roles: ['caseworker'],
  siteIds: [randomUUID()],
  capabilities: ['shelter'],
  ...over,
});

describe('abilityOf: one built ability per distinct user row (issue 12)', () => {
  it('the same row gives the same instance; its rules are those buildAbility builds', () => {
    const u = input();
    const a = abilityOf(u);
    expect(abilityOf({ ...u, roles: [...u.roles], siteIds: [...u.siteIds] })).toBe(a);
    expect(a.rules).toEqual(buildAbility(u).rules);
  });

  it.each([
    ['roles', { roles: ['auditor'] }],
    ['sites', { siteIds: [randomUUID()] }],
    ['capabilities', { capabilities: [] }],
    ['organization', { organizationId: randomUUID() }],
  ])('a changed %s is a new ability at once, with the new rules', (_, change) => {
    const u = input();
    const before = abilityOf(u);
    const after = abilityOf({ ...u, ...change });
    expect(after).not.toBe(before);
    expect(after.rules).toEqual(buildAbility({ ...u, ...change }).rules);
  });

  it('a caseworker turned auditor loses case registration on the next actor built', () => {
    const u = input();
    expect(userActor({ ...u, organizationCode: 'X' }).ability.can('create', 'Case')).toBe(true);
    expect(userActor({ ...u, roles: ['auditor'], organizationCode: 'X' }).ability.can('create', 'Case')).toBe(false);
  });

  it('stays bounded: the least recently used row is built again after 2,000 others', () => {
    const first = input();
    const a = abilityOf(first);
    for (let i = 0; i < 2000; i++) abilityOf(input());
    expect(abilityOf(first)).not.toBe(a);
  });
});
