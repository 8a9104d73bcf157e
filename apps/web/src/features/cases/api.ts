import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../../lib/api-client';
import { Problem, unwrap } from '../../lib/problems';

/** A case as the file shows it; list rows (CaseSummaryDto) carry fewer sections. */
export type Case = Schemas['CaseDto'];
export type CaseRow = Schemas['CaseSummaryDto'];
export type CaseInput = Schemas['CreateCaseDto'];
export type CasePatch = Schemas['UpdateCaseDto'];
export type ConsentInput = Schemas['ConsentDto'];
export type ScreeningInput = Schemas['ScreeningDto'];

export interface CaseFilters {
  q?: string;
  siteId?: string;
  status?: 'open' | 'closed';
  migrantCategory?: 'in_transit' | 'returnee' | 'other';
  assignedTo?: string;
  cursor?: string;
}

export const caseKey = (id: string) => ['case', id] as const;
const caseListKey = (f: CaseFilters) => ['cases', f] as const;

/** A case and the version its ETag names (for If-Match). */
export interface VersionedCase {
  case: Case;
  etag: string;
}

async function versioned(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<VersionedCase> {
  const res = await call;
  const data = await unwrap(Promise.resolve(res));
  return { case: data as Case, etag: res.response.headers.get('etag') ?? `"${(data as Case).version ?? ''}"` };
}

export function useCases(filters: CaseFilters) {
  return useQuery({
    queryKey: caseListKey(filters),
    placeholderData: keepPreviousData,
    queryFn: () => unwrap(api.GET('/api/v1/cases', { params: { query: { ...filters, limit: 20 } } })),
  });
}

/** The case as the server has it now, with its ETag. */
export const fetchCase = (id: string) => versioned(api.GET('/api/v1/cases/{id}', { params: { path: { id } } }));

export function useCase(id: string) {
  return useQuery({ queryKey: caseKey(id), queryFn: () => fetchCase(id) });
}

export function useUpdateCase(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ patch, etag }: { patch: CasePatch; etag: string }) =>
      versioned(api.PATCH('/api/v1/cases/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body: patch })),
    onSuccess: (v) => qc.setQueryData(caseKey(id), v),
  });
}

/** Close, reopen, assign: the answer is the case, its new version cached at once. */
export function useCaseAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (a: { kind: 'close'; reason: string } | { kind: 'reopen' } | { kind: 'assign'; userId: string }) => {
      const path = { params: { path: { id } } };
      if (a.kind === 'close') return versioned(api.POST('/api/v1/cases/{id}/close', { ...path, body: { reason: a.reason as never } }));
      if (a.kind === 'reopen') return versioned(api.POST('/api/v1/cases/{id}/reopen', path));
      return versioned(api.POST('/api/v1/cases/{id}/assign', { ...path, body: { userId: a.userId } }));
    },
    onSuccess: (v) => {
      qc.setQueryData(caseKey(id), v);
      void qc.invalidateQueries({ queryKey: ['timeline', id] });
      void qc.invalidateQueries({ queryKey: ['cases'] });
    },
  });
}

export function useRegisterCase() {
  return useMutation({
    mutationFn: ({ body, key }: { body: CaseInput; key: string }) => unwrap(api.POST('/api/v1/cases', { body, headers: { 'Idempotency-Key': key } })),
  });
}

export type DuplicateCandidate = Schemas['DuplicateDto'];

/** Likely duplicates of the person being typed (names, birth date, nationality), debounced by the caller. */
export function useDuplicateCheck(probe: Schemas['DuplicateCheckDto'] | null) {
  return useQuery({
    queryKey: ['duplicate-check', probe],
    enabled: probe !== null,
    staleTime: 60_000,
    queryFn: async () => (await unwrap(api.POST('/api/v1/cases/duplicate-check', { body: probe! }))).items,
  });
}

// ---- consents, screenings, notes, timeline ----------------------------------------------------------

export type Consent = Schemas['ConsentResponseDto'];

export function useConsents(id: string, enabled = true) {
  return useQuery({
    queryKey: ['consents', id],
    enabled,
    queryFn: async () => ((await unwrap(api.GET('/api/v1/cases/{id}/consents', { params: { path: { id } } }))) ).items,
  });
}

export function recordConsent(id: string, body: ConsentInput, key: string) {
  return unwrap(api.POST('/api/v1/cases/{id}/consents', { params: { path: { id } }, body, headers: { 'Idempotency-Key': key } }));
}

export function useRecordConsent(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: ConsentInput; key: string }) => recordConsent(id, body, key),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['consents', id] });
      void qc.invalidateQueries({ queryKey: caseKey(id) });
    },
  });
}

export function useWithdrawConsent(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ consentId, reason }: { consentId: string; reason?: string }) =>
      unwrap(api.POST('/api/v1/cases/{id}/consents/{consentId}/withdraw', { params: { path: { id, consentId } }, body: reason ? { reason } : {} })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['consents', id] }),
  });
}

export type Screening = Schemas['ScreeningResponseDto'];

export function useScreenings(id: string) {
  return useQuery({
    queryKey: ['screenings', id],
    queryFn: async () => ((await unwrap(api.GET('/api/v1/cases/{id}/screenings', { params: { path: { id } } }))) ).items,
  });
}

export function useScreen(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: ScreeningInput; key: string }) =>
      unwrap(api.POST('/api/v1/cases/{id}/screenings', { params: { path: { id } }, body, headers: { 'Idempotency-Key': key } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['screenings', id] }),
  });
}

export type Note = Schemas['NoteResponseDto'];

export function useNotes(id: string) {
  return useQuery({
    queryKey: ['notes', id],
    queryFn: async () => ((await unwrap(api.GET('/api/v1/cases/{id}/notes', { params: { path: { id } } }))) ).items,
  });
}

export function useAddNote(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ text, key }: { text: string; key: string }) =>
      unwrap(api.POST('/api/v1/cases/{id}/notes', { params: { path: { id } }, body: { text }, headers: { 'Idempotency-Key': key } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['notes', id] });
      void qc.invalidateQueries({ queryKey: ['timeline', id] });
    },
  });
}

export type TimelineEntry = Schemas['TimelineEntryDto'];

export function useTimeline(id: string) {
  return useQuery({
    queryKey: ['timeline', id],
    queryFn: async () => ((await unwrap(api.GET('/api/v1/cases/{id}/timeline', { params: { path: { id }, query: { limit: 200 } } }))) ).items,
  });
}

export type Colleague = Schemas['UserDto'];

/** The colleagues a case can be assigned to (own organization's caseworkers and managers). */
export function useColleagues(enabled: boolean) {
  return useQuery({
    queryKey: ['colleagues'],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200 } } }));
      return page.items.filter((u) => u.active !== false && u.roles.some((r) => r === 'caseworker' || r === 'manager'));
    },
  });
}

export const isNotFound = (e: unknown) => e instanceof Problem && e.status === 404;
