import type { Page } from '@playwright/test';
import en from '../src/locales/en.json' with { type: 'json' };
import fr from '../src/locales/fr.json' with { type: 'json' };
import { DEMO_PASSWORD, expect, expectAccessible, shot, signIn, test } from './support/fixtures';

/*
 * Issue 20's flows, in a real browser on the real API and its demo seed: a caseworker of IOM Mali
 * registers a migrant with consents, meets the duplicate warning, edits the profile, meets a
 * colleague's concurrent edit (412), screens, writes a note; a manager assigns, closes and
 * reopens (DESIGN §1: caseworkers may not); another organization's caseworker gets the not-found
 * page; French and English leave no key on screen; after sign-out the back button shows nothing.
 */

const letters = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]).join('');
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Every key of a locale file, dotted, for "no untranslated key on screen". */
function keysOf(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keysOf(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`.replace(/_(one|other)$/, '')]));
}
const ALL_KEYS = [...new Set([...keysOf(fr), ...keysOf(en)])].filter((k) => k.includes('.'));

async function expectNoKeyOnScreen(page: Page) {
  const text = await page.locator('body').innerText();
  expect(ALL_KEYS.filter((k) => text.includes(k))).toEqual([]);
}

/** On a phone the navigation sits behind the menu button. */
async function openNav(page: Page, name = 'Ouvrir ou fermer le menu') {
  const burger = page.getByRole('button', { name });
  if (await burger.isVisible()) await burger.click();
}

async function signOut(page: Page) {
  await openNav(page);
  await page.getByRole('button', { name: 'Se déconnecter' }).filter({ visible: true }).first().click();
  await expect(page.getByRole('heading', { name: 'Connexion' })).toBeVisible();
}

async function register(page: Page, p: { given: string; family: string; dob: string; nat: string }) {
  await page.getByRole('main').getByRole('link', { name: 'Enregistrer un migrant' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enregistrer un migrant' })).toBeVisible();
  await page.getByLabel('Prénom').fill(p.given);
  await page.getByLabel('Nom de famille').fill(p.family);
  await page.getByLabel('Sexe').selectOption('female');
  await page.getByLabel('Date de naissance').fill(p.dob);
  await page.getByLabel('Nationalité').selectOption(p.nat);
}

test('a caseworker registers, edits, screens and writes a note; a manager assigns, closes and reopens', async ({ page }) => {
  test.slow(); // three users, a dozen screens, each checked by axe
  const family = `Kouyaté ${cap(letters(6))}`;
  const person = { given: 'Aminata', family, dob: '1999-04-02', nat: 'GIN' };

  await signIn(page, 'caseworker@iom-ml.example.org');
  await shot(page, '01-home');
  await expectAccessible(page, 'home');

  // Register with consents.
  await register(page, person);
  await shot(page, '02-register-identity');
  await expectAccessible(page, 'register');
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByLabel('Pays d’origine').selectOption('GIN');
  await page.getByLabel('Économiques').check();
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByLabel('Enceinte ou allaitante').check();
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByLabel('Téléphone', { exact: true }).fill('+22370000001');
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByLabel('Référence vers un partenaire').check();
  await shot(page, '03-register-consents');
  await page.getByRole('button', { name: 'Enregistrer le dossier' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Aminata ${family}` })).toBeVisible();
  const caseUrl = page.url();
  expect(caseUrl).toMatch(/\/cases\/[0-9a-f-]{36}$/);
  await shot(page, '04-case-file');
  await expectAccessible(page, 'case file');
  await page.getByRole('tab', { name: 'Consentements' }).click();
  await expect(page.locator('p').getByText('Enregistrement', { exact: true })).toBeVisible();
  await expect(page.locator('p').getByText('Référence vers un partenaire', { exact: true })).toBeVisible();

  // A near-identical second registration warns while typing, and links to the first.
  await page.goto('/');
  await register(page, { ...person, given: 'Aminatta' });
  await expect(page.getByRole('status').filter({ hasText: 'Cette personne est peut-être déjà enregistrée' })).toBeVisible();
  await expect(page.getByRole('link', { name: new RegExp(`Ouvrir le dossier existant : Aminata ${family}`) })).toHaveAttribute('href', new URL(caseUrl).pathname);
  await shot(page, '05-register-duplicate');

  // Edit the profile (If-Match).
  await page.goto(caseUrl);
  await page.getByRole('button', { name: 'Modifier le profil' }).click();
  await page.getByLabel('Téléphone', { exact: true }).fill('+22376000002');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('+22376000002')).toBeVisible();

  // A second tab's stale edit meets the 412 screen: both versions, nothing overwritten.
  const other = await page.context().newPage();
  await other.goto(caseUrl);
  await other.getByRole('button', { name: 'Modifier le profil' }).click();
  await page.getByRole('button', { name: 'Modifier le profil' }).click();
  await page.getByLabel('Lieu d’origine').fill('Kankan');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Kankan')).toBeVisible();
  await other.getByLabel('Adresse').fill('Gare routière, Gao');
  await other.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(other.getByRole('alert').filter({ hasText: 'Quelqu’un a modifié ce dossier' })).toBeVisible();
  await expect(other.getByRole('cell', { name: 'Kankan' })).toBeVisible();
  await expect(other.getByRole('cell', { name: 'Gare routière, Gao' })).toBeVisible();
  await shot(other, '06-conflict');
  await expectAccessible(other, 'conflict');
  await other.getByRole('button', { name: 'Réappliquer mes changements' }).click();
  await other.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(other.getByText('Gare routière, Gao')).toBeVisible();
  await expect(other.getByText('Kankan')).toBeVisible();
  await other.close();

  // Screening.
  await page.reload();
  await page.getByRole('tab', { name: 'Éligibilité au retour' }).click();
  await page.getByRole('button', { name: 'Faire un examen d’éligibilité' }).click();
  await page.getByLabel('La personne souhaite rentrer dans son pays').check();
  await page.getByLabel('Pays de retour').selectOption('GIN');
  await page.getByLabel('Nationalité confirmée').check();
  await page.getByRole('button', { name: 'Calculer l’éligibilité' }).click();
  await expect(page.getByText('Éligible', { exact: true }).first()).toBeVisible();
  await shot(page, '07-screening');
  await expectAccessible(page, 'screening');

  // A note.
  await page.getByRole('tab', { name: 'Notes' }).click();
  await page.getByLabel('Nouvelle note').fill('Vue au centre de transit ; souhaite appeler sa famille.');
  await page.getByRole('button', { name: 'Ajouter la note' }).click();
  await expect(page.getByText('Vue au centre de transit ; souhaite appeler sa famille.')).toBeVisible();
  await page.getByRole('tab', { name: 'Historique' }).click();
  await expect(page.getByText('Note ajoutée').first()).toBeVisible();
  // The registration is one event, not "14 champs modifiés".
  const registered = page.locator('.mantine-Timeline-item', { hasText: 'Dossier enregistré' });
  await expect(registered).toHaveCount(1);
  await expect(registered).not.toContainText('modifié');
  await shot(page, '08-timeline');

  // A caseworker may not assign, close or reopen (DESIGN §1): no such button.
  await page.getByRole('tab', { name: 'Profil' }).click();
  await expect(page.getByRole('button', { name: 'Clôturer' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Attribuer' })).toHaveCount(0);
  await signOut(page);

  // The manager assigns, closes and reopens.
  await signIn(page, 'manager@iom-ml.example.org');
  await page.goto(caseUrl);
  await page.getByRole('button', { name: 'Attribuer' }).click();
  await page.getByLabel('Attribuer à').selectOption({ label: 'caseworker IOM-ML' });
  await page.getByRole('dialog').getByRole('button', { name: 'Attribuer' }).click();
  await expect(page.getByText('Travailleur social: caseworker IOM-ML')).toBeVisible();
  await page.getByRole('button', { name: 'Clôturer' }).click();
  await page.getByLabel('Motif de clôture').selectOption('continued_journey');
  await page.getByRole('dialog').getByRole('button', { name: 'Clôturer le dossier' }).click();
  await expect(page.getByText(/Clôturé · A poursuivi sa route/)).toBeVisible();
  await shot(page, '09-closed');
  await page.getByRole('button', { name: 'Rouvrir' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rouvrir le dossier' }).click();
  await expect(page.getByText('Ouvert', { exact: true })).toBeVisible();
  await signOut(page);

  // Another organization's caseworker: the not-found page, nothing about the case.
  await signIn(page, 'caseworker@mdm-gao.example.org');
  await page.goto(caseUrl);
  await expect(page.getByRole('heading', { name: 'Page introuvable' })).toBeVisible();
  await expect(page.getByText(family)).toHaveCount(0);
  await shot(page, '10-not-found');
  await signOut(page);
});

/** A case registered through the API (test set-up), so that a test does not depend on another's. */
async function registeredCase(page: Page, family: string) {
  const login = await page.request.post('/api/v1/auth/login', { data: { email: 'caseworker@iom-ml.example.org', password: DEMO_PASSWORD } });
  const { accessToken } = await login.json();
  const headers = { authorization: `Bearer ${accessToken}` };
  const me = await (await page.request.get('/api/v1/me', { headers })).json();
  const res = await page.request.post('/api/v1/cases', {
    headers,
    data: { siteId: me.user.siteIds[0], identity: { givenName: 'Oumou', familyName: family, sex: 'female', birthYear: 1995, nationality: 'MLI' }, consent: { purpose: 'registration', basis: 'consent', method: 'verbal' } },
  });
  expect(res.status()).toBe(201);
}

test('French and English leave no key on screen; after sign-out the back button shows no case data', async ({ page }) => {
  await registeredCase(page, `Sangaré ${cap(letters(6))}`);
  await signIn(page, 'caseworker@iom-ml.example.org');
  await page.getByRole('main').getByRole('link', { name: 'Voir tous les dossiers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dossiers' })).toBeVisible();
  await shot(page, '11-case-list');
  await expectAccessible(page, 'case list');
  await expectNoKeyOnScreen(page);
  const first = page.getByRole('main').getByRole('listitem').first().getByRole('link');
  const name = (await first.locator('p').first().innerText()).trim();
  await first.click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  for (const tab of ['Profil', 'Consentements', 'Éligibilité au retour', 'Notes', 'Historique']) {
    await page.getByRole('tab', { name: tab }).click();
    await expectNoKeyOnScreen(page);
  }

  await openNav(page);
  await page.getByLabel('Langue').selectOption('en');
  await openNav(page, 'Open or close the menu');
  await expect(page.getByRole('tab', { name: 'History' })).toBeVisible();
  for (const tab of ['Profile', 'Consents', 'Return eligibility', 'Notes', 'History']) {
    await page.getByRole('tab', { name: tab }).click();
    await expectNoKeyOnScreen(page);
  }
  await shot(page, '12-case-file-en');
  await openNav(page, 'Open or close the menu');
  await page.getByRole('link', { name: 'Cases' }).filter({ visible: true }).first().click();
  await expectNoKeyOnScreen(page);
  await openNav(page, 'Open or close the menu');
  await page.getByLabel('Language').selectOption('fr');
  await openNav(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Dossiers' })).toBeVisible();

  // Sign out, then back: the sign-in page, never the case.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await signOut(page);
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Connexion' })).toBeVisible();
  await expect(page.getByText(name)).toHaveCount(0);
  await page.goBack();
  await expect(page.getByText(name)).toHaveCount(0);
});

/** Tab until the focused element is the one named `name` (label or accessible name), as a keyboard user would. */
async function tabTo(page: Page, name: string, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      if (!el) return '';
      const label = el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
      return label.replace(/\s*\*\s*$/, '').trim();
    });
    if (focused === name) return;
  }
  throw new Error(`"${name}" was not reached with the Tab key`);
}

