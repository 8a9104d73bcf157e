import type { FieldMap, DefineRules } from '@passerelle/common';

export const ALERT_FIELDS: FieldMap = { recipientUserId: 'a.recipient_user_id' };

/** Alerts are personal: every user reads and acknowledges their own, and only those. */
export const alertRules: DefineRules = ({ can }, u) => {
  can(['read', 'acknowledge'], 'Alert', { recipientUserId: u.userId });
};
