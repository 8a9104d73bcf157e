import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client';
import { unwrap } from '../../lib/problems';

export interface Alert {
  id: string;
  type: 'referral_overdue' | 'stay_ending' | 'stay_overdue' | string;
  entityType: string;
  entityId: string;
  status: 'open' | 'acknowledged';
  createdAt: string;
}

export const alertsKey = ['alerts', 'open'] as const;

/** The user's open alerts (the shell's badge and the alerts list), refreshed every two minutes. */
export function useOpenAlerts(enabled = true) {
  return useQuery({
    queryKey: alertsKey,
    enabled,
    refetchInterval: 120_000,
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/alerts', { params: { query: { status: 'open', limit: 50 } } }));
      return (page as unknown as { items: Alert[] }).items;
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
