import { Alert, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProfileValues } from './profile';

/** Every leaf of the profile as "path → text", to compare versions field by field. */
function flatten(v: unknown, prefix = ''): Record<string, string> {
  if (Array.isArray(v)) return { [prefix]: v.join(', ') };
  if (v && typeof v === 'object') return Object.assign({}, ...Object.entries(v).map(([k, x]) => flatten(x, prefix ? `${prefix}.${k}` : k)));
  return { [prefix]: v === undefined || v === null ? '' : String(v) };
}

/**
 * A 412: someone saved this case after the user began editing. Their version beside the user's
 * change, field by field; the user reapplies theirs on top, or drops it. Nothing is overwritten silently.
 */
export function ConflictView({ base, theirs, mine, onReapply, onDiscard }: { base: ProfileValues; theirs: ProfileValues; mine: ProfileValues; onReapply: () => void; onDiscard: () => void }) {
  const { t } = useTranslation();
  const [b, th, m] = [flatten(base), flatten(theirs), flatten(mine)];
  const fields = Object.keys({ ...b, ...th, ...m }).filter((k) => k !== 'sensitive.narrative' && (b[k] !== th[k] || b[k] !== m[k]));
  const label = (k: string) => t(`fields.${k}`, { defaultValue: k });
  return (
    <Stack gap="md">
      <Alert color="orange" role="alert" title={t('conflict.title')}>
        {t('conflict.text')}
      </Alert>
      <Title order={2} size="h4">
        {t('conflict.compare')}
      </Title>
      <Table striped withTableBorder layout="fixed" style={{ overflowWrap: 'anywhere' }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('conflict.field')}</Table.Th>
              <Table.Th>{t('conflict.theirs')}</Table.Th>
              <Table.Th>{t('conflict.mine')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.map((k) => (
              <Table.Tr key={k}>
                <Table.Td>{label(k)}</Table.Td>
                <Table.Td fw={b[k] !== th[k] ? 700 : undefined}>{th[k] || '—'}</Table.Td>
                <Table.Td fw={b[k] !== m[k] ? 700 : undefined}>{m[k] || '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
      </Table>
      <Text size="sm">{t('conflict.help')}</Text>
      <Group>
        <Button onClick={onReapply}>{t('conflict.reapply')}</Button>
        <Button variant="default" onClick={onDiscard}>
          {t('conflict.discard')}
        </Button>
      </Group>
    </Stack>
  );
}
