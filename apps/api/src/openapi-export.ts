import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@passerelle/common';
import { createApp } from './app.js';
import { buildOpenApiDocument } from './http/openapi.js';

// Writes the OpenAPI document without a database (for `npm run openapi:lint`).
const out = process.argv[2] ?? 'openapi.json';
const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
  PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? 'https://passerelle.example',
  JWT_SECRET: process.env.JWT_SECRET ?? 'x'.repeat(48),
  DATA_ENCRYPTION_KEY: process.env.DATA_ENCRYPTION_KEY ?? `k0:${Buffer.alloc(32).toString('base64')}`,
  // A throwaway key: the document does not depend on it, but the configuration must be valid.
  LETTER_SIGNING_KEY: process.env.LETTER_SIGNING_KEY ?? `x0:${generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
});
const app = await createApp(config, { lazyDatabase: true });
writeFileSync(out, JSON.stringify(buildOpenApiDocument(app, config.publicBaseUrlConfigured ?? '/'), null, 2));
await app.close();
process.stdout.write(`OpenAPI document written to ${out}\n`);
