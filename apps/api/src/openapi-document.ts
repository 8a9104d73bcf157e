import 'reflect-metadata';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@passerelle/common';
import { createApp } from './app.js';
import { buildOpenApiDocument } from './http/openapi.js';

/** A fixed Ed25519 key (PKCS#8 DER of a constant seed): the configuration must be valid, the document does not depend on it. */
const THROWAWAY_SIGNING_KEY = `x0:${Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 1)]).toString('base64')}`;

/**
 * The OpenAPI document as `npm run openapi:export` writes it and the web client's types are
 * generated from (`npm run client:generate`): built without a database and from fixed settings,
 * never the environment (servers `/`, not PUBLIC_BASE_URL), so every machine gets the same
 * bytes and the freshness test of apps/web/src/api/schema.d.ts can rebuild it in-process.
 */
export async function exportedOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    JWT_SECRET: 'x'.repeat(48),
    DATA_ENCRYPTION_KEY: `k0:${Buffer.alloc(32).toString('base64')}`,
    LETTER_SIGNING_KEY: THROWAWAY_SIGNING_KEY,
  });
  const app = await createApp(config, { lazyDatabase: true });
  try {
    return buildOpenApiDocument(app, '/');
  } finally {
    await app.close();
  }
}
