import { Anchor, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useCases } from '../cases/api';
import { CaseRows } from '../cases/CaseRows';
import { recentlyOpened } from '../cases/recent';
import { hasRole, type Me, useSession } from '../session/session';
import { useOpenAlerts } from './api';
import { AlertList } from './AlertList';

/** A caseworker's day: the cases assigned to me, what I opened lately, my alerts. */
export function Home() {
  const session = useSession();
  if (session.status !== 'signedIn') return null;
  return hasRole(session.me, 'caseworker', 'manager') ? <CaseworkerHome me={session.me} /> : <OtherHome me={session.me} />;
}

function CaseworkerHome({ me }: { me: Me }) {
  const { t } = useTranslation();
  const mine = useCases({ assignedTo: me.user.id, status: 'open' });
  const alerts = useOpenAlerts();
  const recent = recentlyOpened();
  return (
    <Page
      title={t('home.hello', { name: me.user.displayName })}
      actions={
        <Button component={Link} to="/cases/new">
          {t('nav.register')}
        </Button>
      }
    >
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="sm">
          <Title order={2} size="h3">
            {t('home.assigned')}
          </Title>
          {mine.isPending ? (
            <Loader aria-label={t('common.loading')} />
          ) : mine.error ? (
            <ProblemAlert error={mine.error} />
          ) : mine.data.items.length ? (
            <CaseRows cases={mine.data.items} />
          ) : (
            <Text c="gray.7">{t('home.noneAssigned')}</Text>
          )}
          <Anchor component={Link} to="/cases">
            {t('home.allCases')}
          </Anchor>
        </Stack>
        <Stack gap="lg">
          <Stack gap="sm" id="alerts">
            <Title order={2} size="h3">
              {t('home.alerts')}
            </Title>
            {alerts.isPending ? <Loader aria-label={t('common.loading')} /> : alerts.error ? <ProblemAlert error={alerts.error} /> : <AlertList alerts={alerts.data} limit={5} />}
          </Stack>
          <Stack gap="sm">
            <Title order={2} size="h3">
              {t('home.recent')}
            </Title>
            {recent.length ? (
              <Group gap="xs">
                {recent.map((r) => (
                  <Button key={r.id} component={Link} to={`/cases/${r.id}`} variant="light">
                    {r.caseNumber}
                  </Button>
                ))}
              </Group>
            ) : (
              <Text c="gray.7">{t('home.noRecent')}</Text>
            )}
          </Stack>
        </Stack>
      </SimpleGrid>
    </Page>
  );
}

/** Roles whose screens come in the next parts (partners, managers' boards, analysts, auditors, admins). */
function OtherHome({ me }: { me: Me }) {
  const { t } = useTranslation();
  return (
    <Page title={t('home.hello', { name: me.user.displayName })}>
      <Card withBorder>
        <Text>{t('home.otherRoles', { roles: me.roles.map((r) => t(`roles.${r}`)).join(', ') })}</Text>
      </Card>
    </Page>
  );
}
