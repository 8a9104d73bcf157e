import { randomUUID } from 'node:crypto';
import { userActor } from '../access/index.js';
import type { Referral } from './referral.entity.js';
import { referralActions } from './referral-actions.js';
import type { ReferralStatus } from './referral-status.js';

const FROM = randomUUID();
const TO = randomUUID();
const SITE = randomUUID();
const actor = (org: string, roles: string[], siteIds: string[] = [SITE]) => userActor({ userId: randomUUID(), organizationId: org, organizationCode: 'T', roles, siteIds, capabilities: ['health'] });
const referral = (status: ReferralStatus, over: Partial<Referral> = {}) =>
  ({ id: randomUUID(), owningOrganizationId: FROM, fromOrganizationId: FROM, toOrganizationId: TO, status, createdBy: null, caseSiteId: SITE, caseAssignedTo: null, ...over }) as Referral;
const shared = { caseShared: true };

describe('referralActions: the receiver answers, the sender cancels, each from the states the table allows', () => {
  it.each([
    ['pending', ['accept', 'decline']],
    ['accepted', ['complete', 'recordService']],
    ['declined', []],
    ['completed', []],
    ['cancelled', []],
  ] as const)('the receiving organization, %s: %j', (status, expected) => {
    expect(referralActions(actor(TO, ['caseworker'], []), referral(status), shared)).toEqual(expected);
  });

  it('the sender cancels while pending or accepted, and answers nothing', () => {
    const m = actor(FROM, ['manager']);
    expect(referralActions(m, referral('pending'), shared)).toEqual(['cancel']);
    expect(referralActions(m, referral('accepted'), shared)).toEqual(['cancel']);
    expect(referralActions(m, referral('completed'), shared)).toEqual([]);
  });

  it('a sending caseworker: the referrals of the cases they work on, or that they sent', () => {
    const cw = actor(FROM, ['caseworker'], []);
    expect(referralActions(cw, referral('pending'), shared)).toEqual([]);
    expect(referralActions(cw, referral('pending', { createdBy: cw.userId }), shared)).toEqual(['cancel']);
    expect(referralActions(cw, referral('pending', { caseAssignedTo: cw.userId }), shared)).toEqual(['cancel']);
  });

  it('no service under a referral whose case is no longer shared (consent withdrawn)', () => {
    expect(referralActions(actor(TO, ['manager']), referral('accepted'), { caseShared: false })).toEqual(['complete']);
  });

  it('a third organization and an analyst of the receiver: nothing', () => {
    expect(referralActions(actor(randomUUID(), ['manager']), referral('pending'), shared)).toEqual([]);
    expect(referralActions(actor(TO, ['analyst']), referral('pending'), shared)).toEqual([]);
  });
});
