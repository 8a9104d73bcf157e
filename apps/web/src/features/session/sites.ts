import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, type Schemas } from '../../lib/api-client';
import { unwrap } from '../../lib/problems';
import type { Me } from './session';

export type Site = Schemas['SiteDto'];

/** The sites the user works at: theirs when they have some, else (managers) all of their organization's. */
export function useMySites(me: Me | null) {
  return useQuery({
    queryKey: ['sites', me?.organization.id, me?.user.id],
    enabled: me !== null,
    staleTime: 10 * 60_000,
    queryFn: async () => {
      if (!me) return [];
      const page = await unwrap(api.GET('/api/v1/organizations/{id}/sites', { params: { path: { id: me.organization.id } } }));
      const sites = page.items.filter((s) => s.active);
      return me.user.siteIds.length ? sites.filter((s) => me.user.siteIds.includes(s.id)) : sites;
    },
  });
}

// The site the user works at today (the shell's selector): the default of the register form and
// the case list. A site id is not personal data; kept per user on the device.
const listeners = new Set<() => void>();
const key = (userId: string) => `passerelle.site.${userId}`;

export function useCurrentSiteId(userId: string): string | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => {
      try {
        return localStorage.getItem(key(userId));
      } catch {
        return null;
      }
    },
  );
}

export function setCurrentSiteId(userId: string, siteId: string) {
  try {
    localStorage.setItem(key(userId), siteId);
  } catch {
    /* private mode */
  }
  for (const l of listeners) l();
}

/** The chosen site if it is still one of the user's, else the first. */
export function pickSite(sites: Site[] | undefined, chosen: string | null): Site | undefined {
  return sites?.find((s) => s.id === chosen) ?? sites?.[0];
}
