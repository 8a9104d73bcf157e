import { readFileSync } from 'node:fs';
import { Controller, Get, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { buildOpenApiDocument } from '../../apps/api/src/http/openapi.js';
import { exportedOpenApiDocument } from '../../apps/api/src/openapi-document.js';

/*
 * The web app's typed client is generated from the API's own OpenAPI (issue 20): the document
 * `npm run openapi:export` writes, rebuilt here in-process, must give every route a readable
 * unique operationId and every JSON 2xx a schema, and the committed types must be what
 * openapi-typescript makes of it today.
 */

type Ref = { $ref: string };
type Media = { schema?: Ref & { type?: string; format?: string; properties?: object; items?: object } };
type Response = Ref | { description: string; headers?: Record<string, object>; content?: Record<string, Media> };
type Operation = { operationId?: string; responses: Record<string, Response> };

const SCHEMA_FILE = new URL('../../apps/web/src/api/schema.d.ts', import.meta.url);
let doc: OpenAPIObject;
let operations: { route: string; op: Operation }[];

beforeAll(async () => {
  const before = process.env.PUBLIC_BASE_URL;
  process.env.PUBLIC_BASE_URL = 'https://somewhere.example';
  try {
    // Through JSON, as openapi:export writes it (no undefined members, no class instances).
    doc = JSON.parse(JSON.stringify(await exportedOpenApiDocument())) as OpenAPIObject;
  } finally {
    if (before === undefined) delete process.env.PUBLIC_BASE_URL;
    else process.env.PUBLIC_BASE_URL = before;
  }
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
  );
});

describe('the exported OpenAPI document (issue 20)', () => {
  it('depends on no environment: servers is `/` even with PUBLIC_BASE_URL set', () => {
    expect(doc.servers?.map((s) => s.url)).toEqual(['/']);
  });

  it('every operation has a readable operationId (camelCase, no controller class), none twice', () => {
    expect(operations.length).toBeGreaterThanOrEqual(129);
    const bad = operations.filter(({ op }) => !/^[a-z]+(?:[A-Z][a-z0-9]*)*$/.test(op.operationId ?? '')).map(({ route, op }) => `${route}: ${op.operationId}`);
    expect(bad).toEqual([]);
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const byRoute = Object.fromEntries(operations.map(({ route, op }) => [route, op.operationId]));
    expect(byRoute).toMatchObject({
      'GET /api/v1/cases': 'listCases',
      'GET /api/v1/cases/{id}': 'getCase',
      'POST /api/v1/cases': 'registerCase',
      'GET /api/v1/cases/{id}/notes': 'listCaseNotes',
      'POST /api/v1/auth/login': 'login',
      'POST /api/v1/auth/refresh': 'refreshSession',
      'GET /api/v1/me': 'getMe',
    });
  });

  it('no property with string facets (format, maxLength) is typed object: `string | null` fields are strings to the client', () => {
    const wrong: string[] = [];
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {}) as [string, { properties?: Record<string, Record<string, unknown>> }][]) {
      for (const [prop, p] of Object.entries(schema.properties ?? {})) {
        if (p.type === 'object' && !p.properties && !p.allOf && (p.format !== undefined || p.maxLength !== undefined)) wrong.push(`${name}.${prop}`);
      }
    }
    expect(wrong).toEqual([]);
    expect((doc.components!.schemas!.CaseDto as { properties: Record<string, object> }).properties.assignedTo).toMatchObject({ type: 'string', format: 'uuid', nullable: true });
  });

  it('every 2xx but 204 has a schema: a typed JSON body, or a PDF / CSV file', () => {
    const missing: string[] = [];
    for (const { route, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith('2') || '$ref' in response) continue;
        if (status === '204') {
          if (response.content) missing.push(`${route} ${status}: a 204 has no body`);
          continue;
        }
        if (!response.content || !Object.keys(response.content).length) missing.push(`${route} ${status}: no content`);
        for (const [type, media] of Object.entries(response.content ?? {})) {
          const s = media.schema;
          if (type === 'application/json') {
            if (!s || !(s.$ref || s.properties || s.items)) missing.push(`${route} ${status}: untyped JSON body`);
          } else if (type === 'application/pdf' || type === 'text/csv') {
            if (s?.type !== 'string') missing.push(`${route} ${status}: ${type} without a string schema`);
          } else {
            missing.push(`${route} ${status}: unexpected content type ${type}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('declares the rate-limit, request-id, Retry-After and ETag headers once, in components, and responses refer to them', () => {
    expect(Object.keys(doc.components?.headers ?? {}).sort()).toEqual(['ETag', 'Retry-After', 'Set-Cookie', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id']);
    const inline: string[] = [];
    const responses = [
      ...operations.flatMap(({ route, op }) => Object.entries(op.responses).map(([status, r]) => [`${route} ${status}`, r] as const)),
      ...Object.entries((doc.components?.responses ?? {}) as Record<string, Response>),
    ];
    for (const [where, r] of responses) {
      if ('$ref' in r) continue;
      const headers = r.headers ?? {};
      for (const name of ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id']) {
        if (!headers[name]) inline.push(`${where}: no ${name}`);
      }
      for (const [name, h] of Object.entries(headers)) {
        if ((h as Ref).$ref !== `#/components/headers/${name}` && name !== 'Content-Disposition') inline.push(`${where}: ${name} written inline`);
      }
    }
    expect(inline).toEqual([]);
    // The problem answers every route shares are references too, each with its Retry-After where due.
    const tooMany = doc.components?.responses?.TooManyRequests as { headers: Record<string, Ref> };
    expect(tooMany.headers['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
    expect(operations.every(({ op }) => (op.responses['429'] as Ref).$ref === '#/components/responses/TooManyRequests')).toBe(true);
  });

  it('apps/web/src/api/schema.d.ts is what openapi-typescript generates from it today', async () => {
    const expected = COMMENT_HEADER + astToString(await openapiTS(doc as never));
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (committed !== expected) {
      const a = committed.split('\n'), b = expected.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(
        `apps/web/src/api/schema.d.ts is stale against the API's OpenAPI document: run npm run client:generate and commit it ` +
          `(first difference at line ${line + 1}: committed ${JSON.stringify(a[line])}, expected ${JSON.stringify(b[line])})`,
      );
    }
  });
});

describe('building the document refuses a route without a name (issue 20)', () => {
  @Controller('unnamed')
  class UnnamedController {
    @Get()
    list() {
      return [];
    }
  }
  @Controller('other')
  class OtherController {
    @Post()
    create() {
      return {};
    }
  }

  async function appOf(...controllers: Function[]): Promise<NestFastifyApplication> {
    const moduleRef = await Test.createTestingModule({ controllers: controllers as never[] }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    return app;
  }

  it('throws for a route missing from OPERATION_IDS, naming it', async () => {
    const app = await appOf(UnnamedController);
    try {
      expect(() => buildOpenApiDocument(app, '/')).toThrow(/No operationId for UnnamedController\.list/);
      expect(buildOpenApiDocument(app, '/', { UnnamedController: { list: 'listUnnamed' } }).paths['/unnamed'].get?.operationId).toBe('listUnnamed');
    } finally {
      await app.close();
    }
  });

  it('throws when two routes share an operationId, naming both', async () => {
    const app = await appOf(UnnamedController, OtherController);
    try {
      expect(() => buildOpenApiDocument(app, '/', { UnnamedController: { list: 'sameName' }, OtherController: { create: 'sameName' } })).toThrow(
        'operationIds used by more than one route: sameName (GET /unnamed, POST /other)',
      );
    } finally {
      await app.close();
    }
  });
});
