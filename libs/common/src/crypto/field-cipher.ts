import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../config/config-error.js';

export interface Sealed {
  keyId: string;
  /** iv (12) | tag (16) | ciphertext */
  data: Buffer;
}

/**
 * AES-256-GCM for the `sensitive` case section (DESIGN §7). Keys come from DATA_ENCRYPTION_KEY as
 * `<id>:<base64 32 bytes>`, comma-separated; the first encrypts, all decrypt, so keys rotate
 * without downtime (old rows are re-encrypted in batches). The record id is bound as associated
 * data: a ciphertext copied onto another record does not decrypt.
 */
export class FieldCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(spec: string) {
    for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
      const i = part.indexOf(':');
      const id = part.slice(0, i);
      const key = Buffer.from(part.slice(i + 1), 'base64');
      if (i < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
        throw new ConfigError('DATA_ENCRYPTION_KEY', 'must be <id>:<base64 of 32 bytes>[,<id>:<key>…]');
      }
      if (this.keys.has(id)) throw new ConfigError('DATA_ENCRYPTION_KEY', `lists key id ${id} twice`);
      this.keys.set(id, key);
    }
    if (!this.keys.size) throw new ConfigError('DATA_ENCRYPTION_KEY', 'holds no key');
    this.currentKeyId = [...this.keys.keys()][0];
  }

  encrypt(value: unknown, recordId: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(recordId));
    const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, data: Buffer.concat([iv, cipher.getAuthTag(), ct]) };
  }

  decrypt<T = unknown>(sealed: Sealed, recordId: string): T {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`encryption key ${sealed.keyId} is not configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.data.subarray(0, 12));
    decipher.setAAD(Buffer.from(recordId));
    decipher.setAuthTag(sealed.data.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(sealed.data.subarray(28)), decipher.final()]).toString('utf8')) as T;
  }
}

/**
 * AES-256-GCM under a raw 32-byte key (a per-case data key, issue 11): iv (12) | tag (16) |
 * ciphertext of the JSON value; `aad` binds it to its record.
 */
export function sealWithKey(key: Buffer, value: unknown, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value ?? null), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

/** The value sealed by sealWithKey; throws when the key, the aad or a byte is wrong. */
export function openWithKey<T = unknown>(key: Buffer, data: Buffer, aad: string): T {
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(data.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8')) as T;
}
