/**
 * Paths pino removes from every log line: credentials, tokens and the `sensitive` case section
 * must never reach a log (issue 3, DESIGN §7).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  '*.newPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  'sensitive',
  '*.sensitive',
  'req.query.token',
];

/** Query strings may carry tokens (letter verification): log the path only. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const i = url.indexOf('?');
  return i === -1 ? url : `${url.slice(0, i)}?…`;
}
