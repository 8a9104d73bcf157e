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
  if (page.cursor) {
    const values = codec.decode(spec.list, page.cursor, spec.columns.length);
    const lhs = spec.columns.map((c) => c.expr).join(', ');
    const rhs = spec.columns.map((c, i) => `CAST(:keyset${i} AS ${c.cast})`).join(', ');
    const params = Object.fromEntries(values.map((v, i) => [`keyset${i}`, v]));
    qb.andWhere(`(${lhs}) ${spec.direction === 'DESC' ? '<' : '>'} (${rhs})`, params);
  }
  spec.columns.forEach((c, i) => (i === 0 ? qb.orderBy(c.expr, spec.direction) : qb.addOrderBy(c.expr, spec.direction)));
  const rows = (options.raw ? await qb.limit(limit + 1).getRawMany() : await qb.limit(limit + 1).getMany()) as T[];
  return pageOf(rows, limit, spec, codec);
}

function pageOf<T>(rows: T[], limit: number, spec: KeysetSpec<T>, codec: CursorCodec): Page<T> {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? codec.encode(spec.list, spec.keyOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}

const compareKeys = (a: CursorValue[], b: CursorValue[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
};

/**
 * One keyset page over the union of several queries (the branches of a scope): each runs with
 * the same cursor and limit + 1 along its own index, and the rows merge by key. The page and its
 * cursor are those of the single query `WHERE b1 OR b2 …`. Keys compare as strings or numbers, so
 * `keyOf` must give values that sort as the SQL does (ISO timestamps, lowercase uuids, numbers).
 */
export async function paginateUnion<T extends ObjectLiteral>(qbs: SelectQueryBuilder<T>[], page: PageRequest, spec: KeysetSpec<T>, codec: CursorCodec): Promise<Page<T>> {
  const limit = page.limit ?? DEFAULT_LIMIT;
  const unlimited = { ...page, limit };
  const parts = await Promise.all(
    qbs.map(async (qb) => {
      // Each branch fetches limit + 1 rows: pageOf below decides on the merged rows.
      const p = await paginate<T>(qb, { ...unlimited, limit: limit + 1 }, spec, codec);
      return p.items;
    }),
  );
  const sign = spec.direction === 'DESC' ? -1 : 1;
  const byKey = new Map<string, T>();
  for (const row of parts.flat()) byKey.set(JSON.stringify(spec.keyOf(row)), row);
  const merged = [...byKey.values()].sort((a, b) => sign * compareKeys(spec.keyOf(a), spec.keyOf(b)));
  return pageOf(merged, limit, spec, codec);
}
