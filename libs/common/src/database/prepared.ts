import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { BoundedMap } from '../bounded-map.js';

import type pg from 'pg';

/**
 * The pg pool under a TypeORM data source, for what TypeORM does not offer: named prepared
 * statements, grouped inserts, a connection of one's own (`allocateNumber`).
 */
export const poolOf = (ds: DataSource): pg.Pool => (ds.driver as unknown as { master: pg.Pool }).master;

const names = new BoundedMap<string, string>(500);

/** The statement's name, the hash of its text, remembered for the texts seen most recently. */
const nameOf = (text: string): string => names.get(text) ?? names.set(text, `p_${createHash('sha1').update(text).digest('base64url')}`);

/**
 * Runs one statement (named parameters, as in query builders) as a named prepared statement of
 * the pool's connection: PostgreSQL parses and plans it once per connection instead of once per
 * call. For hot statements whose planning costs as much as their execution (the name search:
 * 2.9 ms instead of 5.8 ms at 1,000,000 cases, issue 12). The name is the text's hash, so every
 * distinct text (scope shape, filters) is its own statement. Rows come back raw (no entities).
 * Not inside a transaction: it takes a pool connection of its own.
 */
export async function preparedQuery<T>(ds: DataSource, sql: string, parameters: Record<string, unknown>): Promise<T[]> {
  const [text, values] = ds.driver.escapeQueryWithParameters(sql, parameters);
  const name = nameOf(text);
  return (await poolOf(ds).query({ name, text, values })).rows as T[];
}
