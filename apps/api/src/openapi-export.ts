import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { exportedOpenApiDocument } from './openapi-document.js';

// Writes the OpenAPI document without a database (for `npm run openapi:lint` and `npm run client:generate`).
const out = process.argv[2] ?? 'openapi.json';
writeFileSync(out, `${JSON.stringify(await exportedOpenApiDocument(), null, 2)}\n`);
process.stdout.write(`OpenAPI document written to ${out}\n`);