test('registering a case works by keyboard alone', async ({ page }) => {
  const family = `Diarra ${cap(letters(6))}`;
  await signIn(page, 'caseworker@iom-ml.example.org');
  await page.goto('/cases/new');
  await expect(page.getByRole('heading', { level: 1, name: 'Enregistrer un migrant' })).toBeVisible();

  await tabTo(page, 'Prénom');
  await page.keyboard.type('Mariam');
  await tabTo(page, 'Nom de famille');
  await page.keyboard.type(family);
  await tabTo(page, 'Sexe');
  await page.keyboard.type('Femme');
  await tabTo(page, 'Nationalité');
  await page.keyboard.type('Mali');
  await tabTo(page, 'Seule l’année est connue');
  await page.keyboard.press('Space');
  await tabTo(page, 'Année de naissance (estimée)');
  await page.keyboard.type('2001');
  await page.keyboard.press('Enter'); // submits the step: next
  await expect(page.getByLabel('Pays d’origine')).toBeVisible();
  await tabTo(page, 'Lieu d’origine');
  await page.keyboard.type('Kayes');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Sans ressources');
  await page.keyboard.press('Space');
  await tabTo(page, 'Suivant');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Téléphone');
  await page.keyboard.type('+22366000003');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Enregistrer le dossier');
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: `Mariam ${family}` })).toBeVisible();
  await expect(page.getByText('né(e) vers 2001').first()).toBeVisible();
  await expect(page.getByText('Sans ressources')).toBeVisible();
  await expect(page.getByText('+22366000003')).toBeVisible();
});

