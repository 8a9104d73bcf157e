import { Group, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A screen: its one h1 and what it offers beside it. */
export function Page({ title, actions, children }: { title: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <Stack gap="lg" maw={1100}>
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Title order={1} size="h2">
          {title}
        </Title>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}
