/**
 * Deepest JSON nesting a body may have (our DTOs nest 4 levels). class-transformer copies a body
 * recursively, so a 300,000-deep array (600 kB, under the body limit) overflowed the stack: a 500
 * (issue 13, found by the fuzzing suite).
 */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of JSON text, counted without parsing it (brackets inside strings skipped). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
