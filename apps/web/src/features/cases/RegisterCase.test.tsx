import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../lib/i18n';
import fr from '../../locales/fr.json';
import { type Call, json, mockFetch, problem } from '../../test/fetch-mock';
import { renderWithProviders } from '../../test/render';
import { signIn } from '../session/session';
import { RegisterCase } from './RegisterCase';

const ORG = '00000000-0000-4000-8000-0000000000a1';
const SITE = '00000000-0000-4000-8000-0000000000b1';
const CASE_ID = '6f1c2b1e-8d7a-4c1e-9f3a-2b5d7e9a1c40';
const user = { id: '00000000-0000-4000-8000-000000000001', email: 'cw@iom-ml.example.org', displayName: 'Awa Maïga', organizationId: ORG, roles: ['caseworker'], siteIds: [] };
const site = { id: SITE, organizationId: ORG, name: 'Maison du Migrant de Gao', kind: 'transit_centre', location: {}, services: ['profiling'], active: true };

type Answer = (c: Call) => Response | Promise<Response>;

/** A caseworker signed in through the session module, the API answering around the registration. */
async function server(registerAnswers: Answer[]) {
  const http = mockFetch({
    'POST /api/v1/auth/login': () => json(200, { accessToken: 'access-1', expiresIn: 900, user }),
    'GET /api/v1/me': () => json(200, { user, organization: { id: ORG, code: 'IOM-ML', capabilities: [] }, roles: ['caseworker'] }),
    [`GET /api/v1/organizations/${ORG}/sites`]: () => json(200, { items: [site] }),
    'POST /api/v1/cases/duplicate-check': () => json(200, { items: [] }),
    'POST /api/v1/cases': (c) => {
      const answer = registerAnswers.shift();
      if (!answer) throw new Error('unexpected registration');
      return answer(c);
    },
  });
  await signIn('cw@iom-ml.example.org', 'pw');
  return http;
}

const created = () =>
  json(201, {
    id: CASE_ID,
    caseNumber: 'IOM-ML-2026-000042',
    status: 'open',
    owningOrganizationId: ORG,
    registeredAt: '2026-12-07T10:00:00Z',
    identity: { givenName: 'Aminata', familyName: 'Traoré', sex: 'female' },
    actions: [],
  });

/** The accessible name starts with the label (Mantine adds " *" to a required one). */
const named = (label: string) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
const textbox = (label: string) => screen.getByRole('textbox', { name: named(label) });
const combobox = (label: string) => screen.getByRole('combobox', { name: named(label) });

/** Typing key by key re-renders the whole controlled form each time: paste, as fast and as real for the form. */
async function fill(u: ReturnType<typeof userEvent.setup>, input: HTMLElement, text: string) {
  await u.click(input);
  await u.paste(text);
}

async function fillEveryStep(u: ReturnType<typeof userEvent.setup>) {
  await fill(u, textbox(fr.profile.givenName), 'Aminata');
  await fill(u, textbox(fr.profile.familyName), 'Traoré');
  await u.selectOptions(combobox(fr.profile.sex), 'female');
  await u.selectOptions(combobox(fr.profile.nationality), 'GIN');
  await u.click(screen.getByRole('button', { name: fr.common.next }));
  await fill(u, textbox(fr.profile.placeOfOrigin), 'Kindia');
  await fill(u, textbox(fr.profile.route), 'Conakry, Bamako');
  await u.click(screen.getByRole('button', { name: fr.common.next }));
  await fill(u, textbox(fr.profile.narrative), 'Récit confidentiel.');
  await u.click(screen.getByRole('button', { name: fr.common.next }));
  await fill(u, textbox(fr.profile.phone), '+22370000000');
  await u.click(screen.getByRole('button', { name: fr.common.next }));
}

async function submit(u: ReturnType<typeof userEvent.setup>) {
  const button = await screen.findByRole('button', { name: fr.register.submit });
  await waitFor(() => expect(button).toBeEnabled()); // once the user's site is known
  await u.click(button);
}

const registrations = (http: Awaited<ReturnType<typeof server>>) => http.to('POST /api/v1/cases');

