import { describe, expect, it } from 'vitest';
import type { Case } from './api';
import { emptyProfile, type ProfileValues, profileOf, sectionsOf } from './profile';
import { patchOf } from './tabs/ProfileTab';

const filled = (): ProfileValues => ({
  ...emptyProfile(),
  identity: { givenName: 'Aminata', familyName: 'Traoré', sex: 'female', dateOfBirth: '1999-04-02', birthYear: '', nationality: 'GIN', languages: ['fra', 'sus'] },
  migrantCategory: 'in_transit',
  journey: { countryOfOrigin: 'GIN', placeOfOrigin: 'Kindia', intendedDestination: 'ESP', reasonsForMigration: ['economic'], travellingWith: 'alone', route: 'Conakry, Bamako, Gao' },
  vulnerabilities: ['medical_condition'],
  sensitive: { narrative: 'Récit confidentiel.' },
  contact: { phone: '+22370000000', altPhone: '', address: 'Gao, quartier Aljanabandja', contactPerson: '' },
});

describe('sectionsOf', () => {
  it('drops empty strings and empty arrays: an empty input is "not known", never sent', () => {
    const v = emptyProfile();
    v.identity.givenName = 'Moussa';
    v.identity.familyName = 'Keïta';
    v.identity.sex = 'male';
    v.contact.phone = '+22376000000';
    const s = sectionsOf(v);

    expect(s.identity).toEqual({ givenName: 'Moussa', familyName: 'Keïta', sex: 'male' });
    expect(s.contact).toEqual({ phone: '+22376000000' });
    // A section with nothing filled in is left out entirely.
    expect(s.journey).toBeUndefined();
    expect(s.sensitive).toBeUndefined();
    expect(JSON.stringify(s)).not.toContain('""');
    expect(JSON.stringify(s.identity)).not.toContain('[]');
  });

  it('whitespace-only input is not sent either (it would be an empty string once trimmed)', () => {
    const v = filled();
    v.contact.altPhone = '   ';
    v.journey.placeOfOrigin = ' ';
    const s = sectionsOf(v);
    expect(s.contact).not.toHaveProperty('altPhone');
    expect(s.journey).not.toHaveProperty('placeOfOrigin');
  });

  it('trims what is sent', () => {
    const v = filled();
    v.identity.givenName = '  Aminata ';
    v.contact.address = ' Gao ';
    const s = sectionsOf(v);
    expect(s.identity.givenName).toBe('Aminata');
    expect(s.contact?.address).toBe('Gao');
  });

  it('splits the route on commas, trimmed, without empty stops', () => {
    const v = filled();
    v.journey.route = ' Conakry ,Bamako,, Gao , ';
    expect(sectionsOf(v).journey?.route).toEqual(['Conakry', 'Bamako', 'Gao']);
    v.journey.route = ' , ';
    expect(sectionsOf(v).journey).not.toHaveProperty('route');
  });

  it('a full date of birth: dateOfBirth only, no birthYear nor birthDateEstimated', () => {
    const v = filled();
    v.identity.birthYear = '1998'; // typed earlier, then the full date became known
    const id = sectionsOf(v).identity;
    expect(id.dateOfBirth).toBe('1999-04-02');
    expect(id).not.toHaveProperty('birthYear');
    expect(id).not.toHaveProperty('birthDateEstimated');
  });

  it('"year only" ticked: birthYear as a number and birthDateEstimated, never dateOfBirth', () => {
    const v = filled();
    v.birthYearOnly = true;
    v.identity.birthYear = '1998';
    const id = sectionsOf(v).identity;
    expect(id.birthYear).toBe(1998);
    expect(typeof id.birthYear).toBe('number');
    expect(id.birthDateEstimated).toBe(true);
    expect(id).not.toHaveProperty('dateOfBirth');
  });

  it('keeps the codes chosen: category, vulnerabilities, languages, reasons', () => {
    const s = sectionsOf(filled());
    expect(s.migrantCategory).toBe('in_transit');
    expect(s.vulnerabilities).toEqual(['medical_condition']);
    expect(s.identity.languages).toEqual(['fra', 'sus']);
    expect(s.journey?.reasonsForMigration).toEqual(['economic']);
    expect(s.sensitive).toEqual({ narrative: 'Récit confidentiel.' });
  });
});

