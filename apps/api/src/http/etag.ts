import type { FastifyReply } from 'fastify';

/** The record's version as a strong ETag, for `If-Match` on its next edit (API.md "Concurrency"). */
export function withEtag<T>(reply: FastifyReply, version: number, body: T): T {
  reply.header('etag', `"${version}"`);
  return body;
}