// Five steps through Mantine's inputs in jsdom: a few seconds per test, more on a loaded machine.
describe('RegisterCase', { timeout: 20_000 }, () => {
  beforeAll(() => {
    // jsdom has no document.fonts, which Mantine's autosize Textarea (the narrative) listens to.
    if (!('fonts' in document)) {
      Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => {}, removeEventListener: () => {}, ready: Promise.resolve() } });
    }
  });
  beforeEach(async () => {
    await i18n.changeLanguage('fr');
    localStorage.clear();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends what was typed, with the site, the registration consent and an Idempotency-Key', async () => {
    const http = await server([() => created()]);
    const u = userEvent.setup({ delay: null });
    renderWithProviders(<RegisterCase />, { path: '/cases/new', routes: { '/cases/:id': <p>dossier ouvert</p> } });

    await fillEveryStep(u);
    await submit(u);

    expect(await screen.findByText('dossier ouvert')).toBeInTheDocument();
    const [call] = registrations(http);
    expect(call!.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(call!.headers.get('Authorization')).toBe('Bearer access-1');
    expect(JSON.parse(call!.body)).toEqual({
      siteId: SITE,
      identity: { givenName: 'Aminata', familyName: 'Traoré', sex: 'female', nationality: 'GIN' },
      migrantCategory: 'in_transit',
      journey: { placeOfOrigin: 'Kindia', route: ['Conakry', 'Bamako'] },
      vulnerabilities: [],
      sensitive: { narrative: 'Récit confidentiel.' },
      contact: { phone: '+22370000000' },
      consent: { purpose: 'registration', basis: 'consent', method: 'verbal' },
    });
  });

  it('a 400 VALIDATION_FAILED on identity.nationality: the French message on that input, every typed value kept, a new key next time', async () => {
    const http = await server([
      () => problem(400, 'VALIDATION_FAILED', { detail: 'identity.nationality: unknown country', errors: [{ field: 'identity.nationality', message: 'unknown country' }] }),
      () => created(),
    ]);
    const u = userEvent.setup({ delay: null });
    renderWithProviders(<RegisterCase />, { path: '/cases/new', routes: { '/cases/:id': <p>dossier ouvert</p> } });

    await fillEveryStep(u);
    await submit(u);

    // Back on the identity step, the refused field marked in French; the server's words never shown.
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(fr.register.failed);
    expect(alert).toHaveTextContent(fr.problems.VALIDATION_FAILED);
    expect(screen.queryByText(/unknown country/)).not.toBeInTheDocument();
    const nationality = await screen.findByRole('combobox', { name: named(fr.profile.nationality) });
    expect(nationality).toHaveAttribute('aria-invalid', 'true');
    expect(nationality).toHaveAccessibleDescription(expect.stringContaining(fr.problems.invalidField));
    expect(textbox(fr.profile.givenName)).not.toHaveAttribute('aria-invalid', 'true');

    // Every value is still there, step by step.
    expect(textbox(fr.profile.givenName)).toHaveValue('Aminata');
    expect(textbox(fr.profile.familyName)).toHaveValue('Traoré');
    expect(combobox(fr.profile.sex)).toHaveValue('female');
    expect(nationality).toHaveValue('GIN');
    await u.selectOptions(nationality, 'MLI');
    await u.click(screen.getByRole('button', { name: fr.common.next }));
    expect(textbox(fr.profile.placeOfOrigin)).toHaveValue('Kindia');
    expect(textbox(fr.profile.route)).toHaveValue('Conakry, Bamako');
    await u.click(screen.getByRole('button', { name: fr.common.next }));
    expect(textbox(fr.profile.narrative)).toHaveValue('Récit confidentiel.');
    await u.click(screen.getByRole('button', { name: fr.common.next }));
    expect(textbox(fr.profile.phone)).toHaveValue('+22370000000');
    await u.click(screen.getByRole('button', { name: fr.common.next }));

    await submit(u);
    expect(await screen.findByText('dossier ouvert')).toBeInTheDocument();

    const [refused, accepted] = registrations(http);
    // The server answered the first one: the next submission is a new one, with a new key.
    expect(accepted!.headers.get('Idempotency-Key')).not.toBe(refused!.headers.get('Idempotency-Key'));
    expect(JSON.parse(accepted!.body)).toEqual({ ...JSON.parse(refused!.body), identity: { ...JSON.parse(refused!.body).identity, nationality: 'MLI' } });
  });

  it('no network: the NETWORK sentence, and the retry keeps the same Idempotency-Key', async () => {
    const http = await server([() => Promise.reject(new TypeError('Failed to fetch')), () => created()]);
    const u = userEvent.setup({ delay: null });
    renderWithProviders(<RegisterCase />, { path: '/cases/new', routes: { '/cases/:id': <p>dossier ouvert</p> } });

    await fillEveryStep(u);
    await submit(u);

    expect(await screen.findByRole('alert')).toHaveTextContent(fr.problems.NETWORK);
    // Still on the last step, nothing lost: send again.
    await submit(u);
    expect(await screen.findByText('dossier ouvert')).toBeInTheDocument();

    const [lost, retry] = registrations(http);
    expect(retry!.headers.get('Idempotency-Key')).toBe(lost!.headers.get('Idempotency-Key'));
    expect(retry!.body).toBe(lost!.body);
  });
});
