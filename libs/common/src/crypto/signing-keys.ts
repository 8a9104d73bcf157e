import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ConfigError } from '../config/config-error.js';

/** One Ed25519 key of a ring: its id (the JWS `kid`), the private key, and its public JWK. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' };
}

/**
 * Ed25519 signing keys from configuration as `<kid>:<base64 PKCS#8 DER>`, comma-separated: the
 * first signs, every one listed verifies and is published, so a new key can take over while
 * what the old ones signed keeps verifying until they are removed (DESIGN §6, rotation).
 */
export class SigningKeys {
  readonly keys: readonly SigningKey[];

  constructor(spec: string, variable: string) {
    const keys: SigningKey[] = [];
    for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
      const i = part.indexOf(':');
      const kid = part.slice(0, i);
      if (i < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw new ConfigError(variable, 'must be <id>:<base64 PKCS#8 DER of an Ed25519 key>[,<id>:<key>…]');
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey({ key: Buffer.from(part.slice(i + 1), 'base64'), format: 'der', type: 'pkcs8' });
      } catch {
        throw new ConfigError(variable, `key ${kid} is not a base64 PKCS#8 DER private key`);
      }
      if (privateKey.asymmetricKeyType !== 'ed25519') throw new ConfigError(variable, `key ${kid} is ${privateKey.asymmetricKeyType}, not Ed25519`);
      if (keys.some((k) => k.kid === kid)) throw new ConfigError(variable, `lists key id ${kid} twice`);
      const publicKey = createPublicKey(privateKey);
      const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
      keys.push({ kid, privateKey, publicKey, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } });
    }
    if (!keys.length) throw new ConfigError(variable, 'holds no key');
    this.keys = keys;
  }

  /** The key that signs now. */
  get current(): SigningKey {
    return this.keys[0];
  }

  /** A listed key by id, for verification; undefined for any other id. */
  byKid(kid: unknown): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }
}
