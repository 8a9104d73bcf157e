import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import fr from './fr.json';

type Tree = { [key: string]: string | Tree };

/** Every leaf as `a.b.c` → value. */
function flatten(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of flatten(v as Tree, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

/** The API's error codes, read from its source (libs/common/src/errors/domain-error.ts: ERROR_CODES). */
function apiErrorCodes(): string[] {
  const source = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../../libs/common/src/errors/domain-error.ts'), 'utf8');
  const list = /export const ERROR_CODES\s*=\s*\[([\s\S]*?)\]\s*as const/.exec(source);
  if (!list) throw new Error('ERROR_CODES not found in libs/common/src/errors/domain-error.ts');
  return [...list[1]!.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
}

const frKeys = flatten(fr as Tree);
const enKeys = flatten(en as Tree);

describe('locales', () => {
  it('fr.json and en.json have exactly the same keys', () => {
    const onlyFr = [...frKeys.keys()].filter((k) => !enKeys.has(k));
    const onlyEn = [...enKeys.keys()].filter((k) => !frKeys.has(k));
    expect({ onlyFr, onlyEn }).toEqual({ onlyFr: [], onlyEn: [] });
  });

  it.each([
    ['fr', frKeys],
    ['en', enKeys],
  ])('%s.json has no empty value (every leaf a non-blank string)', (_lang, keys) => {
    const empty = [...keys].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('every error code of the API has its sentence in both languages (problems.<CODE>)', () => {
    const codes = apiErrorCodes();
    expect(codes.length).toBeGreaterThan(30);
    const missing = codes.flatMap((code) => [
      ...(frKeys.has(`problems.${code}`) ? [] : [`fr: problems.${code}`]),
      ...(enKeys.has(`problems.${code}`) ? [] : [`en: problems.${code}`]),
    ]);
    expect(missing).toEqual([]);
  });

  it('the codes of our own (no answer, a bad answer) and the fallbacks exist too', () => {
    for (const key of ['problems.NETWORK', 'problems.SERVER_ERROR', 'problems.UNEXPECTED_ANSWER', 'problems.generic', 'problems.invalidField']) {
      expect(frKeys.has(key), key).toBe(true);
      expect(enKeys.has(key), key).toBe(true);
    }
  });

  it('a sentence and its translation use the same {{placeholders}}', () => {
    const vars = (s: unknown) => [...String(s).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
    const differ = [...frKeys].filter(([k, v]) => enKeys.has(k) && JSON.stringify(vars(v)) !== JSON.stringify(vars(enKeys.get(k)))).map(([k]) => k);
    expect(differ).toEqual([]);
  });
});
