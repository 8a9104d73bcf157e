import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FieldCipher } from '../crypto/field-cipher.js';
import { SigningKeys } from '../crypto/signing-keys.js';
import { ConfigError } from './config-error.js';

export { ConfigError };

export type NodeEnv = 'development' | 'production' | 'test';

/** Everything the process reads from its environment, validated once at start (DESIGN §9). */
export interface AppConfig {
  nodeEnv: NodeEnv;
  /** null: start the embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  port: number;
  host: string;
  logLevel: string;
  dataDir: string;
  /** The built web app served at `/` (apps/web/dist); nothing is served there when it is absent. */
  webDir: string;
  dbPoolSize: number;
  migrateOnStart: boolean;
  trustProxy: boolean;
  publicBaseUrl: string;
  /** The address clients use, when PUBLIC_BASE_URL names it; null: whatever host they reached us by. */
  publicBaseUrlConfigured: string | null;
  rateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  /** Public letter verifications per minute per client IP (their own bucket). */
  letterVerifyRateLimitPerMinute: number;
  /** A client must send its request headers within this (slowloris: issue 13). */
  httpHeadersTimeoutSeconds: number;
  /** …and its whole request, body included, within this. */
  httpRequestTimeoutSeconds: number;
  /** Reports: the smallest count published (k); smaller counts are suppressed (issue 11). */
  reportMinCell: number;
  bootstrapAdminEmail: string | null;
  bootstrapAdminPassword: string | null;
  demoSeed: boolean;
  demoPassword: string | null;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  dataEncryptionKey: string;
  letterSigningKey: string;
  /** Days after closure before a case is anonymized by the `cases.retention` job (DESIGN §7; default 5 years). */
  retentionDays: number;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SECRETS = ['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'LETTER_SIGNING_KEY'] as const;

function str(env: Env, name: string, fallback: string | null): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name, null);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name, null);
  if (raw === null) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = str(env, name, null);
  if (raw === null) return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = str(env, name, null);
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return raw;
}

function email(env: Env, name: string): string | null {
  const raw = str(env, name, null);
  if (raw !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) throw new ConfigError(name, 'is not an email address');
  return raw?.toLowerCase() ?? null;
}

/**
 * Development secrets are generated once and kept under the data directory, so tokens and
 * encrypted data survive restarts; production must configure them (DESIGN §9).
 */
