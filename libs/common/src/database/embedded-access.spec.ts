import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockedOnTheWay, embeddedAccessProblem, postgresAccount } from './embedded-access.js';

/*
 * Root runs the embedded PostgreSQL as the system user `postgres`: a data folder that user
 * cannot traverse is one line with the fix, found before initdb (issue 28). The root cases run
 * for real when the suite runs as root (CI here does); as a normal user the check must stay out
 * of the way: PostgreSQL then runs as us and reaches what we reach.
 */
describe('embedded PostgreSQL access check', () => {
  let top: string;
  beforeAll(() => {
    top = mkdtempSync(join(tmpdir(), 'passerelle-access-'));
    chmodSync(top, 0o755);
    mkdirSync(join(top, 'closed', 'data'), { recursive: true });
    chmodSync(join(top, 'closed'), 0o700);
    mkdirSync(join(top, 'open', 'data'), { recursive: true });
    chmodSync(join(top, 'open'), 0o755);
    writeFileSync(join(top, 'closed', 'initdb'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(top, 'open', 'initdb'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterAll(() => rmSync(top, { recursive: true, force: true }));

  it('a normal user needs no check: no account to switch to, no problem', () => {
    expect(postgresAccount(1000)).toBeNull();
    expect(embeddedAccessProblem(join(top, 'closed', 'data'), [join(top, 'closed', 'initdb')], null)).toBeNull();
  });

  it('as root: a folder postgres cannot traverse is named in one line with the DATA_DIR fix; a reachable one passes', () => {
    const as = postgresAccount();
    if (process.getuid?.() !== 0) {
      // Not root: the account check is off, whatever the modes.
      expect(as).toBeNull();
      expect(embeddedAccessProblem(join(top, 'closed', 'data'), [])).toBeNull();
      return;
    }
    expect(as).toEqual({ uid: expect.any(Number), gid: expect.any(Number) });
    expect(as!.uid).not.toBe(0);
    expect(blockedOnTheWay(as!, join(top, 'open', 'data'))).toBeNull();
    expect(blockedOnTheWay(as!, join(top, 'closed', 'data'))).toBe(join(top, 'closed'));
    expect(blockedOnTheWay(as!, join(top, 'closed', 'initdb'), '-x')).toBe(join(top, 'closed'));
    expect(embeddedAccessProblem(join(top, 'open', 'data'), [join(top, 'open', 'initdb')])).toBeNull();
    const data = embeddedAccessProblem(join(top, 'closed', 'data'), [join(top, 'open', 'initdb')])!;
    expect(data).toContain(`cannot reach ${join(top, 'closed')} on the way to DATA_DIR=${join(top, 'closed', 'data')}`);
    expect(data).toMatch(/set DATA_DIR to .*or run npm start as a normal user/);
    expect(data).not.toContain('\n');
    const bin = embeddedAccessProblem(join(top, 'open', 'data'), [join(top, 'closed', 'initdb')])!;
    expect(bin).toContain(`cannot reach ${join(top, 'closed')} to run ${join(top, 'closed', 'initdb')}`);
    expect(bin).toContain('DATABASE_URL');
  });
});
