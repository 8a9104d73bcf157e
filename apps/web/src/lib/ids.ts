/**
 * A random UUID v4 for Idempotency-Key. Not crypto.randomUUID: it exists only in secure contexts,
 * and a centre's LAN address over plain http (http://192.168.1.20:3000) is not one.
 */
export function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One key per submission: kept while the outcome is unknown (no answer: the retry must not make
 * a second record), replaced once the server has answered (a refusal created nothing).
 */
export class SubmissionKey {
  private key = newIdempotencyKey();
  get current() {
    return this.key;
  }
  answered() {
    this.key = newIdempotencyKey();
  }
}
