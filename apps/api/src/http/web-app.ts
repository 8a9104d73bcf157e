import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';

/** Paths the API owns: never answered with the web app, even for a browser. */
const API_PATHS = /^\/(?:api|docs|health)(?:[/?.-]|$)/;
/** Vite puts content-hashed files under assets/: a new build gets new names. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web app (apps/web/dist) at `/` (issue 20): hashed assets cached for a year,
 * index.html never stored (it names the current assets and a stale one would load the last
 * build), and any other GET a browser makes for a page outside the API answered with index.html
 * so that a deep link (/cases/…) or a reload opens the app on that page. Returns false when the
 * app is not built, leaving `/` to the API's 404.
 */
export async function serveWebApp(app: NestFastifyApplication, webDir: string): Promise<boolean> {
  if (!existsSync(join(webDir, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply: FastifyReply, path: string) => {
      reply.header('cache-control', path.includes(`${sep}assets${sep}`) ? IMMUTABLE : 'no-store');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!wantsThePage(req)) return;
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').sendFile('index.html');
  });
  return true;
}

/** A browser asking for a page no route serves (a file of dist has its own route). */
function wantsThePage(req: FastifyRequest): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    req.routeOptions.url === undefined &&
    !API_PATHS.test(req.url) &&
    (req.headers.accept ?? '').includes('text/html')
  );
}
