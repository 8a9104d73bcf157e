import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';

/** 412 VERSION_CONFLICT: the record changed since the client read it (its ETag). */
export function staleVersion(what: string, current: number): DomainError {
  return new DomainError('VERSION_CONFLICT', `The ${what} changed since you read it; reload and retry`, { extra: { currentVersion: current } });
}

/**
 * Writes `set` and a new version on the row `id`, if its version is still `expected` (the check is
 * inside the UPDATE: of two concurrent writes one wins, the other gets 412); without `expected`,
 * unconditionally (a write under a row lock taken earlier). Stamps `updatedBy`; returns the new
 * version and `updatedAt`, to put back on the loaded entity.
 */
export async function updateVersioned<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  row: { id: string; what: string },
  set: Record<string, unknown>,
  by: string | null,
  expected?: number,
): Promise<{ version: number; updatedAt: Date }> {
  const qb = em
    .createQueryBuilder()
    .update(target)
    .set({ ...set, updatedBy: by, version: () => 'version + 1' } as never)
    .where('id = :id', { id: row.id });
  if (expected !== undefined) qb.andWhere('version = :expected', { expected });
  const result = await qb.returning(['version', 'updatedAt']).execute();
  if (!result.affected) throw staleVersion(row.what, expected ?? -1);
  const raw = result.raw[0] as { version: string | number; updated_at?: Date; updatedAt?: Date };
  return { version: Number(raw.version), updatedAt: raw.updated_at ?? raw.updatedAt ?? new Date() };
}
