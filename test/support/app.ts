import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { type AppConfig, type Clock, loadConfig } from '@passerelle/common';
import { createApp } from '../../apps/api/src/app.js';
import { createTestDatabase, TestDb } from './db.js';

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    DATA_ENCRYPTION_KEY: 'k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
    LETTER_SIGNING_KEY: '',
    PUBLIC_BASE_URL: 'https://passerelle.test',
    // Whether apps/web is built in this checkout must not change what the API tests see.
    WEB_DIR: '/nonexistent/passerelle-web',
    ...env,
  });
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  db: TestDb;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The production app (same pipeline as main.ts) on a fresh database of its own. */
export async function startTestApp(options: { clock?: Clock; env?: Record<string, string>; imports?: (Type | DynamicModule)[]; databaseUrl?: string } = {}): Promise<TestApp> {
  const url = options.databaseUrl ?? (await createTestDatabase());
  const config = testConfig(url, options.env);
  const app = await createApp(config, { clock: options.clock, imports: options.imports });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = new TestDb(url);
  return {
    app,
    config,
    db,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** Asserts the RFC 9457 shape every error must have and returns the body. */
export function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String) });
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+|QueryFailedError|SELECT |stack/);
  return res.body;
}

/** A fixed clock tests can move. */
export class FixedClock {
  constructor(private current: Date = new Date('2026-11-23T08:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
