import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiParam, type ApiParamOptions } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AppConfig, DomainError, validationFailed } from '@passerelle/common';
import type { Session } from '@passerelle/core';

/*
 * The browser session (API.md "Browser session and permitted actions", issue 20): the web app
 * keeps its access token in memory only, and its refresh token in an HttpOnly cookie that script
 * cannot read. The cookie is used only on requests carrying X-Requested-With: passerelle-web:
 * a cross-site form, link or image cannot send a custom header, and a cross-site fetch that
 * does is preflighted, which the API (no CORS) refuses. Other clients keep the token in the body.
 */
export const WEB_CLIENT_HEADER = 'x-requested-with';
export const WEB_CLIENT = 'passerelle-web';
export const REFRESH_COOKIE = 'passerelle_refresh';
/** The only routes that read it, and so the only ones the browser sends it to. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
/** What issue() makes (32 random bytes, base64url), within the body DTO's limit. */
const TOKEN = /^[A-Za-z0-9_-]{1,100}$/;

type CookieConfig = Pick<AppConfig, 'publicBaseUrl' | 'refreshTokenTtlDays'>;
type Headers = { headers: Record<string, string | string[] | undefined> };

export const isWebClient = (req: Headers): boolean => req.headers[WEB_CLIENT_HEADER] === WEB_CLIENT;

/** The cookie's value as sent, or undefined; of several with that name, the first (the longest path). */
export function refreshCookie(req: Headers): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === REFRESH_COOKIE) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

function serialize(value: string, maxAgeSeconds: number, config: CookieConfig): string {
  // Secure like HSTS in app.ts: over plain http on a centre's LAN a Secure cookie would never be stored.
  const secure = config.publicBaseUrl.startsWith('https:') ? ['Secure'] : [];
  return [`${REFRESH_COOKIE}=${value}`, 'HttpOnly', 'SameSite=Strict', `Path=${REFRESH_COOKIE_PATH}`, `Max-Age=${maxAgeSeconds}`, ...secure].join('; ');
}

/** Lives as long as the refresh token it holds (each rotation issues one for the full lifetime). */
export function setRefreshCookie(reply: FastifyReply, token: string, config: CookieConfig): void {
  void reply.header('set-cookie', serialize(token, config.refreshTokenTtlDays * 86_400, config));
}

export function clearRefreshCookie(reply: FastifyReply, config: CookieConfig): void {
  void reply.header('set-cookie', serialize('', 0, config));
}

/** The web app's answer: the refresh token goes into the cookie, never into the body script reads. */
export function toWebSession(reply: FastifyReply, session: Session, config: CookieConfig): Omit<Session, 'refreshToken'> {
  const { refreshToken, ...rest } = session;
  setRefreshCookie(reply, refreshToken, config);
  return rest;
}

export type TokenSource = { web: true; token: string | null } | { web: false; token: string };

/**
 * Where the refresh token of a refresh or a sign-out comes from. With the web header: from the
 * cookie only (null when absent or not shaped like ours), and a body token too is refused (400):
 * the web app never holds one, so it is a confused client or a token that leaked to script, and
 * silently preferring either would hide it. Without the header: from the body only; the cookie
 * alone is refused (403 CSRF_HEADER_REQUIRED), so a cross-site request cannot ride on it.
 */
export function refreshTokenFrom(req: Headers, bodyToken: string | undefined): TokenSource {
  if (isWebClient(req)) {
    if (bodyToken !== undefined) {
      throw validationFailed([{ field: 'refreshToken', message: `with X-Requested-With: ${WEB_CLIENT} the refresh token is read from its cookie; send no refreshToken in the body` }]);
    }
    const cookie = refreshCookie(req);
    return { web: true, token: cookie !== undefined && TOKEN.test(cookie) ? cookie : null };
  }
  if (bodyToken !== undefined) return { web: false, token: bodyToken };
  if (refreshCookie(req) !== undefined) {
    throw new DomainError('CSRF_HEADER_REQUIRED', `The session cookie is accepted only with the header X-Requested-With: ${WEB_CLIENT}`);
  }
  throw validationFailed([{ field: 'refreshToken', message: `refreshToken is required (or, from the web app, X-Requested-With: ${WEB_CLIENT} with the session cookie)` }]);
}

// ---- OpenAPI ---------------------------------------------------------------------------------
export const WEB_CLIENT_HEADER_DOC = ApiHeader({
  name: 'X-Requested-With',
  required: false,
  enum: [WEB_CLIENT],
  description: `\`${WEB_CLIENT}\`: the browser session. The refresh token travels in the HttpOnly cookie \`${REFRESH_COOKIE}\` (Path=${REFRESH_COOKIE_PATH}), never in the body; the header is the CSRF check. Without it, the refresh token travels in the body and the cookie is ignored.`,
});

export const REFRESH_COOKIE_DOC = ApiParam({
  name: REFRESH_COOKIE,
  in: 'cookie',
  required: false,
  schema: { type: 'string', maxLength: 100, pattern: TOKEN.source },
  description: `The refresh token set by a sign-in with X-Requested-With: ${WEB_CLIENT}; read only with that header (without it and without a body token: 403 CSRF_HEADER_REQUIRED)`,
} as ApiParamOptions);

/** The Set-Cookie a web sign-in, refresh or sign-out answers with (`cleared`: Max-Age=0, no value). */
/** The refresh cookie as a response header, declared once in components.headers (apps/api/src/http/openapi.ts). */
export const SET_COOKIE_HEADER = {
  description: `With X-Requested-With: ${WEB_CLIENT}: the refresh token set or rotated (for its lifetime), or cleared (empty, Max-Age=0) on sign-out and refusal; Secure when PUBLIC_BASE_URL is https`,
  schema: {
    type: 'string',
    maxLength: 300,
    pattern: `^${REFRESH_COOKIE}=[A-Za-z0-9_-]{0,100}; HttpOnly; SameSite=Strict; Path=${REFRESH_COOKIE_PATH}; Max-Age=\\d+(; Secure)?$`,
    example: `${REFRESH_COOKIE}=Zm9yLWV4YW1wbGUtb25seS1ub3QtYS10b2tlbg; HttpOnly; SameSite=Strict; Path=${REFRESH_COOKIE_PATH}; Max-Age=1209600; Secure`,
  },
};
/** `headers` of a response that sets or clears the refresh cookie. */
export const SET_COOKIE = { 'Set-Cookie': { $ref: '#/components/headers/Set-Cookie' } };

export const WebSession = (options: { readsCookie: boolean }) => applyDecorators(WEB_CLIENT_HEADER_DOC, ...(options.readsCookie ? [REFRESH_COOKIE_DOC] : []));
