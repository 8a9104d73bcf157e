import { Checkbox, Group, NativeSelect, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { COMMON_COUNTRIES, countryName } from '../../lib/format';
import type { Case, CaseInput, CasePatch } from './api';
import { CATEGORIES, LANGUAGES, REASONS, SEXES, TRAVELLING_WITH, VULNERABILITIES } from './vocabulary';

/**
 * The profiling sections as form values, named by the API's own field paths (identity.givenName,
 * journey.countryOfOrigin …) so that a problem's `errors[].field` lands on its input unchanged.
 */
export interface ProfileValues {
  identity: { givenName: string; familyName: string; sex: string; dateOfBirth: string; birthYear: string; nationality: string; languages: string[] };
  birthYearOnly: boolean;
  migrantCategory: string;
  journey: { countryOfOrigin: string; placeOfOrigin: string; intendedDestination: string; reasonsForMigration: string[]; travellingWith: string; route: string };
  vulnerabilities: string[];
  sensitive: { narrative: string };
  contact: { phone: string; altPhone: string; address: string; contactPerson: string };
}

export const emptyProfile = (): ProfileValues => ({
  identity: { givenName: '', familyName: '', sex: '', dateOfBirth: '', birthYear: '', nationality: '', languages: [] },
  birthYearOnly: false,
  migrantCategory: 'in_transit',
  journey: { countryOfOrigin: '', placeOfOrigin: '', intendedDestination: '', reasonsForMigration: [], travellingWith: '', route: '' },
  vulnerabilities: [],
  sensitive: { narrative: '' },
  contact: { phone: '', altPhone: '', address: '', contactPerson: '' },
});

const s = (v: string | null | undefined) => v ?? '';

export function profileOf(c: Case): ProfileValues {
  const flags = (c.vulnerabilities ?? []) as { flag: string }[];
  return {
    identity: {
      givenName: c.identity.givenName,
      familyName: c.identity.familyName,
      sex: c.identity.sex,
      dateOfBirth: s(c.identity.dateOfBirth),
      birthYear: c.identity.birthYear ? String(c.identity.birthYear) : '',
      nationality: s(c.identity.nationality),
      languages: c.identity.languages ?? [],
    },
    birthYearOnly: !c.identity.dateOfBirth && Boolean(c.identity.birthYear),
    migrantCategory: s(c.migrantCategory),
    journey: {
      countryOfOrigin: s(c.journey?.countryOfOrigin),
      placeOfOrigin: s(c.journey?.placeOfOrigin),
      intendedDestination: s(c.journey?.intendedDestination),
      reasonsForMigration: c.journey?.reasonsForMigration ?? [],
      travellingWith: s(c.journey?.travellingWith),
      route: (c.journey?.route ?? []).join(', '),
    },
    vulnerabilities: flags.map((f) => f.flag),
    sensitive: { narrative: s(c.sensitive?.narrative) },
    contact: { phone: s(c.contact?.phone), altPhone: s(c.contact?.altPhone), address: s(c.contact?.address), contactPerson: s(c.contact?.contactPerson) },
  };
}

/** Only what was filled in: an empty input is "not known", never an empty string sent. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(o)) {
    const v = typeof raw === 'string' ? raw.trim() : raw;
    if (v === '' || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return Object.keys(out).length ? (out as Partial<T>) : undefined;
}

export function identityOf(v: ProfileValues) {
  const yearOnly = v.birthYearOnly;
  return compact({
    givenName: v.identity.givenName,
    familyName: v.identity.familyName,
    sex: v.identity.sex,
    dateOfBirth: yearOnly ? '' : v.identity.dateOfBirth,
    birthYear: yearOnly && v.identity.birthYear ? Number(v.identity.birthYear) : undefined,
    birthDateEstimated: yearOnly ? true : undefined,
    nationality: v.identity.nationality,
    languages: v.identity.languages,
  }) as CaseInput['identity'];
}

/** The sections of a profile as the API takes them (register and PATCH alike). */
export function sectionsOf(v: ProfileValues): Omit<CaseInput, 'siteId' | 'identity' | 'consent'> & { identity: CaseInput['identity'] } {
  const route = v.journey.route
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    identity: identityOf(v),
    migrantCategory: (v.migrantCategory || undefined) as CaseInput['migrantCategory'],
    journey: compact({ ...v.journey, route }) as CaseInput['journey'],
    vulnerabilities: v.vulnerabilities as CaseInput['vulnerabilities'],
    sensitive: compact(v.sensitive) as CaseInput['sensitive'],
    contact: compact(v.contact) as CaseInput['contact'],
  };
}

