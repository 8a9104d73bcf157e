import { Alert, Badge, Button, Card, Checkbox, Group, List, NativeSelect, SimpleGrid, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { COMMON_COUNTRIES, countryName, formatDateTime } from '../../../lib/format';
import { SubmissionKey } from '../../../lib/ids';
import { fieldErrors, Problem } from '../../../lib/problems';
import { may } from '../actions';
import { type Case, type Screening, type ScreeningInput, useScreen, useScreenings } from '../api';
import { FIT_TO_TRAVEL, TRAVEL_DOCUMENT } from '../vocabulary';

const OUTCOME_COLOR: Record<string, string> = { eligible: 'teal.9', not_eligible: 'gray.7', pending: 'yellow.9', referred_protection: 'violet.9' };

export function Outcome({ s }: { s: Screening }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge color={OUTCOME_COLOR[s.outcome] ?? 'gray.7'} variant="filled" size="lg">
          {t(`screening.outcome.${s.outcome}`)}
        </Badge>
        <Text size="sm" c="gray.7">
          {formatDateTime(s.screenedAt)}
        </Text>
      </Group>
      {s.reasons.length > 0 && (
        <List size="sm">
          {s.reasons.map((r) => (
            <List.Item key={r}>{t(`screening.reason.${r}`, { defaultValue: r })}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

export function ScreeningsTab({ kase }: { kase: Case }) {
  const { t } = useTranslation();
  const screenings = useScreenings(kase.id);
  const screen = useScreen(kase.id);
  const key = useRef(new SubmissionKey());
  const [open, setOpen] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      wishesToReturn: false,
      countryOfReturn: kase.identity.nationality ?? '',
      nationalityConfirmed: false,
      asylumSeekerOrRefugee: false,
      travelDocument: 'obtainable',
      bestInterestsDeterminationDone: false,
      fitToTravel: 'not_required',
    },
  });
  const [latest, ...history] = screenings.data ?? [];

  const submit = form.onSubmit(async (v) => {
    const body = { ...v, countryOfReturn: v.countryOfReturn || undefined } as ScreeningInput;
    try {
      await screen.mutateAsync({ body, key: key.current.current });
      key.current.answered();
      setOpen(false);
    } catch (e) {
      if (e instanceof Problem && e.status !== 0) key.current.answered();
      form.setErrors(fieldErrors(t, e));
    }
  });

  return (
    <Stack gap="md">
      <Card withBorder>
        <Text fw={700} mb="xs">
          {t('screening.latest')}
        </Text>
        {latest ? <Outcome s={latest} /> : <Text c="gray.7">{t('screening.none')}</Text>}
      </Card>
      {may(kase, 'screen') && !open && (
        <Group>
          <Button onClick={() => setOpen(true)}>{t('screening.run')}</Button>
        </Group>
      )}
      {open && (
        <Card withBorder>
          <form onSubmit={submit} noValidate>
            <Stack gap="sm">
              <Checkbox label={t('screening.q.wishesToReturn')} {...form.getInputProps('wishesToReturn', { type: 'checkbox' })} />
              <NativeSelect
                label={t('screening.q.countryOfReturn')}
                data={[{ value: '', label: t('common.choose') }, ...COMMON_COUNTRIES.map((c) => ({ value: c, label: countryName(c) }))]}
                {...form.getInputProps('countryOfReturn')}
              />
              <Checkbox label={t('screening.q.nationalityConfirmed')} {...form.getInputProps('nationalityConfirmed', { type: 'checkbox' })} />
              <Checkbox label={t('screening.q.asylumSeekerOrRefugee')} {...form.getInputProps('asylumSeekerOrRefugee', { type: 'checkbox' })} />
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <NativeSelect label={t('screening.q.travelDocument')} data={TRAVEL_DOCUMENT.map((d) => ({ value: d, label: t(`screening.travelDocument.${d}`) }))} {...form.getInputProps('travelDocument')} />
                <NativeSelect label={t('screening.q.fitToTravel')} data={FIT_TO_TRAVEL.map((d) => ({ value: d, label: t(`screening.fit.${d}`) }))} {...form.getInputProps('fitToTravel')} />
              </SimpleGrid>
              <Checkbox label={t('screening.q.bestInterestsDeterminationDone')} {...form.getInputProps('bestInterestsDeterminationDone', { type: 'checkbox' })} />
              <ProblemAlert error={screen.error} />
              <Group>
                <Button type="submit" loading={screen.isPending}>
                  {t('screening.submit')}
                </Button>
                <Button variant="default" onClick={() => setOpen(false)}>
                  {t('common.cancel')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      )}
      {screen.data && !open && (
        <Alert color="blue" role="status" title={t('screening.result')}>
          <Outcome s={screen.data} />
        </Alert>
      )}
      {history.length > 0 && (
        <Stack gap="xs">
          <Text fw={700}>{t('screening.history')}</Text>
          {history.map((s) => (
            <Card key={s.id} withBorder padding="sm">
              <Outcome s={s} />
            </Card>
          ))}
        </Stack>
      )}
      <ProblemAlert error={screenings.error} />
    </Stack>
  );
}
