import { assertUniqueOperationIds, OPERATION_IDS, operationIdFactory } from './operation-ids.js';

describe('operationIds: one readable, unique name per route (issue 20)', () => {
  it('names a route from the table', () => {
    const name = operationIdFactory();
    expect(name('CasesController', 'list')).toBe('listCases');
    expect(name('CasesController', 'notes')).toBe('listCaseNotes');
    expect(name('AuthController', 'refresh')).toBe('refreshSession');
  });

  it('throws for a route with no entry, naming it and the table', () => {
    const name = operationIdFactory({ CasesController: { list: 'listCases' } });
    expect(() => name('CasesController', 'export')).toThrow(/No operationId for CasesController\.export: add one to OPERATION_IDS/);
    expect(() => name('NewController', 'list')).toThrow(/No operationId for NewController\.list/);
    // Inherited Object members are no entries.
    expect(() => name('CasesController', 'toString')).toThrow(/No operationId for CasesController\.toString/);
    expect(() => name('constructor', 'name')).toThrow(/No operationId/);
  });

  it('throws when two routes of a document share an operationId, naming both', () => {
    const paths = {
      '/api/v1/cases': { get: { operationId: 'listCases' }, post: { operationId: 'registerCase' } },
      '/api/v1/cases/{id}/notes': { get: { operationId: 'listCases' } },
    };
    expect(() => assertUniqueOperationIds({ paths })).toThrow('operationIds used by more than one route: listCases (GET /api/v1/cases, GET /api/v1/cases/{id}/notes)');
    expect(() => assertUniqueOperationIds({ paths: { '/a': { get: { operationId: 'a' } }, '/b': { get: { operationId: 'b' } } } })).not.toThrow();
  });

  it('the table itself: camelCase, a verb first, no name twice', () => {
    const ids = Object.values(OPERATION_IDS).flatMap((methods) => Object.values(methods));
    const verbs = new Set(['get', 'list', 'create', 'update', 'register', 'assign', 'close', 'reopen', 'add', 'remove', 'record', 'withdraw', 'screen', 'login', 'logout', 'refresh', 'verify', 'accept', 'decline', 'complete', 'cancel', 'acknowledge', 'check', 'request', 'approve', 'reject', 'issue', 'revoke', 'submit', 'depart', 'arrive', 'deliver', 'load', 'export']);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z]+(?:[A-Z][a-z0-9]*)*$/);
      expect([id, verbs.has(id.match(/^[a-z]+/)![0])]).toEqual([id, true]);
    }
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids.length).toBeGreaterThanOrEqual(129);
  });
});
