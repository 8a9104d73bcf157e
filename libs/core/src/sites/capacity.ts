import type { Site } from './site.entity.js';

/**
 * A shelter's beds and how long a migrant stays (DESIGN §5, issue 7): pure rules the check-in
 * and a change of the site's beds share. The count of beds taken is SQL: SitesRepository.occupiedBeds.
 */

/** DESIGN §5: a stay lasts 10 days unless the shelter sets its own `maxStayDays`. */
export const DEFAULT_MAX_STAY_DAYS = 10;

/** How many days a stay at `site` lasts from check-in. */
export const stayLengthDays = (site: Pick<Site, 'maxStayDays'>): number => site.maxStayDays ?? DEFAULT_MAX_STAY_DAYS;

/** An active shelter with beds: the only site a migrant is checked in at. */
export const isShelter = (site: Site | null): site is Site & { bedCapacity: number } => !!site && site.active && site.kind === 'shelter' && site.bedCapacity !== null;

/** The beds a site offers its occupants: none once it is no longer an active shelter. */
export const bedsOffered = (site: Pick<Site, 'active' | 'kind' | 'bedCapacity'>): number => (site.active && site.kind === 'shelter' ? (site.bedCapacity ?? 0) : 0);