/** The form's fields of a section over the stored section: a field the form does not show is kept, one emptied is removed. */
function overlay(stored: Record<string, unknown> | null | undefined, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(stored ?? {}) };
  for (const [k, raw] of Object.entries(fields)) {
    const v = typeof raw === 'string' ? raw.trim() : raw;
    if (v === '' || (Array.isArray(v) && v.length === 0)) delete out[k];
    else out[k] = v;
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The PATCH for what the user changed, section by section. The server replaces `journey` and
 * `contact` whole, so they start from the stored section (fields the form does not show, such
 * as the departure date or the money spent, are kept); it merges `identity`, so a field the user
 * emptied is sent as null (the date of birth when only the year is known, the nationality).
 */
export function patchOf(stored: Case, base: ProfileValues, mine: ProfileValues): CasePatch {
  const patch: CasePatch = {};
  if (!same(base.identity, mine.identity) || base.birthYearOnly !== mine.birthYearOnly) {
    const i = mine.identity;
    const year = mine.birthYearOnly && /^\d{4}$/.test(i.birthYear.trim()) ? Number(i.birthYear.trim()) : null;
    patch.identity = {
      givenName: i.givenName.trim(),
      familyName: i.familyName.trim(),
      sex: i.sex as NonNullable<CasePatch['identity']>['sex'],
      dateOfBirth: mine.birthYearOnly ? null : i.dateOfBirth || null,
      ...(mine.birthYearOnly ? { birthYear: year, birthDateEstimated: true } : { birthDateEstimated: false }),
      nationality: i.nationality || null,
      languages: i.languages,
    };
  }
  if (base.migrantCategory !== mine.migrantCategory && mine.migrantCategory) patch.migrantCategory = mine.migrantCategory as CasePatch['migrantCategory'];
  if (!same(base.journey, mine.journey)) {
    const route = mine.journey.route.split(',').map((p) => p.trim()).filter(Boolean);
    patch.journey = overlay(stored.journey as Record<string, unknown>, { ...mine.journey, route }) as CasePatch['journey'];
  }
  if (!same(base.vulnerabilities, mine.vulnerabilities)) patch.vulnerabilities = mine.vulnerabilities as CasePatch['vulnerabilities'];
  if (!same(base.contact, mine.contact)) patch.contact = overlay(stored.contact as Record<string, unknown>, mine.contact) as CasePatch['contact'];
  return patch;
}

type Form = UseFormReturnType<ProfileValues>;

function useCountries() {
  const { t } = useTranslation();
  return [{ value: '', label: t('common.choose') }, ...COMMON_COUNTRIES.map((c) => ({ value: c, label: countryName(c) })).sort((a, b) => a.label.localeCompare(b.label))];
}

export function IdentityFields({ form }: { form: Form }) {
  const { t } = useTranslation();
  const countries = useCountries();
  const yearOnly = form.getValues().birthYearOnly;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <TextInput label={t('profile.givenName')} required autoComplete="off" {...form.getInputProps('identity.givenName')} key={form.key('identity.givenName')} />
        <TextInput label={t('profile.familyName')} required autoComplete="off" {...form.getInputProps('identity.familyName')} key={form.key('identity.familyName')} />
        <NativeSelect
          label={t('profile.sex')}
          required
          data={[{ value: '', label: t('common.choose') }, ...SEXES.map((x) => ({ value: x, label: t(`profile.sexes.${x}`) }))]}
          {...form.getInputProps('identity.sex')}
          key={form.key('identity.sex')}
        />
        <NativeSelect label={t('profile.nationality')} data={countries} {...form.getInputProps('identity.nationality')} key={form.key('identity.nationality')} />
        {yearOnly ? (
          <TextInput label={t('profile.birthYear')} inputMode="numeric" maxLength={4} {...form.getInputProps('identity.birthYear')} key={form.key('identity.birthYear')} />
        ) : (
          <TextInput label={t('profile.dateOfBirth')} type="date" max={new Date().toISOString().slice(0, 10)} {...form.getInputProps('identity.dateOfBirth')} key={form.key('identity.dateOfBirth')} />
        )}
        <Checkbox mt={{ base: 0, sm: 34 }} label={t('profile.birthYearOnly')} {...form.getInputProps('birthYearOnly', { type: 'checkbox' })} key={form.key('birthYearOnly')} />
      </SimpleGrid>
      <NativeSelect
        label={t('profile.category')}
        data={[{ value: '', label: t('common.choose') }, ...CATEGORIES.map((c) => ({ value: c, label: t(`case.category.${c}`) }))]}
        {...form.getInputProps('migrantCategory')}
        key={form.key('migrantCategory')}
      />
      <Checkbox.Group label={t('profile.languages')} {...form.getInputProps('identity.languages')} key={form.key('identity.languages')}>
        <Group gap="md" mt="xs">
          {LANGUAGES.map((l) => (
            <Checkbox key={l} value={l} label={t(`languages.${l}`)} />
          ))}
        </Group>
      </Checkbox.Group>
    </Stack>
  );
}

