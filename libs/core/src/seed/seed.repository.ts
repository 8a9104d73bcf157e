import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { User } from '../users/index.js';

/** The SQL of seeding (DESIGN §9). Takes `em` first and never opens a transaction. */
@Injectable()
export class SeedRepository {
  /**
   * One seeding at a time until the transaction `em` ends: instances starting together would
   * otherwise both find the platform organization missing and both create it.
   */
  async lockSeeding(em: EntityManager): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock(4711)');
  }

  /** Whether a user has this email, compared case-insensitively (users_email_key). */
  userExists(em: EntityManager, email: string): Promise<boolean> {
    return em.createQueryBuilder(User, 'u').where('lower(u.email) = lower(:email)', { email }).getExists();
  }
}
