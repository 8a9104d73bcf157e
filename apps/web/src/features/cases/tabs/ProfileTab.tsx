import { Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notify } from '../../../lib/notify';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { countryName, formatDay } from '../../../lib/format';
import { fieldErrors, Problem } from '../../../lib/problems';
import { may } from '../actions';
import { type Case, caseKey, fetchCase, useUpdateCase, type VersionedCase } from '../api';
import { ConflictView } from '../ConflictView';
import { ContactFields, IdentityFields, JourneyFields, patchOf, type ProfileValues, profileOf, VulnerabilityFields } from '../profile';

export function ProfileTab({ data }: { data: VersionedCase }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const c = data.case;
  if (editing) return <ProfileEditor data={data} onDone={() => setEditing(false)} />;
  const flags = (c.vulnerabilities ?? []) as { flag: string }[];
  const item = (label: string, value: string | undefined | null) => (
    <div>
      <Text size="sm" c="gray.7">
        {label}
      </Text>
      <Text>{value || '—'}</Text>
    </div>
  );
  return (
    <Stack gap="md">
      {may(c, 'edit') && (
        <Group>
          <Button onClick={() => setEditing(true)}>{t('profile.edit')}</Button>
        </Group>
      )}
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('register.step.identity')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {item(t('profile.givenName'), c.identity.givenName)}
          {item(t('profile.familyName'), c.identity.familyName)}
          {item(t('profile.sex'), t(`profile.sexes.${c.identity.sex}`))}
          {item(t('profile.dateOfBirth'), c.identity.dateOfBirth ? formatDay(c.identity.dateOfBirth) : c.identity.birthYear ? t('case.bornAround', { year: c.identity.birthYear }) : '')}
          {item(t('profile.nationality'), countryName(c.identity.nationality))}
          {item(t('profile.languages'), (c.identity.languages ?? []).map((l) => t(`languages.${l}`, { defaultValue: l })).join(', '))}
          {item(t('profile.category'), c.migrantCategory ? t(`case.category.${c.migrantCategory}`) : '')}
        </SimpleGrid>
      </Card>
      {c.journey && (
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('register.step.journey')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            {item(t('profile.countryOfOrigin'), countryName(c.journey.countryOfOrigin))}
            {item(t('profile.placeOfOrigin'), c.journey.placeOfOrigin)}
            {item(t('profile.intendedDestination'), countryName(c.journey.intendedDestination))}
            {item(t('profile.route'), (c.journey.route ?? []).join(' → '))}
            {item(t('profile.reasons'), (c.journey.reasonsForMigration ?? []).map((r) => t(`profile.reason.${r}`)).join(', '))}
            {item(t('profile.travellingWith'), c.journey.travellingWith ? t(`profile.travelling.${c.journey.travellingWith}`) : '')}
          </SimpleGrid>
        </Card>
      )}
      {c.vulnerabilities && (
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('register.step.vulnerabilities')}
          </Title>
          <Text>{flags.length ? flags.map((f) => t(`vulnerability.${f.flag}`)).join(', ') : t('profile.noVulnerability')}</Text>
        </Card>
      )}
      {c.contact && (
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('register.step.contact')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {item(t('profile.phone'), c.contact.phone)}
            {item(t('profile.altPhone'), c.contact.altPhone)}
            {item(t('profile.address'), c.contact.address)}
            {item(t('profile.contactPerson'), c.contact.contactPerson)}
          </SimpleGrid>
        </Card>
      )}
    </Stack>
  );
}

function ProfileEditor({ data, onDone }: { data: VersionedCase; onDone: () => void }) {
  const { t } = useTranslation();
  // What the edit started from: the version its If-Match names and the values shown then.
  const [base, setBase] = useState<{ etag: string; values: ProfileValues; case: Case }>({ etag: data.etag, values: profileOf(data.case), case: data.case });
  const form = useForm<ProfileValues>({ mode: 'controlled', initialValues: base.values });
  const qc = useQueryClient();
  const update = useUpdateCase(data.case.id);
  const [conflict, setConflict] = useState<VersionedCase | null>(null);

  const save = async (etag: string, from: ProfileValues, stored: Case) => {
    const patch = patchOf(stored, from, form.getValues());
    if (!Object.keys(patch).length) return onDone();
    try {
      await update.mutateAsync({ patch, etag });
      notify({ color: 'green', message: t('profile.saved') });
      onDone();
    } catch (e) {
      if (e instanceof Problem && e.code === 'VERSION_CONFLICT') {
        // Someone saved meanwhile: show both, overwrite nothing.
        // Their version, fetched once and put in the cache (the header shows it too).
        const theirs = await qc.fetchQuery({ queryKey: caseKey(data.case.id), queryFn: () => fetchCase(data.case.id), staleTime: 0 }).catch(() => null);
        if (theirs) setConflict(theirs);
        return;
      }
      form.setErrors(fieldErrors(t, e));
    }
  };

  if (conflict) {
    return (
      <ConflictView
        base={base.values}
        theirs={profileOf(conflict.case)}
        mine={form.getValues()}
        onReapply={() => {
          // My changes, on top of their version: the next save names their ETag.
          const theirs = profileOf(conflict.case);
          const mine = form.getValues();
          const merged = { ...theirs } as ProfileValues;
          for (const s of ['identity', 'migrantCategory', 'journey', 'vulnerabilities', 'contact'] as const) {
            if (JSON.stringify(base.values[s]) !== JSON.stringify(mine[s])) (merged as unknown as Record<string, unknown>)[s] = mine[s];
          }
          if (base.values.birthYearOnly !== mine.birthYearOnly) merged.birthYearOnly = mine.birthYearOnly;
          setBase({ etag: conflict.etag, values: theirs, case: conflict.case });
          form.setValues(merged);
          setConflict(null);
        }}
        onDiscard={() => {
          setBase({ etag: conflict.etag, values: profileOf(conflict.case), case: conflict.case });
          form.setValues(profileOf(conflict.case));
          setConflict(null);
          onDone();
        }}
      />
    );
  }

  return (
    <form
      noValidate
      onSubmit={form.onSubmit(() => void save(base.etag, base.values, base.case))}
    >
      <Stack gap="lg">
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('register.step.identity')}
          </Title>
          <IdentityFields form={form} />
        </Card>
        {base.case.journey && (
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              {t('register.step.journey')}
            </Title>
            <JourneyFields form={form} />
          </Card>
        )}
        {base.case.vulnerabilities && (
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              {t('register.step.vulnerabilities')}
            </Title>
            <VulnerabilityFields form={form} sensitive={false} />
          </Card>
        )}
        {base.case.contact && (
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              {t('register.step.contact')}
            </Title>
            <ContactFields form={form} />
          </Card>
        )}
        <ProblemAlert error={update.error instanceof Problem && update.error.code === 'VERSION_CONFLICT' ? null : update.error} />
        <Group>
          <Button type="submit" loading={update.isPending}>
            {t('common.save')}
          </Button>
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