export function JourneyFields({ form }: { form: Form }) {
  const { t } = useTranslation();
  const countries = useCountries();
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <NativeSelect label={t('profile.countryOfOrigin')} data={countries} {...form.getInputProps('journey.countryOfOrigin')} key={form.key('journey.countryOfOrigin')} />
        <TextInput label={t('profile.placeOfOrigin')} {...form.getInputProps('journey.placeOfOrigin')} key={form.key('journey.placeOfOrigin')} />
        <NativeSelect label={t('profile.intendedDestination')} data={countries} {...form.getInputProps('journey.intendedDestination')} key={form.key('journey.intendedDestination')} />
        <NativeSelect
          label={t('profile.travellingWith')}
          data={[{ value: '', label: t('common.choose') }, ...TRAVELLING_WITH.map((x) => ({ value: x, label: t(`profile.travelling.${x}`) }))]}
          {...form.getInputProps('journey.travellingWith')}
          key={form.key('journey.travellingWith')}
        />
      </SimpleGrid>
      <TextInput label={t('profile.route')} description={t('profile.routeHelp')} {...form.getInputProps('journey.route')} key={form.key('journey.route')} />
      <Checkbox.Group label={t('profile.reasons')} {...form.getInputProps('journey.reasonsForMigration')} key={form.key('journey.reasonsForMigration')}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
          {REASONS.map((r) => (
            <Checkbox key={r} value={r} label={t(`profile.reason.${r}`)} />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
    </Stack>
  );
}

export function VulnerabilityFields({ form, sensitive }: { form: Form; sensitive: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Checkbox.Group label={t('profile.vulnerabilities')} {...form.getInputProps('vulnerabilities')} key={form.key('vulnerabilities')}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
          {VULNERABILITIES.map((v) => (
            <Checkbox key={v} value={v} label={t(`vulnerability.${v}`)} />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
      {sensitive && (
        <Textarea
          label={t('profile.narrative')}
          description={t('profile.narrativeHelp')}
          autosize
          minRows={3}
          {...form.getInputProps('sensitive.narrative')}
          key={form.key('sensitive.narrative')}
        />
      )}
    </Stack>
  );
}

export function ContactFields({ form }: { form: Form }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
      <TextInput label={t('profile.phone')} type="tel" inputMode="tel" placeholder="+223…" {...form.getInputProps('contact.phone')} key={form.key('contact.phone')} />
      <TextInput label={t('profile.altPhone')} type="tel" inputMode="tel" {...form.getInputProps('contact.altPhone')} key={form.key('contact.altPhone')} />
      <TextInput label={t('profile.address')} {...form.getInputProps('contact.address')} key={form.key('contact.address')} />
      <TextInput label={t('profile.contactPerson')} {...form.getInputProps('contact.contactPerson')} key={form.key('contact.contactPerson')} />
    </SimpleGrid>
  );
}

/** Required before leaving the identity step (the server checks again). */
export function validateIdentity(t: (k: string) => string) {
  return {
    identity: {
      givenName: (v: string) => (v.trim() ? null : t('form.required')),
      familyName: (v: string) => (v.trim() ? null : t('form.required')),
      sex: (v: string) => (v ? null : t('form.required')),
      birthYear: (v: string, all: ProfileValues) => (!all.birthYearOnly || !v || /^(19|20)\d\d$/.test(v) ? null : t('form.year')),
    },
  };
}
