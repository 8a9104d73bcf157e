import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../lib/i18n';
import fr from '../../locales/fr.json';
import { renderWithProviders } from '../../test/render';
import { ConflictView } from './ConflictView';
import { emptyProfile, type ProfileValues } from './profile';

const base = (): ProfileValues => ({
  ...emptyProfile(),
  identity: { givenName: 'Aminata', familyName: 'Traoré', sex: 'female', dateOfBirth: '1999-04-02', birthYear: '', nationality: 'GIN', languages: ['fra'] },
  journey: { countryOfOrigin: 'GIN', placeOfOrigin: 'Kindia', intendedDestination: 'ESP', reasonsForMigration: ['economic'], travellingWith: 'alone', route: 'Conakry, Bamako' },
  sensitive: { narrative: 'Récit de base, confidentiel.' },
  contact: { phone: '+22370000000', altPhone: '', address: 'Gao', contactPerson: '' },
});

function setup() {
  const theirs = base();
  theirs.identity.familyName = 'Touré'; // the colleague corrected the name
  theirs.sensitive.narrative = 'LEUR RÉCIT SECRET';
  const mine = base();
  mine.contact.phone = '+22371111111'; // I changed the phone
  mine.journey.route = 'Conakry, Bamako, Gao';
  mine.sensitive.narrative = 'MON RÉCIT SECRET';
  const onReapply = vi.fn();
  const onDiscard = vi.fn();
  renderWithProviders(<ConflictView base={base()} theirs={theirs} mine={mine} onReapply={onReapply} onDiscard={onDiscard} />);
  return { onReapply, onDiscard };
}

/** The table's body rows as [field, theirs, mine] texts. */
function rows() {
  return screen
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
}

describe('ConflictView', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('fr');
  });

  it('says what happened, as an alert', () => {
    setup();
    expect(screen.getByRole('alert')).toHaveTextContent(fr.conflict.title);
    expect(screen.getByRole('alert')).toHaveTextContent(fr.conflict.text);
  });

  it('lists exactly the fields that differ, named in French, with their version and mine', () => {
    setup();
    expect(screen.getByRole('columnheader', { name: fr.conflict.field })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: fr.conflict.theirs })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: fr.conflict.mine })).toBeInTheDocument();
    expect(rows()).toEqual(
      expect.arrayContaining([
        [fr.fields.identity.familyName, 'Touré', 'Traoré'],
        [fr.fields.journey.route, 'Conakry, Bamako', 'Conakry, Bamako, Gao'],
        [fr.fields.contact.phone, '+22370000000', '+22371111111'],
      ]),
    );
    expect(rows()).toHaveLength(3);
    // Unchanged fields are not listed.
    expect(screen.queryByRole('cell', { name: fr.fields.identity.givenName })).not.toBeInTheDocument();
  });

  it('never shows the sensitive narrative, whoever changed it', () => {
    setup();
    expect(screen.queryByText(/RÉCIT SECRET/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Récit de base/)).not.toBeInTheDocument();
    expect(screen.queryByText(/narrative/)).not.toBeInTheDocument();
  });

  it('"Réappliquer mes changements" calls onReapply, "Abandonner mes changements" calls onDiscard', async () => {
    const user = userEvent.setup();
    const { onReapply, onDiscard } = setup();

    await user.click(screen.getByRole('button', { name: fr.conflict.reapply }));
    expect(onReapply).toHaveBeenCalledTimes(1);
    expect(onDiscard).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: fr.conflict.discard }));
    expect(onDiscard).toHaveBeenCalledTimes(1);
    expect(onReapply).toHaveBeenCalledTimes(1);
  });
});
