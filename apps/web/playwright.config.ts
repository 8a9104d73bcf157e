import chromium from '@sparticuz/chromium';
import { defineConfig } from '@playwright/test';
import { BASE_URL_VAR } from './e2e/support/env';

/**
 * End-to-end tests in a real browser against the real API (issue 20). The browser is the
 * Chromium inside the npm package @sparticuz/chromium (`npx playwright install` cannot download
 * here: ../../shared/STACK-WEB.md). npm test builds the API and the web app first; the global
 * setup starts the API on a throwaway embedded PostgreSQL with the demo seed.
 */
const executablePath = await chromium.executablePath();
const args = [
  // Its defaults are for one-shot serverless runs: --single-process kills the browser when the
  // first context closes, and the web-security ones would hide CSP and CORS bugs.
  ...chromium.args.filter((a) => !/^--(single-process|disable-web-security|allow-running-insecure-content|disable-site-isolation-trials|headless)/.test(a)),
  // Nothing in the background: this machine's network is closed, and a test talks to its API only.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-default-apps',
  '--no-first-run',
  '--disable-gpu',
];

const jsonReport = process.env.PLAYWRIGHT_JSON_REPORT;

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  globalSetup: './e2e/support/global-setup.ts',
  globalTeardown: './e2e/support/global-teardown.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  reporter: jsonReport ? [['list'], ['json', { outputFile: jsonReport }]] : [['list']],
  use: {
    baseURL: process.env[BASE_URL_VAR],
    headless: true,
    locale: 'fr-FR',
    timezoneId: 'Africa/Bamako',
    launchOptions: { executablePath, args },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'phone', use: { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
    { name: 'desktop', use: { viewport: { width: 1366, height: 768 } } },
  ],
});