test('a session ended elsewhere: the next request lands on the sign-in page saying so, and signing in goes back to the page asked for', async ({ page }) => {
  await signIn(page, 'caseworker@iom-ml.example.org');
  await expect(page.getByText('Aucune alerte ouverte.').or(page.getByRole('button', { name: 'Marquer comme lue' }).first())).toBeVisible();
  await page.waitForLoadState('networkidle');
  // The login is revoked behind the app's back (as a sign-out from another tab would).
  const out = await page.request.post('/api/v1/auth/logout', { headers: { 'X-Requested-With': 'passerelle-web' } });
  expect(out.status()).toBe(204);
  await page.getByRole('main').getByRole('link', { name: 'Voir tous les dossiers' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre session a expiré' })).toBeVisible();
  expect(new URL(page.url()).searchParams.get('next')).toBe('/cases');
  await shot(page, '13-session-expired');
  await expectAccessible(page, 'session expired');
  await page.getByRole('textbox', { name: 'Adresse e-mail' }).fill('caseworker@iom-ml.example.org');
  await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dossiers' })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/cases');
});

test('a deep link opened signed out comes back after sign-in', async ({ page }) => {
  await page.goto('/cases/new');
  await expect(page.getByRole('heading', { name: 'Connexion' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Adresse e-mail' }).fill('caseworker@iom-ml.example.org');
  await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enregistrer un migrant' })).toBeVisible();
});

/** Controls smaller than a thumb on the screen as it is now: buttons, fields, selects, tabs, navigation links. */
async function smallTargets(page: Page, label: string): Promise<string[]> {
  const small: string[] = [];
  for (const role of ['button', 'textbox', 'combobox', 'tab', 'checkbox', 'radio'] as const) {
    for (const el of await page.getByRole(role).all()) {
      if (!(await el.isVisible())) continue;
      const box = await el.boundingBox();
      // A checkbox or radio is hit through its label too: measure the label's row; a field, its
      // framed box (the password's input sits inside one, beside its show button).
      const around = role === 'checkbox' || role === 'radio' ? '-body' : role === 'textbox' ? 'Input-wrapper' : null;
      const target = around ? ((await el.locator(`xpath=ancestor-or-self::*[contains(@class,"${around}")][1]`).boundingBox()) ?? box) : box;
      if (target && target.height < 44) small.push(`${label}: ${role} "${(await el.getAttribute('aria-label')) ?? (await el.innerText().catch(() => ''))}" ${Math.round(target.height)} px`);
    }
  }
  for (const link of await page.getByRole('navigation').getByRole('link').all()) {
    const box = (await link.isVisible()) ? await link.boundingBox() : null;
    if (box && box.height < 44) small.push(`${label}: navigation link "${await link.innerText()}" ${Math.round(box.height)} px`);
  }
  return small;
}

test('touch targets are at least 44 px tall (sign-in, home, case list, register)', async ({ page }) => {
  await page.goto('/');
  const small = await smallTargets(page, 'sign-in');
  await signIn(page, 'caseworker@iom-ml.example.org');
  small.push(...(await smallTargets(page, 'home')));
  await page.getByRole('main').getByRole('link', { name: 'Voir tous les dossiers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dossiers' })).toBeVisible();
  small.push(...(await smallTargets(page, 'case list')));
  await page.goto('/cases/new');
  await expect(page.getByRole('heading', { level: 1, name: 'Enregistrer un migrant' })).toBeVisible();
  small.push(...(await smallTargets(page, 'register')));
  expect(small).toEqual([]);
});
