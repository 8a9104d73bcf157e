import { AppShell, Badge, Burger, Button, Group, NativeSelect, NavLink, ScrollArea, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useOpenAlerts } from '../features/home/api';
import { type Me, hasRole, signOut, useSession } from '../features/session/session';
import { pickSite, setCurrentSiteId, useCurrentSiteId, useMySites } from '../features/session/sites';
import { type Language, setLanguage } from '../lib/i18n';

/** What each role reaches (DESIGN §10): only what it may open. Later parts add their areas here. */
function navFor(me: Me) {
  const items: { to: string; label: string; end?: boolean }[] = [{ to: '/', label: 'nav.home', end: true }];
  if (hasRole(me, 'caseworker', 'manager')) {
    items.push({ to: '/cases', label: 'nav.cases', end: true }, { to: '/cases/new', label: 'nav.register' }, { to: '/alerts', label: 'nav.alerts' });
  }
  return items;
}

export function Shell() {
  const session = useSession();
  const { t, i18n } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const navigate = useNavigate();
  const me = session.status === 'signedIn' ? session.me : null;
  const sites = useMySites(me);
  const chosen = useCurrentSiteId(me?.user.id ?? '');
  const site = pickSite(sites.data, chosen);
  const works = me ? hasRole(me, 'caseworker', 'manager') : false;
  const alerts = useOpenAlerts(works);

  useEffect(close, [location.pathname, close]);
  if (!me) return null;
  const count = alerts.data?.length ?? 0;

  const out = async () => {
    await signOut();
    navigate('/sign-in', { replace: true });
  };

  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="lg" aria-label={t('shell.menu')} />
            <Text component={Link} to="/" fw={700} size="lg" c="blue.9" style={{ textDecoration: 'none' }}>
              Passerelle
            </Text>
            <Badge variant="light" color="gray" size="lg" visibleFrom="xs">
              {me.organization.code}
            </Badge>
          </Group>
          <Group gap="xs" wrap="nowrap">
            {works && (
              <Button component={Link} to="/alerts" variant={count ? 'light' : 'subtle'} color={count ? 'red' : 'gray'} px="sm" aria-label={t('shell.alerts', { count })}>
                <BellIcon />
                <Text span ml={6} fw={700}>
                  {count}
                </Text>
              </Button>
            )}
            <Button variant="subtle" color="gray" onClick={() => void out()} visibleFrom="sm">
              {t('shell.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="md" aria-label={t('shell.navigation')}>
        <AppShell.Section grow component={ScrollArea}>
          <nav>
            {navFor(me).map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={t(item.label)}
                active={item.end ? location.pathname === item.to : location.pathname.startsWith(item.to)}
                py="sm"
              />
            ))}
          </nav>
        </AppShell.Section>
        <AppShell.Section>
          <Stack gap="sm">
            <Text size="sm">
              <VisuallyHidden>{t('shell.signedInAs')} </VisuallyHidden>
              {me.user.displayName} · {me.organization.code}
            </Text>
            {works && sites.data && sites.data.length > 0 && (
              <NativeSelect
                label={t('shell.site')}
                value={site?.id ?? ''}
                onChange={(e) => setCurrentSiteId(me.user.id, e.currentTarget.value)}
                data={sites.data.map((s) => ({ value: s.id, label: s.name }))}
              />
            )}
            <NativeSelect
              label={t('shell.language')}
              value={i18n.language}
              onChange={(e) => setLanguage(e.currentTarget.value as Language, me.user.id)}
              data={[
                { value: 'fr', label: 'Français' },
                { value: 'en', label: 'English' },
              ]}
            />
            <Button variant="default" onClick={() => void out()} hiddenFrom="sm">
              {t('shell.signOut')}
            </Button>
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function BellIcon() {
  return (
    <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}
