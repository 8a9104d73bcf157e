import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * The SQL of the sign-in lockout (issue 4): failed attempts by email, known or not, and the
 * lockouts they lead to. The service decides; this only reads and writes, inside the caller's
 * transaction, which it never opens.
 */
@Injectable()
export class LoginFailuresRepository {
  /**
   * Serialises the attempts of one email until the transaction `em` ends: of a parallel burst of
   * guesses, each sees the failures of the ones before it.
   */
  async lockEmail(em: EntityManager, email: string): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`login:${email}`]);
  }

  /** The end of the email's lockout if it is still locked at `now`, else undefined. */
  async lockedUntil(em: EntityManager, email: string, now: Date): Promise<Date | undefined> {
    const [lock] = await em.query('SELECT locked_until FROM account_lockouts WHERE email = $1 AND locked_until > $2', [email, now]);
    return lock ? new Date(lock.locked_until) : undefined;
  }

  async record(em: EntityManager, email: string, at: Date, ip: string | null): Promise<void> {
    await em.query('INSERT INTO login_failures (email, at, ip) VALUES ($1, $2, $3)', [email, at, ip]);
  }

  /** The email's failures after `since`. */
  async countSince(em: EntityManager, email: string, since: Date): Promise<number> {
    const [{ n }] = await em.query('SELECT count(*)::int AS n FROM login_failures WHERE email = $1 AND at > $2', [email, since]);
    return n;
  }

  /** Locks the email until `until` (a later lock replaces an earlier one). */
  async lock(em: EntityManager, email: string, until: Date): Promise<void> {
    await em.query(
      `INSERT INTO account_lockouts (email, locked_until) VALUES ($1, $2)
         ON CONFLICT (email) DO UPDATE SET locked_until = EXCLUDED.locked_until`,
      [email, until],
    );
  }

  /** Forgets the email's failures (after a sign-in, or once they have locked it). */
  async clear(em: EntityManager, email: string): Promise<void> {
    await em.query('DELETE FROM login_failures WHERE email = $1', [email]);
  }
}
