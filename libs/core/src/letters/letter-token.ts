import { createHash } from 'node:crypto';
import { type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import type { SigningKey } from '@passerelle/common';

/**
 * What the QR code of a letter carries (a compact JWS, EdDSA over Ed25519, `kid` in the header):
 * the letter id, serial, issuer and validity, and the holder's name and nationality, so that a
 * checkpoint offline can tell that the paper in front of it matches a letter really issued
 * (else a genuine QR code copied onto a forged letter would pass). Nothing else about the
 * person: no date of birth, no case data. Short claim names keep the QR code small.
 */
export interface LetterClaims {
  /** letter id */
  jti: string;
  /** serial number */
  sn: string;
  /** issuing organization's code */
  iss: string;
  /** valid from, valid until (dates, inclusive) */
  vf: string;
  vu: string;
  /** holder's full name and nationality (ISO 3166-1 alpha-3, or null) */
  hn: string;
  nat: string | null;
}

export const LETTER_TOKEN_TYPE = 'letter+jwt';
/** What a genuine token cannot exceed: anything longer is refused before any parsing. */
export const MAX_TOKEN_LENGTH = 2048;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function signLetterToken(key: SigningKey, claims: LetterClaims): Promise<string> {
  const { jti, ...rest } = claims;
  return new SignJWT({ ...rest }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: LETTER_TOKEN_TYPE }).setJti(jti).sign(key.privateKey);
}

/**
 * The claims of a token whose signature verifies with a listed key, or null — for anything else
 * (tampered, truncated, another key, `alg: none`, an HMAC made with the public key, junk) and
 * never an exception. Base64url has more than one spelling of some bytes (the unused low bits of
 * a segment's last character, `+` for `-`): only the canonical one is accepted, so that no
 * changed character of a token ever still verifies.
 */
export async function verifyLetterToken(token: string, keys: JWTVerifyGetKey): Promise<LetterClaims | null> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) return null;
  if (!token.split('.').every((s) => Buffer.from(s, 'base64url').toString('base64url') === s)) return null;
  try {
    const { payload } = await jwtVerify(token, keys, { algorithms: ['EdDSA'], typ: LETTER_TOKEN_TYPE });
    const c = payload as Partial<LetterClaims>;
    const text = (v: unknown, max = 200) => typeof v === 'string' && v.length > 0 && v.length <= max;
    if (!text(c.jti) || !UUID.test(c.jti!) || !text(c.sn) || !text(c.iss) || !text(c.hn, 500)) return null;
    if (!text(c.vf) || !DATE.test(c.vf!) || !text(c.vu) || !DATE.test(c.vu!) || !(c.nat === null || text(c.nat))) return null;
    return { jti: c.jti!, sn: c.sn!, iss: c.iss!, vf: c.vf!, vu: c.vu!, hn: c.hn!, nat: c.nat! };
  } catch {
    return null;
  }
}

/** `<base>/api/v1/public/letters/verify?token=…`: what the QR code opens. */
export const verificationUrl = (publicBaseUrl: string, token: string) => `${publicBaseUrl}/api/v1/public/letters/verify?token=${token}`;

/** The token of a verification URL, or the argument itself when it is no URL. */
export function tokenOf(tokenOrUrl: string): string {
  if (!/^https?:\/\//i.test(tokenOrUrl)) return tokenOrUrl.trim();
  try {
    return new URL(tokenOrUrl).searchParams.get('token') ?? '';
  } catch {
    return '';
  }
}

/**
 * What the register keeps of an anonymized case's token (issue 11): its SHA-256, not the JWS,
 * whose payload names the holder. A printed QR code still checks against it (letters.verify).
 */
export const tokenDigest = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex')}`;
