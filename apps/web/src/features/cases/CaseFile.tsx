import { Alert, Badge, Button, Card, Group, Loader, Modal, NativeSelect, Stack, Tabs, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notify } from '../../lib/notify';
import { useParams, useSearchParams } from 'react-router';
import { NotFound } from '../../components/NotFound';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDate } from '../../lib/format';
import { problemMessage } from '../../lib/problems';
import { useSession } from '../session/session';
import { useMySites } from '../session/sites';
import { may } from './actions';
import { type Case, isNotFound, useCase, useCaseAction, useColleagues, type VersionedCase } from './api';
import { birthOf, personName } from './CaseRows';
import { rememberOpened } from './recent';
import { ConsentsTab } from './tabs/ConsentsTab';
import { NotesTab } from './tabs/NotesTab';
import { ProfileTab } from './tabs/ProfileTab';
import { ScreeningsTab } from './tabs/ScreeningsTab';
import { TimelineTab } from './tabs/TimelineTab';
import { CLOSURE_REASONS } from './vocabulary';

const TABS = ['profile', 'sensitive', 'consents', 'screenings', 'notes', 'timeline'] as const;
/** What each tab shows (only the open one is mounted). */
const PANELS: Record<(typeof TABS)[number], (d: VersionedCase) => ReactNode> = {
  profile: (d) => <ProfileTab data={d} />,
  sensitive: (d) => <SensitivePanel kase={d.case} />,
  consents: (d) => <ConsentsTab kase={d.case} />,
  screenings: (d) => <ScreeningsTab kase={d.case} />,
  notes: (d) => <NotesTab kase={d.case} />,
  timeline: (d) => <TimelineTab kase={d.case} />,
};

