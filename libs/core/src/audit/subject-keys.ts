import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, FieldCipher } from '@passerelle/common';
import { type SubjectKeyRow, SubjectKeysRepository } from './subject-keys.repository.js';

const aadOf = (caseId: string) => `subject-key:${caseId}`;

/**
 * One random AES-256 data key per case (`subject_keys`), wrapped under the configured master key
 * (DATA_ENCRYPTION_KEY, FieldCipher): the audit trail's personal values are sealed under it.
 * Destroying the key (anonymization) erases them from the append-only trail without touching a
 * row of it — crypto-shredding (issue 11). Made on the first event that needs it.
 */
@Injectable()
export class SubjectKeys {
  constructor(
    private readonly db: DataSource,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly repo: SubjectKeysRepository,
  ) {}

  /** The case's data key, made now if it has none. Concurrent first writers agree on one key. */
  async forWrite(em: EntityManager, caseId: string): Promise<Buffer> {
    const fresh = randomBytes(32);
    const wrapped = this.cipher.encrypt(fresh.toString('base64'), aadOf(caseId));
    // Inserted, or the one already visible; one committed by a concurrent writer after this
    // statement's snapshot is read by the second SELECT.
    let row = await this.repo.insertOrGet(em, caseId, wrapped.keyId, wrapped.data, this.clock.now());
    if (!row) row = await this.repo.find(em, caseId);
    if (!row) throw new Error(`no subject key for case ${caseId}`);
    return this.unwrap(row);
  }

  /** The data keys that still exist, by case id; a destroyed one is simply absent. */
  async forRead(em: EntityManager, caseIds: readonly string[]): Promise<Map<string, Buffer>> {
    if (!caseIds.length) return new Map();
    const rows = await this.repo.findMany(em, caseIds);
    return new Map(rows.map((r) => [r.case_id, this.unwrap(r)]));
  }

  /** Crypto-shredding: the database refuses it unless the cases are anonymized (trigger subject_keys_guard). */
  async destroy(em: EntityManager, caseIds: readonly string[]): Promise<number> {
    if (!caseIds.length) return 0;
    return this.repo.delete(em, caseIds);
  }

  /** Re-wraps keys wrapped under an older master key (key rotation, with cases.reencrypt-sensitive). */
  async rewrap(batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.db.transaction(async (em) => {
        const rows = await this.repo.lockWrappedUnderOther(em, this.cipher.currentKeyId, batch);
        for (const r of rows) {
          const sealed = this.cipher.encrypt(this.unwrap(r).toString('base64'), aadOf(r.case_id));
          await this.repo.updateWrapping(em, r.case_id, sealed.keyId, sealed.data);
        }
        return rows.length;
      });
      total += n;
      if (n < batch) return total;
    }
  }

  private unwrap(r: SubjectKeyRow): Buffer {
    return Buffer.from(this.cipher.decrypt<string>({ keyId: r.key_id, data: r.wrapped_key }, aadOf(r.case_id)), 'base64');
  }
}
