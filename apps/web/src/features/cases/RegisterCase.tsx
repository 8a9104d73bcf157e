import { Alert, Anchor, Button, Checkbox, Group, List, NativeSelect, Radio, SimpleGrid, Stack, Stepper, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notify } from '../../lib/notify';
import { useNavigate } from 'react-router';
import { Page } from '../../components/Page';
import { ProblemAlert } from '../../components/ProblemAlert';
import { countryName, formatDay } from '../../lib/format';
import { SubmissionKey } from '../../lib/ids';
import { fieldErrors, Problem, problemMessage } from '../../lib/problems';
import { hasRole, type Me, useSession } from '../session/session';
import { pickSite, useCurrentSiteId, useMySites } from '../session/sites';
import { type ConsentInput, recordConsent, useDuplicateCheck, useRegisterCase } from './api';
import { personName } from './CaseRows';
import { ContactFields, emptyProfile, IdentityFields, JourneyFields, type ProfileValues, sectionsOf, validateIdentity, VulnerabilityFields } from './profile';
import { CONSENT_METHODS, CONSENT_PURPOSES } from './vocabulary';

interface RegisterValues extends ProfileValues {
  siteId: string;
  consent: { basis: 'consent' | 'vital_interest'; method: string; purposes: string[] };
}

/** Which step holds a field, to go back to it when the server refuses it. */
const STEP_OF: [RegExp, number][] = [
  [/^(identity|migrantCategory|siteId)/, 0],
  [/^journey/, 1],
  [/^(vulnerabilities|sensitive)/, 2],
  [/^contact/, 3],
  [/^consent/, 4],
];

export function RegisterCase() {
  const session = useSession();
  if (session.status !== 'signedIn') return null;
  return <RegisterForm me={session.me} />;
}

function RegisterForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const sites = useMySites(me);
  const chosenSite = pickSite(sites.data, useCurrentSiteId(me.user.id));
  const [step, setStep] = useState(0);
  // On a phone the five labels do not fit in a row: numbers only, and the current step named above.
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const STEPS = ['identity', 'journey', 'vulnerabilities', 'contact', 'consents'] as const;
  const stepLabel = (i: number) => (phone ? undefined : t(`register.step.${STEPS[i]}`));
  // Without a visible label, the step button is named "Step 2 of 5: Journey" (its visible "2" included).
  const stepName = (i: number) => (phone ? t('register.stepOf', { n: i + 1, total: STEPS.length, label: t(`register.step.${STEPS[i]}`) }) : undefined);
  const submission = useRef(new SubmissionKey());
  const register = useRegisterCase();
  const [error, setError] = useState<unknown>(null);

  const form = useForm<RegisterValues>({
    mode: 'controlled',
    initialValues: { ...emptyProfile(), siteId: '', consent: { basis: 'consent', method: 'verbal', purposes: ['registration'] } },
    validate: (values) => {
      if (step !== 0) return {};
      const v = validateIdentity(t);
      const errors: Record<string, string | null> = {
        'identity.givenName': v.identity.givenName(values.identity.givenName),
        'identity.familyName': v.identity.familyName(values.identity.familyName),
        'identity.sex': v.identity.sex(values.identity.sex),
        'identity.birthYear': v.identity.birthYear(values.identity.birthYear, values),
      };
      return Object.fromEntries(Object.entries(errors).filter(([, e]) => e));
    },
  });
  const values = form.getValues();
  const siteId = values.siteId || chosenSite?.id || '';

  // Live duplicate warning: once both names are typed, with the birth date and nationality when known.
  const [probe] = useDebouncedValue(
    values.identity.givenName.trim().length >= 2 && values.identity.familyName.trim().length >= 2
      ? {
          givenName: values.identity.givenName.trim(),
          familyName: values.identity.familyName.trim(),
          ...(values.birthYearOnly ? (/^\d{4}$/.test(values.identity.birthYear) ? { birthYear: Number(values.identity.birthYear) } : {}) : values.identity.dateOfBirth ? { dateOfBirth: values.identity.dateOfBirth } : {}),
          ...(values.identity.nationality ? { nationality: values.identity.nationality } : {}),
        }
      : null,
    400,
  );
  const duplicates = useDuplicateCheck(probe);

  const next = () => {
    if (form.validate().hasErrors) return;
    setStep((s) => Math.min(s + 1, 4));
  };

  const submit = async () => {
    if (!siteId) return;
    setError(null);
    const sections = sectionsOf(values);
    const vital = values.consent.basis === 'vital_interest';
    const consent: ConsentInput = { purpose: 'registration', basis: values.consent.basis, method: values.consent.method as ConsentInput['method'] };
    try {
      const created = await register.mutateAsync({ body: { siteId, ...sections, consent: vital || values.consent.purposes.includes('registration') ? consent : undefined }, key: submission.current.current });
      submission.current.answered();
      // The other purposes the migrant agreed to, each its own consent record (and its own key).
      const failed: string[] = [];
      for (const purpose of values.consent.purposes.filter((p) => p !== 'registration')) {
        try {
          await recordConsent(created.id, { purpose: purpose as ConsentInput['purpose'], basis: 'consent', method: consent.method }, new SubmissionKey().current);
        } catch {
          failed.push(purpose);
        }
      }
      notify({ color: 'green', title: t('register.done'), message: t('register.doneText', { number: created.caseNumber }) });
      if (failed.length) notify({ color: 'red', message: t('register.consentsFailed', { purposes: failed.map((p) => t(`consent.purpose.${p}`)).join(', ') }), sticky: true });
      navigate(`/cases/${created.id}`);
    } catch (e) {
      // Nothing typed is lost: the form keeps every value; the fields the server named are marked.
      if (e instanceof Problem && e.status !== 0) submission.current.answered();
      setError(e);
      const errs = fieldErrors(t, e);
      form.setErrors(errs);
      const first = Object.keys(errs)[0];
      const target = first ? STEP_OF.find(([re]) => re.test(first))?.[1] : undefined;
      if (target !== undefined) setStep(target);
    }
  };

  const candidates = duplicates.data ?? [];
  const sensitiveAllowed = hasRole(me, 'manager', 'caseworker');

  return (
    <Page title={t('register.title')}>
      {candidates.length > 0 && (
        <Alert color="orange" role="status" title={t('register.duplicatesTitle')}>
          <Text size="sm" mb="xs">
            {t('register.duplicatesText')}
          </Text>
          <List spacing="xs">
            {candidates.slice(0, 5).map((d) => (
              <List.Item key={d.case.id}>
                <Anchor href={`/cases/${d.case.id}`} target="_blank" rel="noopener" c="blue.9" underline="always">
                  {t('register.openExisting', { name: personName(d.case), number: d.case.caseNumber })}
                </Anchor>
                <Text span size="sm" c="gray.8">
                  {' '}
                  · {[formatDay(d.case.identity.dateOfBirth) || d.case.identity.birthYear, countryName(d.case.identity.nationality), t('register.similarity', { pct: Math.round(d.score * 100) })].filter(Boolean).join(' · ')}
                </Text>
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (step < 4) next();
          else void submit();
        }}
      >
        {phone && (
          <Text fw={700} mb="xs">
            {t('register.stepOf', { n: step + 1, total: STEPS.length, label: t(`register.step.${STEPS[step]}`) })}
          </Text>
        )}
        <Stepper active={step} onStepClick={(s) => (s < step || !form.validate().hasErrors ? setStep(s) : undefined)} size="sm" iconSize={44} allowNextStepsSelect={false} wrap={false}>
          <Stepper.Step label={stepLabel(0)} aria-label={stepName(0)}>
            <Stack gap="md" mt="md">
              {sites.data && sites.data.length > 1 && (
                <NativeSelect label={t('register.site')} value={siteId} onChange={(e) => form.setFieldValue('siteId', e.currentTarget.value)} data={sites.data.map((s) => ({ value: s.id, label: s.name }))} />
              )}
              <IdentityFields form={form as never} />
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={stepLabel(1)} aria-label={stepName(1)}>
            <Stack mt="md">
              <JourneyFields form={form as never} />
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={stepLabel(2)} aria-label={stepName(2)}>
            <Stack mt="md">
              <VulnerabilityFields form={form as never} sensitive={sensitiveAllowed} />
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={stepLabel(3)} aria-label={stepName(3)}>
            <Stack mt="md">
              <ContactFields form={form as never} />
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={stepLabel(4)} aria-label={stepName(4)}>
            <Stack gap="md" mt="md">
              <Radio.Group label={t('register.basis')} {...form.getInputProps('consent.basis')}>
                <Stack gap="xs" mt="xs">
                  <Radio value="consent" label={t('consent.basis.consent')} />
                  <Radio value="vital_interest" label={t('consent.basis.vital_interest')} />
                </Stack>
              </Radio.Group>
              <NativeSelect
                label={t('register.method')}
                data={CONSENT_METHODS.map((m) => ({ value: m, label: t(`consent.method.${m}`) }))}
                {...form.getInputProps('consent.method')}
              />
              <Checkbox.Group label={t('register.purposes')} description={t('register.purposesHelp')} {...form.getInputProps('consent.purposes')}>
                <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
                  {CONSENT_PURPOSES.map((p) => (
                    <Checkbox key={p} value={p} label={t(`consent.purpose.${p}`)} />
                  ))}
                </SimpleGrid>
              </Checkbox.Group>
              {values.consent.basis === 'consent' && !values.consent.purposes.includes('registration') && (
                <Alert color="yellow" role="status">
                  {t('register.registrationConsentNeeded')}
                </Alert>
              )}
            </Stack>
          </Stepper.Step>
        </Stepper>
        <Stack gap="sm" mt="lg">
          {error !== null && <ProblemAlert error={error} title={t('register.failed')} />}
          {error instanceof Problem && error.code === 'IDEMPOTENCY_KEY_REUSED' && <Text size="sm">{problemMessage(t, error)}</Text>}
          <Group justify="space-between">
            <Button variant="default" onClick={() => setStep((s) => Math.max(0, s - 1))} disabled={step === 0}>
              {t('common.back')}
            </Button>
            {step < 4 ? (
              <Button type="submit">{t('common.next')}</Button>
            ) : (
              <Button type="submit" loading={register.isPending} disabled={!siteId}>
                {t('register.submit')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Page>
  );
}
