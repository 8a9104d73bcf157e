export const ROLES = ['platform_admin', 'org_admin', 'caseworker', 'manager', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
