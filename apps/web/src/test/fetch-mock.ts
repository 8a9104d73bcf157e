import { vi } from 'vitest';

/** One request the mocked fetch received, read once (the Request itself stays unread). */
export interface Call {
  method: string;
  path: string;
  headers: Headers;
  body: string;
  init?: RequestInit;
}

type Handler = (call: Call) => Response | Promise<Response>;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title: code, status, code, ...extra }), { status, headers: { 'content-type': 'application/problem+json' } });

/**
 * A fetch that answers by "METHOD /path" and records every call (method, path, headers, body
 * text). A route without a handler answers 404 ROUTE_NOT_FOUND, so a test never hangs on one.
 */
export function mockFetch(routes: Record<string, Handler> = {}) {
  const handlers = new Map(Object.entries(routes));
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const call: Call = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: new Headers(request.headers),
      body: await request.clone().text(),
      init,
    };
    calls.push(call);
    const handler = handlers.get(`${call.method} ${call.path}`);
    return handler ? handler(call) : problem(404, 'ROUTE_NOT_FOUND');
  });
  vi.stubGlobal('fetch', fn);
  return {
    fn,
    calls,
    on(route: string, handler: Handler) {
      handlers.set(route, handler);
    },
    to(route: string) {
      return calls.filter((c) => `${c.method} ${c.path}` === route);
    },
  };
}
