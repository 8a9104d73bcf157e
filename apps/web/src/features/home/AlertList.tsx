import { Button, Card, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime } from '../../lib/format';
import { type Alert, useAcknowledgeAlert } from './api';

export function AlertList({ alerts, limit }: { alerts: Alert[]; limit?: number }) {
  const { t } = useTranslation();
  const ack = useAcknowledgeAlert();
  const shown = limit ? alerts.slice(0, limit) : alerts;
  if (!alerts.length) return <Text c="gray.7">{t('alerts.none')}</Text>;
  return (
    <Stack gap="xs">
      <ProblemAlert error={ack.error} />
      {shown.map((a) => (
        <Card key={a.id} withBorder padding="sm">
          <Group justify="space-between" wrap="wrap">
            <Stack gap={2}>
              <Text fw={600}>{t(`alerts.type.${a.type}`, { defaultValue: t('alerts.type.other') })}</Text>
              <Text size="sm" c="gray.7">
                {formatDateTime(a.createdAt)}
              </Text>
            </Stack>
            <Button variant="default" loading={ack.isPending && ack.variables === a.id} onClick={() => ack.mutate(a.id)}>
              {t('alerts.acknowledge')}
            </Button>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
