import { Stack, Text, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { formatDateTime } from '../../../lib/format';
import { type Case, useTimeline } from '../api';

export function TimelineTab({ kase }: { kase: Case }) {
  const { t } = useTranslation();
  const timeline = useTimeline(kase.id);
  if (timeline.error) return <ProblemAlert error={timeline.error} />;
  const items = [...(timeline.data ?? [])].reverse();
  return (
    <Stack>
      {items.length === 0 && !timeline.isPending && <Text c="gray.7">{t('timeline.none')}</Text>}
      <Timeline bulletSize={14} lineWidth={2}>
        {items.map((e, i) => (
          <Timeline.Item key={`${e.at}-${i}`} title={t(`timeline.type.${e.type}`, { defaultValue: t('timeline.other') })}>
            <Text size="sm" c="gray.7">
              {formatDateTime(e.at)}
              {/* A creation sets every field: counting them says nothing. */}
              {e.changedFields?.length && !e.type.endsWith('.created') ? ` · ${t('timeline.changed', { count: e.changedFields.length })}` : ''}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </Stack>
  );
}
