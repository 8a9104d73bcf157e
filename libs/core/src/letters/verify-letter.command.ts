import { readFileSync } from 'node:fs';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { checkpointResult, maliToday } from './letter-status.js';
import { tokenOf, verifyLetterToken } from './letter-token.js';

export const VERIFY_LETTER_USAGE = `Usage: npm run verify-letter -- <token-or-verification-url> [--jwks <file-or-url>] [--json]

Checks a letter of indulgence's signature against the published public keys, offline:
  --jwks <file>   the keys saved from GET /api/v1/public/letters/keys while online
  --jwks <url>    fetch them now (default for a verification URL: its server's keys)
  --json          print the result as JSON
Exit code: 0 genuine and in force today, 1 anything else, 2 a usage error.`;

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now: Date;
  fetch?: typeof fetch;
}

function parse(argv: string[]): { token: string; jwks: string | null; json: boolean } | string {
  let jwks: string | null = null;
  let json = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = true;
    else if (argv[i] === '--jwks') {
      jwks = argv[++i] ?? '';
      if (!jwks) return '--jwks needs a file or a URL';
    } else if (argv[i].startsWith('--')) return `unknown option ${argv[i]}`;
    else rest.push(argv[i]);
  }
  if (rest.length !== 1) return 'give exactly one token or verification URL';
  if (!jwks && /^https?:\/\//i.test(rest[0])) jwks = `${new URL(rest[0]).origin}/api/v1/public/letters/keys`;
  if (!jwks) return 'give --jwks <file> (the keys saved from /api/v1/public/letters/keys)';
  return { token: tokenOf(rest[0]), jwks, json };
}

async function loadJwks(source: string, io: CommandIo): Promise<JSONWebKeySet> {
  if (/^https?:\/\//i.test(source)) {
    const res = await (io.fetch ?? fetch)(source, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${source} answered ${res.status}`);
    return (await res.json()) as JSONWebKeySet;
  }
  return JSON.parse(readFileSync(source, 'utf8')) as JSONWebKeySet;
}

/**
 * `verify-letter` (issue 8): a checkpoint without a connection checks a letter's QR code against
 * the public keys it saved. Offline, a revocation or a newer letter cannot be seen: a genuine
 * letter in its validity is reported as valid *offline*, and the output says so.
 */
export async function verifyLetterCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string') {
    io.err(`verify-letter: ${args}\n\n${VERIFY_LETTER_USAGE}`);
    return 2;
  }
  let keys: ReturnType<typeof createLocalJWKSet>;
  try {
    keys = createLocalJWKSet(await loadJwks(args.jwks!, io));
  } catch (e) {
    io.err(`verify-letter: cannot read the public keys from ${args.jwks}: ${(e as Error).message}`);
    return 2;
  }
  const claims = await verifyLetterToken(args.token, keys);
  if (!claims) {
    if (args.json) io.out(JSON.stringify({ result: 'invalid' }));
    else io.out('INVALID: the signature does not verify with the published keys. Do not accept this letter.');
    return 1;
  }
  const today = maliToday(io.now);
  const result = checkpointResult({ status: 'active', validFrom: claims.vf, validUntil: claims.vu }, today);
  if (args.json) {
    io.out(
      JSON.stringify({
        result,
        offline: true,
        serialNumber: claims.sn,
        holder: { fullName: claims.hn, nationality: claims.nat },
        issuer: { code: claims.iss },
        validFrom: claims.vf,
        validUntil: claims.vu,
      }),
    );
  } else {
    const verdict = { valid: 'VALID', expired: 'EXPIRED', not_yet_valid: 'NOT YET VALID', revoked: 'REVOKED', superseded: 'SUPERSEDED' }[result];
    io.out(`Signature: genuine (issued by ${claims.iss})`);
    io.out(`Serial:    ${claims.sn}`);
    io.out(`Holder:    ${claims.hn}${claims.nat ? ` (${claims.nat})` : ''}`);
    io.out(`Validity:  ${claims.vf} to ${claims.vu}, inclusive`);
    io.out(`Result:    ${verdict} on ${today} (offline: a revocation or a newer letter shows only online)`);
  }
  return result === 'valid' ? 0 : 1;
}
