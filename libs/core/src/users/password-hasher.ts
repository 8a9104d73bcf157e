import { hash, verify } from '@node-rs/argon2';

/** argon2id at OWASP's minimum cost (m=19 MiB, t=2, p=1). */
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable under isolatedModules */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the account does not exist, so both paths cost one argon2 verification.
let dummy: Promise<string> | null = null;
export const dummyHash = (): Promise<string> => (dummy ??= hash('passerelle-timing-equaliser', OPTIONS));
