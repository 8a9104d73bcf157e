import { AuditPrivacy, isSealed, subjectOf } from './audit-personal.js';

describe('which audit values are personal (issue 11)', () => {
  const p = new AuditPrivacy();

  it('an event is about the case it targets, or the case its details name; others have no subject', () => {
    expect(subjectOf({ type: 'Case', id: 'c1' }, null)).toBe('c1');
    expect(subjectOf({ type: 'Referral', id: 'r1' }, { caseId: 'c2' })).toBe('c2');
    expect(subjectOf({ type: 'User', id: 'u1' }, { email: 'x@y.org' })).toBeNull();
    expect(subjectOf({ type: 'Letter', id: 'l1' }, { caseId: 42 })).toBeNull();
  });

  it('names, contact, documents, journey and free text are personal; codes stay in clear', () => {
    for (const k of ['givenName', 'familyName', 'otherNames', 'dateOfBirth', 'languages', 'contact', 'documents', 'journey', 'household']) expect(p.clearChange('Case', k)).toBe(false);
    for (const k of ['status', 'closureReason', 'siteId', 'sex', 'nationality', 'birthYear', 'vulnerabilities']) expect(p.clearChange('Case', k)).toBe(true);
    for (const k of ['declineReason', 'outcome', 'cancelReason']) expect(p.clearChange('Referral', k)).toBe(false);
    for (const k of ['holder', 'purpose', 'route', 'revokeReason']) expect(p.clearChange('Letter', k)).toBe(false);
    expect(p.clearChange('Stay', 'reason')).toBe(false);
    expect(p.clearDetail('caseId')).toBe(true);
    expect(p.clearDetail('reason')).toBe(false);
  });

  it('default deny: an entity type nobody registered has every change sealed; a feature registers its codes in one line', () => {
    expect(p.clearChange('Return', 'status')).toBe(false);
    p.register('Return', { changes: ['status', 'destinationCountry'], details: ['returnId'] });
    expect(p.clearChange('Return', 'status')).toBe(true);
    expect(p.clearChange('Return', 'destinationLocality')).toBe(false);
    expect(p.clearDetail('returnId')).toBe(true);
  });

  it('recognizes a sealed value and nothing else', () => {
    expect(isSealed({ $sealed: { subject: 'c1', data: 'AAAA' } })).toBe(true);
    for (const v of [null, 'x', { $sealed: 'x' }, { $sealed: { subject: 1, data: 'a' } }, { old: 1 }]) expect(isSealed(v)).toBe(false);
  });
});
