import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import i18n from '../lib/i18n';
import { Problem, toProblem } from '../lib/problems';
import fr from '../locales/fr.json';
import { renderWithProviders } from '../test/render';
import { ProblemAlert } from './ProblemAlert';

describe('ProblemAlert', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('fr');
  });

  it('a VERSION_CONFLICT: its French sentence under the default title, never the raw answer', () => {
    const body = { type: 'about:blank', status: 412, code: 'VERSION_CONFLICT', detail: 'Expected version 3, found 4' };
    renderWithProviders(<ProblemAlert error={toProblem(body, new Response(JSON.stringify(body), { status: 412 }))} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(fr.problems.VERSION_CONFLICT);
    expect(alert).toHaveTextContent(fr.problems.title);
    expect(alert).not.toHaveTextContent('Expected version');
    expect(alert).not.toHaveTextContent('VERSION_CONFLICT');
    expect(alert.textContent).not.toMatch(/[{}]/);
  });

  it('an unknown code: the generic French sentence, never the code nor JSON', () => {
    renderWithProviders(<ProblemAlert error={new Problem(418, 'TEAPOT_OVERFLOW', '{"detail":"raw"}')} title="Le dossier n’a pas été enregistré" />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(fr.problems.generic);
    expect(alert).toHaveTextContent('Le dossier n’a pas été enregistré');
    expect(alert).not.toHaveTextContent('TEAPOT_OVERFLOW');
    expect(alert).not.toHaveTextContent('problems.');
    expect(alert.textContent).not.toMatch(/[{}]/);
  });

  it('a thrown network error: the NETWORK sentence', () => {
    renderWithProviders(<ProblemAlert error={new TypeError('Failed to fetch')} />);
    expect(screen.getByRole('alert')).toHaveTextContent(fr.problems.NETWORK);
    expect(screen.getByRole('alert')).not.toHaveTextContent('Failed to fetch');
  });

  it('no error: nothing rendered', () => {
    renderWithProviders(<ProblemAlert error={null} />);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
