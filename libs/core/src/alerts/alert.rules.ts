import type { DefineRules } from '@passerelle/common';

/**
 * Alerts are personal: every user reads and acknowledges their own, and only those; jobs raise
 * them (as the system). The SQL of these rules: ALERT_FIELDS in alerts.repository.ts.
 */
export const alertRules: DefineRules = ({ can }, u) => {
  can(['read', 'acknowledge'], 'Alert', { recipientUserId: u.userId });
};