function devSecrets(dataDir: string): Record<(typeof SECRETS)[number], string> {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = {
    JWT_SECRET: randomBytes(48).toString('base64url'),
    DATA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
    // `<key id>:<base64 PKCS#8 DER>` of an Ed25519 private key; several, comma-separated, rotate.
    LETTER_SIGNING_KEY: `l1:${generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Words of example and placeholder secrets (docs, tutorials, our own tests). */
// Words of six or more letters only: a random 48-byte secret would hold a short one now and then.
const PLACEHOLDER = /change.?me|example|placeholder|secret|password|passerelle|0123456789/i;

/**
 * Production refuses development secrets (issue 13): the ones `npm start` generated under
 * DATA_DIR (they sit unencrypted on a developer's disk), and obviously made-up ones — a JWT secret
 * with few distinct characters or a placeholder word, an encryption key whose 32 bytes take fewer
 * than 20 values (random ones take about 30; the test suite's key takes 16).
 */
function refuseDevelopmentSecrets(dataDir: string, secrets: Record<(typeof SECRETS)[number], string>): void {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const dev = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<(typeof SECRETS)[number], string>>;
    for (const name of SECRETS) {
      if (dev[name] && dev[name] === secrets[name]) throw new ConfigError(name, `is the development secret generated in ${file}; set a production one`);
    }
  }
  const jwt = secrets.JWT_SECRET;
  if (new Set(jwt).size < 16 || PLACEHOLDER.test(jwt)) {
    throw new ConfigError('JWT_SECRET', 'looks like a development or example value; use e.g. openssl rand -base64 48');
  }
  for (const part of secrets.DATA_ENCRYPTION_KEY.split(',').map((p) => p.trim()).filter(Boolean)) {
    const key = Buffer.from(part.slice(part.indexOf(':') + 1), 'base64');
    if (new Set(key).size < 20) throw new ConfigError('DATA_ENCRYPTION_KEY', 'holds a key that is not random; use e.g. k1:$(openssl rand -base64 32)');
  }
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf<NodeEnv>(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const dataDir = resolve(str(env, 'DATA_DIR', '.data')!);
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (nodeEnv === 'production' && databaseUrl === null) {
    throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production');
  }
  const secret = (name: (typeof SECRETS)[number]): string => {
    const v = str(env, name, null);
    if (v !== null) return v;
    if (nodeEnv === 'production') throw new ConfigError(name, 'is required when NODE_ENV=production');
    return devSecrets(dataDir)[name];
  };
  const jwtSecret = secret('JWT_SECRET');
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicBaseUrl = url(env, 'PUBLIC_BASE_URL', ['http:', 'https:']);
  const demoPassword = str(env, 'DEMO_PASSWORD', null);
  if (demoPassword !== null && demoPassword.length < 12) {
    throw new ConfigError('DEMO_PASSWORD', 'must be at least 12 characters long');
  }
  const bootstrapAdminEmail = email(env, 'BOOTSTRAP_ADMIN_EMAIL');
  const bootstrapAdminPassword = str(env, 'BOOTSTRAP_ADMIN_PASSWORD', null);
  if ((bootstrapAdminEmail === null) !== (bootstrapAdminPassword === null)) {
    throw new ConfigError('BOOTSTRAP_ADMIN_PASSWORD', 'and BOOTSTRAP_ADMIN_EMAIL must be set together');
  }
  const httpHeadersTimeoutSeconds = int(env, 'HTTP_HEADERS_TIMEOUT_SECONDS', 10, 1, 300);
  const httpRequestTimeoutSeconds = int(env, 'HTTP_REQUEST_TIMEOUT_SECONDS', 30, 1, 3600);
  if (httpRequestTimeoutSeconds < httpHeadersTimeoutSeconds) {
    throw new ConfigError('HTTP_REQUEST_TIMEOUT_SECONDS', `must be at least HTTP_HEADERS_TIMEOUT_SECONDS (${httpHeadersTimeoutSeconds})`);
  }
  const dataEncryptionKey = secret('DATA_ENCRYPTION_KEY');
  new FieldCipher(dataEncryptionKey); // throws ConfigError naming the variable
  const letterSigningKey = secret('LETTER_SIGNING_KEY');
  new SigningKeys(letterSigningKey, 'LETTER_SIGNING_KEY');
  if (nodeEnv === 'production') {
    refuseDevelopmentSecrets(dataDir, { JWT_SECRET: jwtSecret, DATA_ENCRYPTION_KEY: dataEncryptionKey, LETTER_SIGNING_KEY: letterSigningKey });
  }
  return {
    nodeEnv,
    databaseUrl,
    port,
    host: str(env, 'HOST', '0.0.0.0')!,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    dataDir,
    webDir: resolve(str(env, 'WEB_DIR', 'apps/web/dist')!),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', true),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    publicBaseUrl: (publicBaseUrl ?? `http://localhost:${port}`).replace(/\/$/, ''),
    publicBaseUrlConfigured: publicBaseUrl?.replace(/\/$/, '') ?? null,
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 1200, 1, 1_000_000),
    loginRateLimitPerMinute: int(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 60, 1, 100_000),
    letterVerifyRateLimitPerMinute: int(env, 'LETTER_VERIFY_RATE_LIMIT_PER_MINUTE', 60, 1, 100_000),
    httpHeadersTimeoutSeconds,
    httpRequestTimeoutSeconds,
    // Never below 5 in production; lower only to try things out on small demo data.
    reportMinCell: int(env, 'REPORT_MIN_CELL', 5, nodeEnv === 'production' ? 5 : 1, 1000),
    bootstrapAdminEmail,
    bootstrapAdminPassword,
    demoSeed: bool(env, 'DEMO_SEED', databaseUrl === null && nodeEnv !== 'test'),
    demoPassword,
    jwtSecret,
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 3600),
    refreshTokenTtlDays: int(env, 'REFRESH_TOKEN_TTL_DAYS', 14, 1, 90),
    dataEncryptionKey,
    letterSigningKey,
    retentionDays: int(env, 'RETENTION_DAYS', 1825, 1, 36_500),
  };
}

/** The start-up door: a bad value ends the process with one line naming the variable, no stack. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
