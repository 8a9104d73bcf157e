import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../../lib/api-client';
import { unwrap } from '../../lib/problems';

export type Alert = Schemas['AlertDto'];

export const alertsKey = ['alerts', 'open'] as const;

/** The user's open alerts (the shell's badge and the alerts list), refreshed every two minutes. */
export function useOpenAlerts(enabled = true) {
  return useQuery({
    queryKey: alertsKey,
    enabled,
    refetchInterval: 120_000,
    queryFn: async () => {
      return (await unwrap(api.GET('/api/v1/alerts', { params: { query: { status: 'open', limit: 50 } } }))).items;
    },
  });
}

export function useAcknowledgeAlert() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/alerts/{id}/acknowledge', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertsKey }),
  });
}
