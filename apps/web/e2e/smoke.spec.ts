import { expect, expectAccessible, shot, signIn, test } from './support/fixtures';

/**
 * The harness itself, on the phone and the desktop: the built app is served at `/` by the real
 * API, the sign-in page speaks French and passes axe, a wrong password is a sentence, a demo
 * caseworker gets in, no token is left where a script could read it, /docs is still the API's.
 */
const CASEWORKER = 'caseworker@iom-ml.example.org';

test.describe('smoke', () => {
  test('the sign-in page at / renders in French and is accessible', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Adresse e-mail' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Mot de passe', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Se connecter' })).toBeVisible();
    await expectAccessible(page, 'sign-in');
    await shot(page, 'sign-in');
  });

  test('a wrong password shows the sentence for INVALID_CREDENTIALS and keeps the email', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('textbox', { name: 'Adresse e-mail' }).fill(CASEWORKER);
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill('not-the-right-password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('alert')).toHaveText('Adresse e-mail ou mot de passe incorrect.');
    await expect(page.getByRole('textbox', { name: 'Adresse e-mail' })).toHaveValue(CASEWORKER);
    await expectAccessible(page, 'sign-in, wrong password');
    await shot(page, 'sign-in-wrong-password');
  });

  test('a demo caseworker signs in, and no token is kept in web storage', async ({ page }) => {
    await signIn(page, CASEWORKER);
    await shot(page, 'home');
    const storage = await page.evaluate(() => {
      const dump = (s: Storage) => Array.from({ length: s.length }, (_, i) => s.key(i)!).map((k) => [k, s.getItem(k) ?? ''] as const);
      return { local: dump(localStorage), session: dump(sessionStorage) };
    });
    for (const [area, entries] of Object.entries(storage)) {
      for (const [key, value] of entries) {
        expect(value, `${area}Storage["${key}"] holds something shaped like a JWT`).not.toContain('eyJ');
        expect(key, `${area}Storage key "${key}" mentions a token`).not.toMatch(/token|refresh/i);
      }
    }
    // The refresh token is in an HttpOnly cookie the page cannot read.
    expect(await page.evaluate(() => document.cookie)).not.toMatch(/eyJ|refresh/i);
  });

  test('/docs is still the API documentation', async ({ page }) => {
    const res = await page.goto('/docs');
    expect(res?.status()).toBe(200);
    await expect(page).toHaveTitle(/Passerelle API/);
    await expect(page.locator('#swagger-ui')).toBeVisible();
    await shot(page, 'docs');
  });
});
