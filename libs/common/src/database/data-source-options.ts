import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = Function[];

export interface DatabaseOptionsInput {
  url: string;
  entities: ClassList;
  migrations: ClassList;
  poolSize?: number;
  applicationName?: string;
}

/** A lost database must fail fast: a connection attempt gives up after 1.5 s. */
const CONNECT_TIMEOUT_MS = 1500;
/**
 * A busy pool is not a lost database: a request waits this long for a free connection (a burst
 * of registrations or logins queues), then answers 503.
 */
const POOL_WAIT_MS = 10_000;

/**
 * pg-pool uses one timeout for both; the client's own connect timer is set apart here.
 *
 * A client also listens for its own `error` events for its whole life. pg-pool listens only
 * while a client is idle, so a connection lost while checked out between two statements (a
 * transaction's, or `allocateNumber`'s) emitted an `error` with no listener, which throws and
 * kills the process: a database restart took the API down with it (issue 13, found as an
 * intermittent crash of the outage test). The statement in flight, if any, gets the error as
 * its rejection; the client is left not queryable, and pg-pool discards it on release.
 */
export class FastConnectClient extends pg.Client {
  constructor(config: pg.ClientConfig) {
    super({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    this.on('error', () => undefined);
  }
}

/**
 * The single definition of how we talk to PostgreSQL, shared by the API, the worker, the
 * migration CLI and the tests. Timeouts keep a lost database from hanging requests: a
 * connection attempt gives up after 1.5 s so callers answer 503 within 2 s (issue 3), while a
 * request waiting for a busy pool's connection waits longer (it was 503 after 1.5 s under load).
 */
export function databaseOptions(input: DatabaseOptionsInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.url,
    entities: input.entities,
    migrations: input.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    logging: ['error'],
    extra: {
      max: input.poolSize ?? 10,
      Client: FastConnectClient,
      connectionTimeoutMillis: POOL_WAIT_MS,
      idleTimeoutMillis: 30_000,
      // Server-side guard against runaway statements; requests never need more than this.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
      application_name: input.applicationName ?? 'passerelle',
    },
  };
}
