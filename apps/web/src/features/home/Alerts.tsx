import { Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Page } from '../../components/Page';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useOpenAlerts } from './api';
import { AlertList } from './AlertList';

export function Alerts() {
  const { t } = useTranslation();
  const alerts = useOpenAlerts();
  return (
    <Page title={t('alerts.title')}>
      {alerts.isPending ? <Loader aria-label={t('common.loading')} /> : alerts.error ? <ProblemAlert error={alerts.error} /> : <AlertList alerts={alerts.data} />}
    </Page>
  );
}
