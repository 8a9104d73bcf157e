import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

const base = { NODE_ENV: 'test', DATABASE_URL: 'postgres://u:p@localhost:5432/db', JWT_SECRET: 's'.repeat(40), DATA_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`, LETTER_SIGNING_KEY: `l1:${ed25519}` };

/** Random secrets: production refuses the made-up ones of `base` (issue 13). */
const productionSecrets = () => ({ JWT_SECRET: randomBytes(48).toString('base64'), DATA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}` });

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({ port: 3000, dbPoolSize: 10, loginRateLimitPerMinute: 60, letterVerifyRateLimitPerMinute: 60, accessTokenTtlSeconds: 900, migrateOnStart: true, demoSeed: false });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DB_POOL_SIZE', '0'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['MIGRATE_ON_START', 'maybe'],
    ['JWT_SECRET', 'short'],
    ['NODE_ENV', 'staging'],
    ['BOOTSTRAP_ADMIN_EMAIL', 'nobody'],
    ['DEMO_PASSWORD', 'short'],
    ['DATA_ENCRYPTION_KEY', 'k1:c2hvcnQ='],
    ['LETTER_SIGNING_KEY', 'l1:c2hvcnQ='],
    ['LETTER_VERIFY_RATE_LIMIT_PER_MINUTE', '0'],
    ['REPORT_MIN_CELL', '0'],
    ['REPORT_MIN_CELL', 'five'],
  ])('a bad %s (%s) names the variable', (name, value) => {
    const e = errorOf({ ...base, [name]: value });
    expect(e.variable).toBe(name);
    expect(e.message.startsWith(name)).toBe(true);
    expect(e.message).not.toMatch(/\n/);
  });

  it('RETENTION_DAYS: 5 years by default, configurable, validated (issue 11)', () => {
    expect(loadConfig(base).retentionDays).toBe(1825);
    expect(loadConfig({ ...base, RETENTION_DAYS: '30' }).retentionDays).toBe(30);
    for (const bad of ['0', '-1', 'five', '36501', '1.5']) expect(errorOf({ ...base, RETENTION_DAYS: bad }).message).toMatch(/^RETENTION_DAYS must be an integer between 1 and 36500/);
  });

  it('production requires the database and every secret', () => {
    expect(errorOf({ NODE_ENV: 'production' }).variable).toBe('DATABASE_URL');
    for (const secret of ['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'LETTER_SIGNING_KEY']) {
      const env: Record<string, string> = { ...base, NODE_ENV: 'production' };
      delete env[secret];
      expect(errorOf(env).variable).toBe(secret);
    }
  });

  describe('production refuses development secrets (issue 13)', () => {
    const strong = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/passerelle',
      JWT_SECRET: randomBytes(48).toString('base64'),
      DATA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
      LETTER_SIGNING_KEY: `l1:${ed25519}`,
    };
    let dataDir: string;
    beforeEach(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'passerelle-config-'));
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it('starts with random secrets', () => {
      expect(loadConfig({ ...strong, DATA_DIR: dataDir }).nodeEnv).toBe('production');
    });

    it.each(['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'LETTER_SIGNING_KEY'] as const)('the %s that npm start generated under DATA_DIR → refused', (name) => {
      // What a developer's machine holds after `npm start`, copied into production.
      const dev = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, DATABASE_URL: strong.DATABASE_URL });
      const devValue = { JWT_SECRET: dev.jwtSecret, DATA_ENCRYPTION_KEY: dev.dataEncryptionKey, LETTER_SIGNING_KEY: dev.letterSigningKey }[name];
      const e = errorOf({ ...strong, DATA_DIR: dataDir, [name]: devValue });
      expect(e.variable).toBe(name);
      expect(e.message).toMatch(/development secret/);
    });

    it.each([
      ['JWT_SECRET', 's'.repeat(40)],
      ['JWT_SECRET', 'test-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz'],
      ['JWT_SECRET', 'please-change-me-please-change-me-now!'],
      ['DATA_ENCRYPTION_KEY', `k1:${Buffer.alloc(32, 7).toString('base64')}`],
      ['DATA_ENCRYPTION_KEY', 'k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='],
      ['DATA_ENCRYPTION_KEY', `k2:${randomBytes(32).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`],
    ])('%s = a made-up value (%s) → refused in production, accepted in development', (name, value) => {
      expect(errorOf({ ...strong, DATA_DIR: dataDir, [name]: value }).variable).toBe(name);
      expect(() => loadConfig({ ...strong, NODE_ENV: 'development', DATA_DIR: dataDir, [name]: value })).not.toThrow();
    });
  });

  it('REPORT_MIN_CELL: 5 by default, never below 5 in production (issue 11)', () => {
    expect(loadConfig(base).reportMinCell).toBe(5);
    expect(loadConfig({ ...base, REPORT_MIN_CELL: '10' }).reportMinCell).toBe(10);
    expect(loadConfig({ ...base, REPORT_MIN_CELL: '2' }).reportMinCell).toBe(2);
    expect(errorOf({ ...base, ...productionSecrets(), NODE_ENV: 'production', REPORT_MIN_CELL: '4' }).variable).toBe('REPORT_MIN_CELL');
    expect(loadConfig({ ...base, ...productionSecrets(), NODE_ENV: 'production', REPORT_MIN_CELL: '5' }).reportMinCell).toBe(5);
  });

  it('bootstrap admin email and password come together', () => {
    expect(errorOf({ ...base, BOOTSTRAP_ADMIN_EMAIL: 'a@b.org' }).variable).toBe('BOOTSTRAP_ADMIN_PASSWORD');
    expect(loadConfig({ ...base, BOOTSTRAP_ADMIN_EMAIL: 'A@B.org', BOOTSTRAP_ADMIN_PASSWORD: 'p'.repeat(12) }).bootstrapAdminEmail).toBe('a@b.org');
  });

  it('demo data is on by default only with the embedded database', () => {
    const { DATABASE_URL: _, ...noDb } = base;
    void _;
    expect(loadConfig({ ...noDb, NODE_ENV: 'development' }).demoSeed).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).demoSeed).toBe(false);
    expect(loadConfig({ ...base, DEMO_SEED: 'true' }).demoSeed).toBe(true);
  });
});
