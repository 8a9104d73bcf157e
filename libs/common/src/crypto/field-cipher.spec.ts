import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config/config.js';
import { FieldCipher } from './field-cipher.js';

const key = () => randomBytes(32).toString('base64');

describe('FieldCipher', () => {
  const k1 = `k1:${key()}`;
  const k2 = `k2:${key()}`;

  it('round-trips and never leaves the plaintext in the ciphertext', () => {
    const c = new FieldCipher(k1);
    const sealed = c.encrypt({ narrative: 'trafficked between Agadez and Gao' }, 'case-1');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.data.toString('utf8')).not.toContain('trafficked');
    expect(c.decrypt(sealed, 'case-1')).toEqual({ narrative: 'trafficked between Agadez and Gao' });
  });

  it('binds the ciphertext to its record', () => {
    const c = new FieldCipher(k1);
    expect(() => c.decrypt(c.encrypt({ a: 1 }, 'case-1'), 'case-2')).toThrow();
  });

  it('detects tampering', () => {
    const c = new FieldCipher(k1);
    const sealed = c.encrypt({ a: 1 }, 'r');
    sealed.data[sealed.data.length - 1] ^= 1;
    expect(() => c.decrypt(sealed, 'r')).toThrow();
  });

  it('rotates: the first key encrypts, older keys still decrypt', () => {
    const old = new FieldCipher(k1).encrypt({ a: 1 }, 'r');
    const rotated = new FieldCipher(`${k2},${k1}`);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.decrypt(old, 'r')).toEqual({ a: 1 });
    expect(rotated.encrypt({ a: 1 }, 'r').keyId).toBe('k2');
  });

  it.each(['', 'nokey', 'k1:c2hvcnQ=', `bad id:${key()}`, `${k1},${k1}`])('refuses the key spec %p', (spec) => {
    expect(() => new FieldCipher(spec)).toThrow(ConfigError);
  });
});