export function CaseFile() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const kase = useCase(id);
  const [params, setParams] = useSearchParams();

  useEffect(() => {
    if (kase.data) rememberOpened(kase.data.case.id, kase.data.case.caseNumber);
  }, [kase.data]);

  if (kase.isPending) return <Loader aria-label={t('common.loading')} />;
  if (isNotFound(kase.error)) return <NotFound />;
  if (kase.error) return <ProblemAlert error={kase.error} />;
  const c = kase.data.case;
  // The sensitive section is in the answer only for those the rules let read it.
  const tabs = TABS.filter((tab) => tab !== 'sensitive' || may(c, 'readSensitive'));
  const tab = (tabs as readonly string[]).includes(params.get('tab') ?? '') ? params.get('tab')! : 'profile';

  return (
    <Stack gap="lg" maw={1100}>
      <CaseHeader kase={c} />
      <Tabs
        value={tab}
        onChange={(v) => {
          const next = new URLSearchParams(params);
          next.set('tab', v ?? 'profile');
          setParams(next, { replace: true });
        }}
      >
        <Tabs.List style={{ overflowX: 'auto', flexWrap: 'nowrap' }}>
          {tabs.map((x) => (
            <Tabs.Tab key={x} value={x} py="md">
              {t(`caseFile.tab.${x}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((x) => (
          <Tabs.Panel key={x} value={x} pt="md">
            {PANELS[x](kase.data)}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

function CaseHeader({ kase }: { kase: Case }) {
  const { t } = useTranslation();
  const session = useSession();
  const me = session.status === 'signedIn' ? session.me : null;
  const sites = useMySites(me);
  const colleagues = useColleagues(may(kase, 'assign') || Boolean(kase.assignedTo));
  const action = useCaseAction(kase.id);
  const [dialog, setDialog] = useState<null | 'assign' | 'close' | 'reopen'>(null);
  const [reason, setReason] = useState<string>('continued_journey');
  const [assignee, setAssignee] = useState<string>('');
  const siteName = sites.data?.find((s) => s.id === kase.siteId)?.name;
  const worker = colleagues.data?.find((u) => u.id === kase.assignedTo)?.displayName;

  const run = async (a: Parameters<typeof action.mutateAsync>[0], done: string) => {
    try {
      await action.mutateAsync(a);
      notify({ color: 'green', message: t(done) });
      setDialog(null);
    } catch {
      /* shown in the dialog */
    }
  };

  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={4}>
            <Text size="sm" c="gray.7" ff="monospace">
              {kase.caseNumber}
            </Text>
            <Title order={1} size="h2">
              {personName(kase)}
            </Title>
            <Text size="sm" c="gray.8">
              {[birthOf(kase, t), siteName, t('case.registeredOn', { date: formatDate(kase.registeredAt) })].filter(Boolean).join(' · ')}
            </Text>
          </Stack>
          <Badge size="lg" color={kase.status === 'open' ? 'teal.9' : 'gray.7'} variant="filled">
            {t(`case.status.${kase.status}`)}
            {kase.closureReason ? ` · ${t(`case.closure.${kase.closureReason}`)}` : ''}
          </Badge>
        </Group>
        <Text size="sm">
          {t('case.caseworker')}: {kase.assignedTo ? (worker ?? t('case.someone')) : t('case.unassigned')}
        </Text>
        <Group gap="sm">
          {may(kase, 'assign') && (
            <Button variant="light" onClick={() => setDialog('assign')}>
              {t('case.assign')}
            </Button>
          )}
          {may(kase, 'close') && (
            <Button variant="light" color="red" onClick={() => setDialog('close')}>
              {t('case.close')}
            </Button>
          )}
          {may(kase, 'reopen') && (
            <Button variant="light" onClick={() => setDialog('reopen')}>
              {t('case.reopen')}
            </Button>
          )}
        </Group>
      </Stack>

      <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={dialog === 'assign'} onClose={() => setDialog(null)} title={t('case.assignTitle')}>
        <Stack gap="sm">
          <NativeSelect
            label={t('case.assignTo')}
            value={assignee}
            onChange={(e) => setAssignee(e.currentTarget.value)}
            data={[{ value: '', label: t('common.choose') }, ...(colleagues.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))]}
          />
          {action.error && <Alert color="red" role="alert">{problemMessage(t, action.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              {t('common.cancel')}
            </Button>
            <Button disabled={!assignee} loading={action.isPending} onClick={() => void run({ kind: 'assign', userId: assignee }, 'case.assigned')}>
              {t('case.assign')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={dialog === 'close'} onClose={() => setDialog(null)} title={t('case.closeTitle')}>
        <Stack gap="sm">
          <NativeSelect label={t('case.closeReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data={CLOSURE_REASONS.map((r) => ({ value: r, label: t(`case.closure.${r}`) }))} />
          {action.error && <Alert color="red" role="alert">{problemMessage(t, action.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" loading={action.isPending} onClick={() => void run({ kind: 'close', reason }, 'case.closed')}>
              {t('case.confirmClose')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={dialog === 'reopen'} onClose={() => setDialog(null)} title={t('case.reopenTitle')}>
        <Stack gap="sm">
          <Text>{t('case.reopenText')}</Text>
          {action.error && <Alert color="red" role="alert">{problemMessage(t, action.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              {t('common.cancel')}
            </Button>
            <Button loading={action.isPending} onClick={() => void run({ kind: 'reopen' }, 'case.reopened')}>
              {t('case.confirmReopen')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

/** The protection narrative: shown only when asked for, never in a list or a cache on the device. */
function SensitivePanel({ kase }: { kase: Case }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const s = kase.sensitive;
  return (
    <Stack gap="sm">
      <Alert color="gray" role="note">
        {t('sensitive.warning')}
      </Alert>
      {!shown ? (
        <Group>
          <Button variant="outline" onClick={() => setShown(true)}>
            {t('sensitive.show')}
          </Button>
        </Group>
      ) : (
        <Card withBorder>
          {s?.narrative || s?.medicalDetails ? (
            <Stack gap="sm">
              {s.narrative && <Text style={{ whiteSpace: 'pre-wrap' }}>{s.narrative}</Text>}
              {s.medicalDetails && <Text style={{ whiteSpace: 'pre-wrap' }}>{s.medicalDetails}</Text>}
            </Stack>
          ) : (
            <Text c="gray.7">{t('sensitive.empty')}</Text>
          )}
          <Button mt="sm" variant="default" onClick={() => setShown(false)}>
            {t('sensitive.hide')}
          </Button>
        </Card>
      )}
    </Stack>
  );
}
