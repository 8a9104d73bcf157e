import { Badge, Card, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { countryName, formatDate, formatDay } from '../../lib/format';
import type { CaseRow } from './api';

export function personName(c: Pick<CaseRow, 'identity'>) {
  return [c.identity.givenName, c.identity.familyName].filter(Boolean).join(' ');
}

export function birthOf(c: Pick<CaseRow, 'identity'>, t: (k: string, o?: Record<string, unknown>) => string) {
  if (c.identity.dateOfBirth) return formatDay(c.identity.dateOfBirth);
  if (c.identity.birthYear) return t('case.bornAround', { year: c.identity.birthYear });
  return '';
}

/** Cases as cards: one tap opens the file; readable on a phone without a table's sideways scroll. */
export function CaseRows({ cases }: { cases: CaseRow[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {cases.map((c) => (
        <li key={c.id}>
          <UnstyledButton component={Link} to={`/cases/${c.id}`} w="100%">
            <Card withBorder padding="sm" radius="md">
              <Group justify="space-between" wrap="wrap" gap="xs">
                <Stack gap={2}>
                  <Text fw={700}>{personName(c)}</Text>
                  <Text size="sm" c="gray.7">
                    {[c.caseNumber, birthOf(c, t), countryName(c.identity.nationality)].filter(Boolean).join(' · ')}
                  </Text>
                </Stack>
                <Group gap="xs">
                  <Badge color={c.status === 'open' ? 'teal.9' : 'gray.7'} variant="filled">
                    {t(`case.status.${c.status}`)}
                  </Badge>
                  <Text size="sm" c="gray.7">
                    {t('case.registeredOn', { date: formatDate(c.registeredAt) })}
                  </Text>
                </Group>
              </Group>
            </Card>
          </UnstyledButton>
        </li>
      ))}
    </Stack>
  );
}
