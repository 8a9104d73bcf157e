import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createLocalJWKSet, type JWTVerifyGetKey, SignJWT } from 'jose';
import { SigningKeys } from '@passerelle/common';
import { type LetterClaims, signLetterToken, tokenOf, verificationUrl, verifyLetterToken } from './letter-token.js';

const der = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
const ring = (spec: string) => new SigningKeys(spec, 'LETTER_SIGNING_KEY');
const resolver = (keys: SigningKeys): JWTVerifyGetKey => async (header) => {
  const k = keys.byKid(header.kid);
  if (!k) throw new Error('unknown kid');
  return k.publicKey;
};
const b64 = (v: object | string) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

const claims: LetterClaims = {
  jti: '0b9a4c1e-6a57-4e43-9c55-1f0c3f3f2a10',
  sn: 'MDM-GAO-L-2026-00001',
  iss: 'MDM-GAO',
  vf: '2026-11-23',
  vu: '2026-12-10',
  hn: 'Aminata Traoré',
  nat: 'GIN',
};

const l1 = ring(`l1:${der()}`);
let token: string;
beforeAll(async () => {
  token = await signLetterToken(l1.current, claims);
});

describe('letter tokens (compact JWS, EdDSA, kid)', () => {
  it('carry the letter id, serial, issuer, validity, holder name and nationality, and nothing else', async () => {
    const [header, payload] = token.split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    expect(header).toEqual({ alg: 'EdDSA', kid: 'l1', typ: 'letter+jwt' });
    expect(Object.keys(payload).sort()).toEqual(['hn', 'iss', 'jti', 'nat', 'sn', 'vf', 'vu']);
    expect(await verifyLetterToken(token, resolver(l1))).toEqual(claims);
  });

  it('every one changed character anywhere in the token → invalid (all positions, base64url look-alikes included)', async () => {
    const replacements = [...'AQgwBRhx019_-+/=. %'];
    let tried = 0;
    for (let i = 0; i < token.length; i++) {
      for (const r of replacements) {
        if (r === token[i]) continue;
        const changed = token.slice(0, i) + r + token.slice(i + 1);
        expect({ i, r, claims: await verifyLetterToken(changed, resolver(l1)) }).toEqual({ i, r, claims: null });
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(token.length * 15);
  });

  it('every value of the signature’s last character but its own → invalid (unused low bits are no way in)', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const c of alphabet) {
      if (c === token.at(-1)) continue;
      expect(await verifyLetterToken(token.slice(0, -1) + c, resolver(l1))).toBeNull();
    }
  });

  it('every truncation → invalid', async () => {
    for (let n = 0; n < token.length; n++) expect(await verifyLetterToken(token.slice(0, n), resolver(l1))).toBeNull();
  });

  it('a token signed by another key, even under a listed kid → invalid', async () => {
    const other = ring(`l1:${der()}`);
    expect(await verifyLetterToken(await signLetterToken(other.current, claims), resolver(l1))).toBeNull();
    const stranger = ring(`zz:${der()}`);
    expect(await verifyLetterToken(await signLetterToken(stranger.current, claims), resolver(l1))).toBeNull();
  });

  it('alg none → invalid', async () => {
    const [, payload] = token.split('.');
    for (const alg of ['none', 'None', 'NONE']) {
      const header = b64({ alg, kid: 'l1', typ: 'letter+jwt' });
      expect(await verifyLetterToken(`${header}.${payload}.`, resolver(l1))).toBeNull();
      expect(await verifyLetterToken(`${header}.${payload}.${token.split('.')[2]}`, resolver(l1))).toBeNull();
    }
  });

  it('an HS256 token whose secret is the published public key (JWK x, raw bytes, PEM) → invalid', async () => {
    const pub = l1.current.publicKey;
    const secrets = [
      Buffer.from(l1.current.jwk.x),
      Buffer.from(l1.current.jwk.x, 'base64url'),
      Buffer.from(pub.export({ format: 'pem', type: 'spki' }) as string),
      Buffer.from(JSON.stringify(l1.current.jwk)),
    ];
    for (const secret of secrets) {
      const forged = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', kid: 'l1', typ: 'letter+jwt' }).sign(secret);
      expect(await verifyLetterToken(forged, resolver(l1))).toBeNull();
      // Hand-made too, in case a library would refuse to produce it.
      const input = `${b64({ alg: 'HS256', kid: 'l1', typ: 'letter+jwt' })}.${b64(claims)}`;
      expect(await verifyLetterToken(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`, resolver(l1))).toBeNull();
    }
  });

  it('a token of another type, or with malformed claims, signed by the key → invalid', async () => {
    const typ = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'EdDSA', kid: 'l1', typ: 'JWT' }).sign(l1.current.privateKey);
    expect(await verifyLetterToken(typ, resolver(l1))).toBeNull();
    for (const bad of [{ jti: 'not-a-uuid' }, { vf: 'tomorrow' }, { hn: 42 }, { sn: '' }, { nat: 7 }]) {
      expect(await verifyLetterToken(await signLetterToken(l1.current, { ...claims, ...(bad as object) } as LetterClaims), resolver(l1))).toBeNull();
    }
  });

  it('junk of every kind → invalid, never an exception', async () => {
    const junk = ['', '.', '..', 'a.b.c', 'a.b', 'a.b.c.d', '%%%', '\u0000', token.replaceAll('.', ''), `${token}.`, ` ${token}`, `${token} `, randomBytes(10_240).toString('base64url'), 'x'.repeat(10_240)];
    for (const j of junk) expect(await verifyLetterToken(j, resolver(l1))).toBeNull();
    expect(await verifyLetterToken(undefined as unknown as string, resolver(l1))).toBeNull();
  });

  it('rotation: a letter signed with an older key still verifies while that key is listed', async () => {
    const old = await signLetterToken(l1.current, claims);
    const spec = `l2:${der()}`;
    const rotated = ring(`${spec},l1:${l1.current.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`);
    expect(rotated.current.kid).toBe('l2');
    expect(await verifyLetterToken(old, resolver(rotated))).toEqual(claims);
    expect(await verifyLetterToken(await signLetterToken(rotated.current, claims), resolver(rotated))).toEqual(claims);
    // Retired: no longer listed, no longer valid.
    expect(await verifyLetterToken(old, resolver(ring(spec)))).toBeNull();
  });

  it('verifies offline against the published JWKS alone', async () => {
    expect(await verifyLetterToken(token, createLocalJWKSet({ keys: l1.keys.map((k) => k.jwk) }))).toEqual(claims);
    expect(await verifyLetterToken(token, createLocalJWKSet({ keys: ring(`l1:${der()}`).keys.map((k) => k.jwk) }))).toBeNull();
  });

  it('verification URLs round-trip to their token', () => {
    const url = verificationUrl('https://passerelle.example', token);
    expect(url).toBe(`https://passerelle.example/api/v1/public/letters/verify?token=${token}`);
    expect(tokenOf(url)).toBe(token);
    expect(tokenOf(` ${token} `)).toBe(token);
    expect(tokenOf('https://passerelle.example/api/v1/public/letters/verify')).toBe('');
  });
});
