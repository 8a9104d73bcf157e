import { onSessionEnd } from '../session/session';

/**
 * The cases the user opened lately, for the home screen: ids and numbers only (no name, nothing
 * personal), in memory, forgotten at sign-out. A reload starts an empty list; the server's
 * "assigned to me" list carries over.
 */
export interface RecentCase {
  id: string;
  caseNumber: string;
  openedAt: number;
}

let recent: RecentCase[] = [];
onSessionEnd(() => {
  recent = [];
});

export function rememberOpened(id: string, caseNumber: string) {
  recent = [{ id, caseNumber, openedAt: Date.now() }, ...recent.filter((r) => r.id !== id)].slice(0, 8);
}

export function recentlyOpened(): RecentCase[] {
  return recent;
}
