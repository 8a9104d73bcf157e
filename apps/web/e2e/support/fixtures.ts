import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_URL_VAR, DEMO_PASSWORD } from './env';

export { expect, DEMO_PASSWORD };

const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../screenshots');

/** A full-page PNG at apps/web/e2e/screenshots/<project>/<name>.png (git-ignored). */
export async function shot(page: Page, name: string): Promise<string> {
  const file = join(SCREENSHOTS, base.info().project.name, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/** The WCAG 2.1 A and AA rules axe checks. */
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the page as it is now and fails on any serious or critical violation, naming the
 * rule ids, their targets and `label` (the screen being checked). Everything axe found is
 * attached to the test report.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  await base.info().attach(`axe-${label}`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const message = [
    `${serious.length} serious or critical accessibility violation(s) on "${label}":`,
    ...serious.map((v) => `  - ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ].join('\n');
  expect(serious, message).toEqual([]);
}

/**
 * Signs in through the French sign-in page like a person would: opens `/` (which sends a
 * signed-out visitor to the sign-in page), fills both fields, presses the button, and waits for
 * the home page's "Bonjour …" heading.
 */
export async function signIn(page: Page, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Adresse e-mail' }).fill(email);
  await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Bonjour/ })).toBeVisible();
}

interface Fixtures {
  /** `shot(page, name)` as a fixture, for those who prefer it to the import. */
  shot: (page: Page, name: string) => Promise<string>;
}

export const test = base.extend<Fixtures>({
  // The API the global setup started (its port is chosen at run time).
  baseURL: async ({ baseURL }, use) => {
    await use(process.env[BASE_URL_VAR] ?? baseURL);
  },
  shot: async ({}, use) => {
    await use(shot);
  },
});
