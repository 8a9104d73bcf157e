import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export type CursorValue = string | number;

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const invalid = (): DomainError => new DomainError('INVALID_CURSOR', 'The cursor is not one this list produced');

/**
 * Opaque, tamper-proof cursors: the keyset position, bound to the list it came from and signed
 * with a server key, so a forged or garbled cursor is a clean 400 and never a wider query.
 */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'passerelle-cursor').update(secret).digest();
  }

  private mac(list: string, payload: string): Buffer {
    return createHmac('sha256', this.key).update(list).update('\0').update(payload).digest().subarray(0, 16);
  }

  encode(list: string, values: CursorValue[]): string {
    const payload = Buffer.from(JSON.stringify(values)).toString('base64url');
    return `${payload}.${this.mac(list, payload).toString('base64url')}`;
  }

  decode(list: string, cursor: string, arity: number): CursorValue[] {
    if (cursor.length > 1024) throw invalid();
    const [payload, sig, extra] = cursor.split('.');
    if (!payload || !sig || extra !== undefined) throw invalid();
    const given = Buffer.from(sig, 'base64url');
    const expected = this.mac(list, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let values: unknown;
    try {
      values = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (!Array.isArray(values) || values.length !== arity || !values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      throw invalid();
    }
    return values as CursorValue[];
  }
}

export interface KeysetSpec<T> {
  /** Binds cursors to one list: a cursor from `cases` is invalid on `referrals`. */
  list: string;
  /** SQL expressions of the sort key, most significant first; the last must be unique (the id). */
  columns: { expr: string; cast: 'timestamptz' | 'date' | 'uuid' | 'text' | 'int' | 'numeric' }[];
  direction: 'ASC' | 'DESC';
  keyOf(row: T): CursorValue[];
}

/** Keyset pagination (no OFFSET): one row-value comparison the sort index serves directly. */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<ObjectLiteral>,
  page: PageRequest,
  spec: KeysetSpec<T>,
  codec: CursorCodec,
  options: { raw?: boolean } = {},
): Promise<Page<T>> {
  const limit = page.limit ?? DEFAULT_LIMIT;
  keyset(qb, page, spec, codec, limit + 1);
  const rows = (options.raw ? await qb.getRawMany() : await qb.getMany()) as T[];
  return pageOf(rows, limit, spec, codec);
}

/** Restricts a query to the rows after the cursor, in key order, `rows` of them. */
export function keyset(qb: SelectQueryBuilder<ObjectLiteral>, page: PageRequest, spec: Pick<KeysetSpec<unknown>, 'list' | 'columns' | 'direction'>, codec: CursorCodec, rows: number): void {
  if (page.cursor) {
    const values = codec.decode(spec.list, page.cursor, spec.columns.length);
    const lhs = spec.columns.map((c) => c.expr).join(', ');
    const rhs = spec.columns.map((c, i) => `CAST(:keyset${i} AS ${c.cast})`).join(', ');
    const params = Object.fromEntries(values.map((v, i) => [`keyset${i}`, v]));
    qb.andWhere(`(${lhs}) ${spec.direction === 'DESC' ? '<' : '>'} (${rhs})`, params);
  }
  spec.columns.forEach((c, i) => (i === 0 ? qb.orderBy(c.expr, spec.direction) : qb.addOrderBy(c.expr, spec.direction)));
  qb.limit(rows);
}

/** The page of `limit` rows out of `limit + 1` fetched, with the cursor after its last row. */
export function pageOf<T>(rows: T[], limit: number, spec: KeysetSpec<T>, codec: CursorCodec): Page<T> {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? codec.encode(spec.list, spec.keyOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}

/**
 * The keyset of most lists: a timestamp column, then the id, newest first (or oldest, `ASC`).
 * `byTime('referrals', 'r', 'created_at', (r) => r.createdAt)`.
 */
export function byTime<T extends { id: string }>(list: string, alias: string, column: string, at: (row: T) => Date, direction: 'ASC' | 'DESC' = 'DESC'): KeysetSpec<T> {
  return {
    list,
    columns: [
      { expr: `${alias}.${column}`, cast: 'timestamptz' },
      { expr: `${alias}.id`, cast: 'uuid' },
    ],
    direction,
    keyOf: (row) => [at(row).toISOString(), row.id],
  };
}
