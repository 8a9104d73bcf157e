import { Badge, Button, Card, Group, Modal, NativeSelect, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { formatDateTime } from '../../../lib/format';
import { SubmissionKey } from '../../../lib/ids';
import { Problem } from '../../../lib/problems';
import { may } from '../actions';
import { type Case, type Consent, type ConsentInput, useConsents, useRecordConsent, useWithdrawConsent } from '../api';
import { CONSENT_METHODS, CONSENT_PURPOSES } from '../vocabulary';

export function ConsentsTab({ kase }: { kase: Case }) {
  const { t } = useTranslation();
  const consents = useConsents(kase.id);
  const record = useRecordConsent(kase.id);
  const withdraw = useWithdrawConsent(kase.id);
  const key = useRef(new SubmissionKey());
  const [withdrawing, setWithdrawing] = useState<Consent | null>(null);
  const [reason, setReason] = useState('');
  const form = useForm({ mode: 'controlled', initialValues: { purpose: 'referral', basis: 'consent', method: 'verbal' } });
  const canChange = may(kase, 'consent');

  const grant = form.onSubmit(async (v) => {
    try {
      await record.mutateAsync({ body: v as ConsentInput, key: key.current.current });
      key.current.answered();
      form.reset();
    } catch (e) {
      if (e instanceof Problem && e.status !== 0) key.current.answered();
    }
  });

  return (
    <Stack gap="md">
      {canChange && (
        <Card withBorder>
          <form onSubmit={grant} noValidate>
            <Stack gap="sm">
              <Text fw={700}>{t('consent.grant')}</Text>
              <Group grow align="flex-end" wrap="wrap">
                <NativeSelect label={t('consent.purposeLabel')} data={CONSENT_PURPOSES.map((p) => ({ value: p, label: t(`consent.purpose.${p}`) }))} {...form.getInputProps('purpose')} />
                <NativeSelect
                  label={t('register.basis')}
                  data={(['consent', 'vital_interest'] as const).map((b) => ({ value: b, label: t(`consent.basis.${b}`) }))}
                  {...form.getInputProps('basis')}
                />
                <NativeSelect label={t('register.method')} data={CONSENT_METHODS.map((m) => ({ value: m, label: t(`consent.method.${m}`) }))} {...form.getInputProps('method')} />
              </Group>
              <ProblemAlert error={record.error} />
              <Group>
                <Button type="submit" loading={record.isPending}>
                  {t('consent.record')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      )}
      <ProblemAlert error={consents.error ?? withdraw.error} />
      <Stack gap="xs">
        {(consents.data ?? []).map((c) => (
          <Card key={c.id} withBorder padding="sm">
            <Group justify="space-between" wrap="wrap">
              <Stack gap={2}>
                <Group gap="xs">
                  <Text fw={700}>{t(`consent.purpose.${c.purpose}`)}</Text>
                  <Badge color={c.active ? 'teal.9' : 'gray.7'} variant="filled">
                    {c.active ? t('consent.active') : t('consent.withdrawn')}
                  </Badge>
                </Group>
                <Text size="sm" c="gray.7">
                  {[t(`consent.basis.${c.basis}`), t(`consent.method.${c.method}`), formatDateTime(c.recordedAt)].join(' · ')}
                  {c.withdrawnAt ? ` · ${t('consent.withdrawnOn', { date: formatDateTime(c.withdrawnAt) })}` : ''}
                </Text>
              </Stack>
              {canChange && c.active && (
                <Button variant="outline" color="red" onClick={() => setWithdrawing(c)}>
                  {t('consent.withdraw')}
                </Button>
              )}
            </Group>
          </Card>
        ))}
        {consents.data?.length === 0 && <Text c="gray.7">{t('consent.none')}</Text>}
      </Stack>
      <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={withdrawing !== null} onClose={() => setWithdrawing(null)} title={t('consent.withdrawTitle')}>
        <Stack gap="sm">
          <Text>{t('consent.withdrawText', { purpose: withdrawing ? t(`consent.purpose.${withdrawing.purpose}`) : '' })}</Text>
          <Textarea label={t('consent.withdrawReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setWithdrawing(null)}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={withdraw.isPending}
              onClick={async () => {
                if (!withdrawing) return;
                await withdraw.mutateAsync({ consentId: withdrawing.id, reason: reason.trim() || undefined }).catch(() => undefined);
                setWithdrawing(null);
                setReason('');
              }}
            >
              {t('consent.confirmWithdraw')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
