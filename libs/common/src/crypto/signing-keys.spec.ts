import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { ConfigError } from '../config/config.js';
import { SigningKeys } from './signing-keys.js';

const der = (type: 'ed25519' | 'ed448' | 'x25519' = 'ed25519') => generateKeyPairSync(type as 'ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

describe('SigningKeys', () => {
  it('the first key signs; every listed key is published as an Ed25519 JWK and found by its id', () => {
    const ring = new SigningKeys(`l2:${der()}, l1:${der()}`, 'LETTER_SIGNING_KEY');
    expect(ring.current.kid).toBe('l2');
    expect(ring.keys.map((k) => k.jwk)).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: 'l2', alg: 'EdDSA', use: 'sig' },
      { kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: 'l1', alg: 'EdDSA', use: 'sig' },
    ]);
    expect(ring.byKid('l1')?.kid).toBe('l1');
    expect(ring.byKid('l3')).toBeUndefined();
    expect(ring.byKid(undefined)).toBeUndefined();
    const signature = sign(null, Buffer.from('m'), ring.byKid('l1')!.privateKey);
    expect(verify(null, Buffer.from('m'), ring.byKid('l1')!.publicKey, signature)).toBe(true);
    expect(verify(null, Buffer.from('m'), ring.current.publicKey, signature)).toBe(false);
  });

  it('never publishes the private part', () => {
    const ring = new SigningKeys(`l1:${der()}`, 'LETTER_SIGNING_KEY');
    expect(Object.keys(ring.current.jwk)).not.toContain('d');
  });

  it.each([
    ['empty', ''],
    ['no id', der()],
    ['a bad id', `bad id:${der()}`],
    ['not DER', 'l1:bm90IGEga2V5'],
    ['another curve', `l1:${der('ed448')}`],
    ['a key-agreement key', `l1:${der('x25519')}`],
  ])('refuses %s, naming the variable', (_, spec) => {
    let caught: unknown;
    try {
      new SigningKeys(spec, 'LETTER_SIGNING_KEY');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe('LETTER_SIGNING_KEY');
  });

  it('refuses a key id listed twice', () => {
    expect(() => new SigningKeys(`l1:${der()},l1:${der()}`, 'LETTER_SIGNING_KEY')).toThrow(/twice/);
  });
});