const typicalCase = (): Case => ({
  id: '6f1c2b1e-8d7a-4c1e-9f3a-2b5d7e9a1c40',
  caseNumber: 'IOM-ML-2026-000042',
  status: 'open',
  version: 3,
  owningOrganizationId: '00000000-0000-4000-8000-0000000000a1',
  registeredAt: '2026-11-02T09:15:00Z',
  identity: { givenName: 'Aminata', familyName: 'Traoré', sex: 'female', dateOfBirth: '1999-04-02', nationality: 'GIN', languages: ['fra', 'sus'] },
  migrantCategory: 'in_transit',
  journey: { countryOfOrigin: 'GIN', placeOfOrigin: 'Kindia', intendedDestination: 'ESP', route: ['Conakry', 'Bamako', 'Gao'], reasonsForMigration: ['economic', 'family'], travellingWith: 'group' },
  vulnerabilities: [{ flag: 'medical_condition', assessedBy: '00000000-0000-4000-8000-000000000001', assessedAt: '2026-11-02T09:15:00Z' }],
  sensitive: { narrative: 'Récit confidentiel.' },
  contact: { phone: '+22370000000', address: 'Gao' },
  actions: ['edit'],
});

describe('profileOf → sectionsOf', () => {
  it('round-trips the sections of a typical case', () => {
    const c = typicalCase();
    expect(sectionsOf(profileOf(c))).toEqual({
      identity: c.identity,
      migrantCategory: c.migrantCategory,
      journey: c.journey,
      vulnerabilities: ['medical_condition'],
      sensitive: c.sensitive,
      contact: c.contact,
    });
  });

  it('round-trips a case where only the (estimated) birth year is known', () => {
    const c = typicalCase();
    c.identity = { givenName: 'Ibrahim', familyName: 'Diallo', sex: 'male', birthYear: 1998, birthDateEstimated: true };
    const values = profileOf(c);
    expect(values.birthYearOnly).toBe(true);
    expect(values.identity.birthYear).toBe('1998');
    expect(sectionsOf(values).identity).toEqual({ givenName: 'Ibrahim', familyName: 'Diallo', sex: 'male', birthYear: 1998, birthDateEstimated: true });
  });
});

describe('patchOf', () => {
  it('nothing changed: an empty patch', () => {
    const base = profileOf(typicalCase());
    expect(patchOf(base, structuredClone(base))).toEqual({});
  });

  it('one field changed: only its section, and that section whole', () => {
    const base = profileOf(typicalCase());
    const mine = structuredClone(base);
    mine.contact.phone = '+22371111111';
    expect(patchOf(base, mine)).toEqual({ contact: { phone: '+22371111111', address: 'Gao' } });
  });

  it('changes in two sections: those two, whole; the others not sent', () => {
    const base = profileOf(typicalCase());
    const mine = structuredClone(base);
    mine.identity.familyName = 'Touré';
    mine.journey.route = 'Conakry, Bamako, Gao, Tamanrasset';
    const patch = patchOf(base, mine);
    expect(Object.keys(patch).sort()).toEqual(['identity', 'journey']);
    expect(patch.identity).toEqual({ givenName: 'Aminata', familyName: 'Touré', sex: 'female', dateOfBirth: '1999-04-02', nationality: 'GIN', languages: ['fra', 'sus'] });
    expect(patch.journey).toEqual({ ...typicalCase().journey, route: ['Conakry', 'Bamako', 'Gao', 'Tamanrasset'] });
  });

  it('never sends the sensitive section (the profile editor does not show it)', () => {
    const base = profileOf(typicalCase());
    const mine = structuredClone(base);
    mine.sensitive.narrative = 'changed';
    expect(patchOf(base, mine)).toEqual({});
  });

  it('removing every vulnerability sends an empty list; emptying the contacts sends an empty section', () => {
    const base = profileOf(typicalCase());
    const mine = structuredClone(base);
    mine.vulnerabilities = [];
    mine.contact = { phone: '', altPhone: '', address: '', contactPerson: '' };
    expect(patchOf(base, mine)).toEqual({ vulnerabilities: [], contact: {} });
  });

  it('switching to "year only" sends the identity with birthYear and birthDateEstimated, without dateOfBirth', () => {
    const base = profileOf(typicalCase());
    const mine = structuredClone(base);
    mine.birthYearOnly = true;
    mine.identity.birthYear = '1999';
    const patch = patchOf(base, mine);
    expect(Object.keys(patch)).toEqual(['identity']);
    expect(patch.identity).toMatchObject({ birthYear: 1999, birthDateEstimated: true });
    expect(patch.identity).not.toHaveProperty('dateOfBirth');
  });
});
