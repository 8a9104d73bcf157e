import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { openWithKey, sealWithKey } from '@passerelle/common';
import type { SubjectKeys } from './subject-keys.js';

/** What a sealed value reads as once its case's key is destroyed (anonymization). */
export const ERASED = '[erased]';

/** A personal value in an audit event: encrypted under its case's data key (`subject` = case id). */
export interface SealedValue {
  $sealed: { subject: string; data: string };
}

export const isSealed = (v: unknown): v is SealedValue =>
  typeof v === 'object' && v !== null && '$sealed' in v && typeof (v as SealedValue).$sealed?.subject === 'string' && typeof (v as SealedValue).$sealed?.data === 'string';

/**
 * Which values of an event about a person stay in clear (issue 11, DESIGN §7). Default deny: a
 * key not listed here is personal and sealed under the case's data key — names, date of birth,
 * languages, contact, documents, journey, household, free text (reasons, outcomes, purposes,
 * routes, letter holders). Coded values stay readable after anonymization, so the trail remains
 * useful: statuses, sites, organizations, service types, dates of the process, codes, ids.
 */
const CLEAR_CHANGES: Record<string, readonly string[]> = {
  // birthYear, sex, nationality and the vulnerability flags are kept by anonymization too.
  Case: ['status', 'closureReason', 'siteId', 'assignedTo', 'householdId', 'sex', 'nationality', 'birthYear', 'vulnerabilities', 'sensitive', 'anonymizedAt'],
  Referral: ['status', 'toOrganizationId', 'toSiteId', 'serviceType', 'urgency', 'sharedSections', 'respondBy'],
  Letter: ['status', 'serialNumber', 'issuingOrganizationId', 'validFrom', 'validUntil', 'signingKeyId', 'supersededByLetterId'],
  Stay: ['status', 'siteId', 'referralId', 'checkedInAt', 'expectedCheckOutAt', 'checkedOutAt', 'days'],
  ServiceRecord: [],
  AnonymizationRequest: ['status'],
};
/** `details` keys in clear, whatever the entity: ids and codes (`caseId` finds a case's events). */
const CLEAR_DETAILS: readonly string[] = [
  'caseId', 'noteId', 'consentId', 'purpose', 'basis', 'organizationIds', 'screeningId', 'outcome', 'reasons', 'via', 'referralId',
  'candidates', 'serviceType', 'date', 'providingOrganizationId', 'extensionId', 'cancelledExtensionIds', 'days', 'serialNumber', 'cause',
  'result', 'requestId', 'trigger', 'sections', 'anonymizationRequestId',
];

/**
 * The registry of clear fields: a feature whose events concern a case adds its coded fields in
 * one line, e.g. `auditPrivacy.register('Return', { changes: ['status', 'destinationCountry'] })`
 * in its module's onModuleInit; anything it does not list is sealed.
 */
@Injectable()
export class AuditPrivacy {
  private readonly changes = new Map<string, Set<string>>(Object.entries(CLEAR_CHANGES).map(([t, keys]) => [t, new Set(keys)]));
  private readonly details = new Set(CLEAR_DETAILS);

  register(entityType: string, clear: { changes?: readonly string[]; details?: readonly string[] }): void {
    const set = this.changes.get(entityType) ?? new Set<string>();
    for (const k of clear.changes ?? []) set.add(k);
    this.changes.set(entityType, set);
    for (const k of clear.details ?? []) this.details.add(k);
  }

  clearChange(entityType: string, key: string): boolean {
    return this.changes.get(entityType)?.has(key) ?? false;
  }

  clearDetail(key: string): boolean {
    return this.details.has(key);
  }
}

/** The case an event is about: the case itself, or the one its details name. */
export function subjectOf(target: { type: string; id: string | null }, details: Record<string, unknown> | null | undefined): string | null {
  if (target.type === 'Case') return target.id;
  return typeof details?.caseId === 'string' ? details.caseId : null;
}

type Changes = Record<string, { old?: unknown; new?: unknown }>;

/**
 * Seals the personal values of one event under its case's key (made on first need). Absent and
 * null values stay as they are: they say nothing about the person. Returns new objects.
 */
export async function sealEvent(
  em: EntityManager,
  keys: SubjectKeys,
  privacy: AuditPrivacy,
  subject: string,
  entityType: string,
  changes: Changes | null | undefined,
  details: Record<string, unknown> | null | undefined,
): Promise<{ changes: Changes | null; details: Record<string, unknown> | null }> {
  const given = (v: unknown) => v !== undefined && v !== null;
  // A change from nothing to nothing (a snapshot's empty free text) needs no key.
  const personalChanges = Object.keys(changes ?? {}).filter((k) => !privacy.clearChange(entityType, k) && (given(changes![k]?.old) || given(changes![k]?.new)));
  const personalDetails = Object.keys(details ?? {}).filter((k) => !privacy.clearDetail(k) && given(details![k]));
  if (!personalChanges.length && !personalDetails.length) return { changes: changes ?? null, details: details ?? null };
  const key = await keys.forWrite(em, subject);
  const seal = (v: unknown): unknown => (v === undefined || v === null ? v : ({ $sealed: { subject, data: sealWithKey(key, v, subject).toString('base64') } } satisfies SealedValue));
  const outChanges = changes ? { ...changes } : null;
  for (const k of personalChanges) outChanges![k] = { old: seal(changes![k].old), new: seal(changes![k].new) };
  const outDetails = details ? { ...details } : null;
  for (const k of personalDetails) outDetails![k] = seal(details![k]);
  return { changes: outChanges, details: outDetails };
}

/**
 * Opens the sealed values of events read back, in place: the value while its case's key exists,
 * `"[erased]"` once it was destroyed (or when the ciphertext does not open).
 */
export async function openEvents<E extends { changes: Record<string, unknown> | null; details: Record<string, unknown> | null }>(em: EntityManager, keys: SubjectKeys, events: E[]): Promise<E[]> {
  const subjects = new Set<string>();
  const visit = (v: unknown) => isSealed(v) && subjects.add(v.$sealed.subject);
  for (const e of events) {
    for (const c of Object.values(e.changes ?? {}) as ({ old?: unknown; new?: unknown } | null)[]) {
      visit(c?.old);
      visit(c?.new);
    }
    for (const v of Object.values(e.details ?? {})) visit(v);
  }
  if (!subjects.size) return events;
  const found = await keys.forRead(em, [...subjects]);
  const open = (v: unknown): unknown => {
    if (!isSealed(v)) return v;
    const key = found.get(v.$sealed.subject);
    if (!key) return ERASED;
    try {
      return openWithKey(key, Buffer.from(v.$sealed.data, 'base64'), v.$sealed.subject);
    } catch {
      return ERASED;
    }
  };
  for (const e of events) {
    if (e.changes) {
      e.changes = Object.fromEntries(
        Object.entries(e.changes as Record<string, { old?: unknown; new?: unknown } | null>).map(([k, c]) => [
          k,
          c && typeof c === 'object' ? { ...c, ...('old' in c ? { old: open(c.old) } : {}), ...('new' in c ? { new: open(c.new) } : {}) } : c,
        ]),
      ) as E['changes'];
    }
    if (e.details) e.details = Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, open(v)]));
  }
  return events;
}
