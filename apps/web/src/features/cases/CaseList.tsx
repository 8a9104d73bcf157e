import { Button, Checkbox, Group, Loader, NativeSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Page } from '../../components/Page';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSession } from '../session/session';
import { useMySites } from '../session/sites';
import { type CaseFilters, useCases } from './api';
import { CaseRows } from './CaseRows';

/**
 * One search box (names with typos and without accents, or a case number) and a few filters,
 * kept in the address so that the back button and a shared link find the same list.
 */
export function CaseList() {
  const { t } = useTranslation();
  const session = useSession();
  const me = session.status === 'signedIn' ? session.me : null;
  const sites = useMySites(me);
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(text.trim(), 350);
  // Cursors of the pages before this one: "previous" goes back without asking the server twice.
  const [cursors, setCursors] = useState<string[]>([]);

  const filters: CaseFilters = {
    q: q || undefined,
    siteId: params.get('site') || undefined,
    status: (params.get('status') as CaseFilters['status']) || undefined,
    migrantCategory: (params.get('category') as CaseFilters['migrantCategory']) || undefined,
    assignedTo: params.get('mine') === '1' && me ? me.user.id : undefined,
    cursor: cursors.at(-1),
  };
  const list = useCases(filters);

  useEffect(() => {
    setCursors([]);
    const next = new URLSearchParams(params);
    if (q) next.set('q', q);
    else next.delete('q');
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setCursors([]);
    setParams(next, { replace: true });
  };
  const filtered = Boolean(q || filters.siteId || filters.status || filters.migrantCategory || filters.assignedTo);

  return (
    <Page
      title={t('cases.title')}
      actions={
        <Button component={Link} to="/cases/new">
          {t('nav.register')}
        </Button>
      }
    >
      <Stack gap="sm" role="search">
        <TextInput
          type="search"
          label={t('cases.search')}
          description={t('cases.searchHelp')}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          autoComplete="off"
        />
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <NativeSelect
            label={t('cases.site')}
            value={filters.siteId ?? ''}
            onChange={(e) => setFilter('site', e.currentTarget.value)}
            data={[{ value: '', label: t('cases.allSites') }, ...(sites.data ?? []).map((s) => ({ value: s.id, label: s.name }))]}
          />
          <NativeSelect
            label={t('cases.status')}
            value={filters.status ?? ''}
            onChange={(e) => setFilter('status', e.currentTarget.value)}
            data={[
              { value: '', label: t('cases.anyStatus') },
              { value: 'open', label: t('case.status.open') },
              { value: 'closed', label: t('case.status.closed') },
            ]}
          />
          <NativeSelect
            label={t('cases.category')}
            value={filters.migrantCategory ?? ''}
            onChange={(e) => setFilter('category', e.currentTarget.value)}
            data={[
              { value: '', label: t('cases.anyCategory') },
              ...(['in_transit', 'returnee', 'other'] as const).map((c) => ({ value: c, label: t(`case.category.${c}`) })),
            ]}
          />
          <Checkbox
            mt={{ base: 0, xs: 32 }}
            label={t('cases.assignedToMe')}
            checked={params.get('mine') === '1'}
            onChange={(e) => setFilter('mine', e.currentTarget.checked ? '1' : '')}
          />
        </SimpleGrid>
      </Stack>

      <div aria-live="polite" aria-busy={list.isFetching}>
        {list.isPending ? (
          <Loader aria-label={t('common.loading')} />
        ) : list.error ? (
          <ProblemAlert error={list.error} />
        ) : list.data.items.length === 0 ? (
          <Text>{filtered ? t('cases.noResult') : t('cases.empty')}</Text>
        ) : (
          <Stack gap="sm">
            <Text size="sm" c="gray.7">
              {t('cases.shown', { count: list.data.items.length })}
            </Text>
            <CaseRows cases={list.data.items} />
          </Stack>
        )}
      </div>
      <Group>
        {cursors.length > 0 && (
          <Button variant="default" onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t('cases.previous')}
          </Button>
        )}
        {list.data?.nextCursor && (
          <Button variant="default" onClick={() => setCursors((c) => [...c, list.data!.nextCursor!])}>
            {t('cases.next')}
          </Button>
        )}
      </Group>
    </Page>
  );
}
