import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQuery } from '@passerelle/common';
import type { Role } from '../users/index.js';

/** A refresh_tokens row as PostgreSQL returns it. */
export interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

/** What a request's actor is made of: the user's current row and organization. */
export interface SessionActorRow {
  id: string;
  organization_id: string;
  roles: Role[];
  site_ids: string[];
  code: string;
  capabilities: string[];
}

/**
 * The SQL of sessions (issues 4, 28): refresh tokens, stored as SHA-256 hashes, in families (one
 * login's rotation chain), and the check every request makes that its session is still open.
 * Takes `em` first and never opens a transaction.
 */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly db: DataSource) {}

  async insert(em: EntityManager, token: { userId: string; familyId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await em.query('INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [token.userId, token.familyId, token.tokenHash, token.expiresAt]);
  }

  /** The token, row-locked until the transaction `em` ends: of two rotations of one token, the second sees it rotated. */
  async lockByHash(em: EntityManager, tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const [row] = await em.query('SELECT * FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE', [tokenHash]);
    return row;
  }

  /** The session the token belongs to, with its user's organization (for the audit), unlocked. */
  async findSession(em: EntityManager, tokenHash: string): Promise<{ family_id: string; user_id: string; organization_id: string } | undefined> {
    const [row] = await em.query('SELECT rt.family_id, rt.user_id, u.organization_id FROM refresh_tokens rt JOIN users u ON u.id = rt.user_id WHERE token_hash = $1', [tokenHash]);
    return row;
  }

  async markRotated(em: EntityManager, id: string, at: Date): Promise<void> {
    await em.query('UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1', [id, at]);
  }

  /** Ends a session: every token of the family not yet revoked. */
  async revokeFamily(em: EntityManager, familyId: string, at: Date): Promise<void> {
    await em.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [familyId, at]);
  }

  /**
   * The actor row of an access token: its user and organization, both active, while its session
   * (the family `sid`) is open; else undefined. Every request runs it: prepared once per
   * connection, straight on the pool (issue 12), never in a transaction.
   */
  async findSessionActor(userId: string, sid: string): Promise<SessionActorRow | undefined> {
    const [row] = await preparedQuery<SessionActorRow>(
      this.db,
      `SELECT u.id, u.organization_id, u.roles, u.site_ids, o.code, o.capabilities
       FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE u.id = :userId AND u.active AND o.active
         AND EXISTS (SELECT 1 FROM refresh_tokens rt WHERE rt.family_id = :sid AND rt.user_id = u.id AND rt.revoked_at IS NULL)`,
      { userId, sid },
    );
    return row;
  }
}
