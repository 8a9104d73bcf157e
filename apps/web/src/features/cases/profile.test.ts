import { describe, expect, it } from 'vitest';
import type { Case } from './api';
import { emptyProfile, patchOf, type ProfileValues, profileOf, sectionsOf } from './profile';

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

describe('patchOf (what an edit sends: the changed sections, without losing what the form does not show)', () => {
  it('nothing changed: an empty patch', () => {
    const c = typicalCase();
    const base = profileOf(c);
    expect(patchOf(c, base, structuredClone(base))).toEqual({});
  });

  it('one contact field changed: the contact section whole, the stored fields the form does not show kept', () => {
    const c = typicalCase();
    c.contact = { ...c.contact, email: 'aminata@example.org' };
    const base = profileOf(c);
    const mine = structuredClone(base);
    mine.contact.phone = '+22371111111';
    expect(patchOf(c, base, mine)).toEqual({ contact: { phone: '+22371111111', address: 'Gao', email: 'aminata@example.org' } });
  });

  it('a journey edit keeps the departure date and the money spent the form does not show', () => {
    const c = typicalCase();
    c.journey = { ...c.journey, departureDate: '2026-09-01', moneySpent: { amount: 150000, currency: 'XOF' }, educationLevel: 'primary' };
    const base = profileOf(c);
    const mine = structuredClone(base);
    mine.journey.route = 'Conakry, Bamako, Gao, Tamanrasset';
    mine.journey.placeOfOrigin = '';
    const patch = patchOf(c, base, mine);
    expect(Object.keys(patch)).toEqual(['journey']);
    expect(patch.journey).toMatchObject({ departureDate: '2026-09-01', moneySpent: { amount: 150000, currency: 'XOF' }, educationLevel: 'primary', route: ['Conakry', 'Bamako', 'Gao', 'Tamanrasset'] });
    expect(patch.journey).not.toHaveProperty('placeOfOrigin');
  });

  it('an identity edit sends the identity whole; an emptied nationality is sent as null (the server merges identity)', () => {
    const c = typicalCase();
    const base = profileOf(c);
    const mine = structuredClone(base);
    mine.identity.familyName = 'Touré';
    mine.identity.nationality = '';
    expect(patchOf(c, base, mine)).toEqual({
      identity: { givenName: 'Aminata', familyName: 'Touré', sex: 'female', dateOfBirth: '1999-04-02', birthDateEstimated: false, nationality: null, languages: ['fra', 'sus'] },
    });
  });

  it('never sends the sensitive section (the profile editor does not show it)', () => {
    const c = typicalCase();
    const base = profileOf(c);
    const mine = structuredClone(base);
    mine.sensitive.narrative = 'changed';
    expect(patchOf(c, base, mine)).toEqual({});
  });

  it('removing every vulnerability sends an empty list; emptying the shown contacts removes them', () => {
    const c = typicalCase();
    const base = profileOf(c);
    const mine = structuredClone(base);
    mine.vulnerabilities = [];
    mine.contact = { phone: '', altPhone: '', address: '', contactPerson: '' };
    expect(patchOf(c, base, mine)).toEqual({ vulnerabilities: [], contact: {} });
  });

  it('switching to "year only" clears the date of birth (null) and sends the year, estimated', () => {
    const c = typicalCase();
    const base = profileOf(c);
    const mine = structuredClone(base);
    mine.birthYearOnly = true;
    mine.identity.birthYear = '1998';
    const patch = patchOf(c, base, mine);
    expect(Object.keys(patch)).toEqual(['identity']);
    expect(patch.identity).toMatchObject({ dateOfBirth: null, birthYear: 1998, birthDateEstimated: true });
  });
});
