import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, APP_CONFIG, type AppConfig, Clock, systemActor } from '@passerelle/common';
import { AuditWriter, SubjectKeys } from '../audit/index.js';
import { JobRegistry } from '../jobs/index.js';
import { AnonymizationRepository } from './anonymization.repository.js';
import { SubjectDataRegistry } from './subject-data.registry.js';

export const RETENTION_JOB = 'cases.retention';
const DAY = 86_400_000;
/** Cases anonymized per transaction: the locks and the transaction stay short, a crash loses one batch's work at most. */
export const RETENTION_BATCH = 500;
/** The case_id tables this service anonymizes itself (the case record); features claim theirs. */
const CORE_TABLES = ['cases', 'case_notes', 'consents', 'screenings', 'anonymization_requests', 'subject_keys'];

export type AnonymizationTrigger = 'retention' | 'request';

/**
 * Data protection (issue 11, DESIGN §7): retention and anonymization. The subject-access export
 * is SubjectAccessService's, the early-anonymization requests AnonymizationRequestsService's.
 *
 * Anonymization of a batch of locked cases, in one transaction: every registered feature's hook
 * (referrals, stays, letters, … — SubjectDataRegistry), then the case record itself (names,
 * contact, documents, free text, sensitive section, date of birth → gone; birth year, sex,
 * nationality, site, dates, codes kept), its notes, free text of consents and requests, stored
 * idempotent responses naming it, and last its audit data key (crypto-shredding). `anonymized_at`
 * is set in the same transaction: all of it happens exactly once or not at all.
 */
@Injectable()
export class DataProtectionService implements OnModuleInit {
  private readonly logger = new Logger('DataProtection');

  constructor(
    private readonly db: DataSource,
    private readonly registry: SubjectDataRegistry,
    private readonly repo: AnonymizationRepository,
    private readonly audit: AuditWriter,
    private readonly keys: SubjectKeys,
    private readonly clock: Clock,
    private readonly jobs: JobRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Daily, at night (UTC): the closed cases past RETENTION_DAYS, then the name vocabulary.
    this.jobs.register({ name: RETENTION_JOB, cron: '30 2 * * *', run: async () => void (await this.runRetention()) });
  }

  /**
   * Anonymizes every closed case whose closure is older than RETENTION_DAYS, in batches of
   * RETENTION_BATCH, each in its own transaction (FOR UPDATE SKIP LOCKED: concurrent runs share
   * the work, a case is done once). Resumable: a run that dies loses its open batch only, which
   * the next run takes again. Returns how many cases it anonymized.
   */
  async runRetention(now: Date = this.clock.now(), batch = RETENTION_BATCH): Promise<number> {
    await this.assertEveryTableClaimed();
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY);
    let total = 0;
    for (;;) {
      const done = await this.db.transaction(async (em) => {
        const ids = await this.repo.lockRetentionBatch(em, cutoff, batch);
        await this.anonymizeLocked(em, ids, 'retention', systemActor(), now);
        return ids.length;
      });
      total += done;
      if (done < batch) break;
    }
    // Tokens of the names just removed, and any a rename left behind: none may outlive its last case.
    await this.pruneNameVocabulary();
    if (total) this.logger.log(`anonymized ${total} case(s) closed before ${cutoff.toISOString()}`);
    return total;
  }

  /**
   * Deletes the name vocabulary's words no case holds any more (issue 11: a removed name leaves
   * nothing behind). A registration committing meanwhile may need a word deleted here, having
   * found it present (its trigger inserts a word only when absent): once every transaction of
   * this database that was open at the deletion has ended, the words deleted are put back for
   * the cases that hold them.
   */
  async pruneNameVocabulary(only?: readonly string[]): Promise<number> {
    if (only && !only.length) return 0;
    // All of them (the daily run: also what a crash or a rename left), or the given words.
    const { deleted, horizon } = await this.db.transaction((em) => this.repo.pruneVocabulary(em, only ?? null));
    if (!deleted.length) return 0;
    // Registrations are short; a transaction open for longer than 30 s is not one.
    for (let i = 0; horizon.length && i < 600; i++) {
      if (!(await this.repo.countOpen(this.db.manager, horizon))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.repo.restoreVocabulary(this.db.manager, deleted);
    return deleted.length;
  }

  /**
   * Refuses to anonymize while a table with a case_id column is claimed by no registered handler:
   * a feature that holds data about people and did not register (or a process that did not load
   * it) would otherwise keep that data silently.
   */
  async assertEveryTableClaimed(em: EntityManager = this.db.manager): Promise<void> {
    const tables = await this.repo.caseIdTables(em);
    const claimed = new Set([...CORE_TABLES, ...this.registry.claimedTables()]);
    const unclaimed = tables.filter((t) => !claimed.has(t)).sort();
    if (unclaimed.length) throw new Error(`anonymization refused: no subject data handler claims ${unclaimed.join(', ')} (register one, see SubjectDataRegistry)`);
  }

  /**
   * Anonymizes cases whose rows the caller locked, in its transaction; cases already anonymized
   * are skipped. Returns the words their names had (for pruneNameVocabulary, after the commit).
   */
  async anonymizeLocked(em: EntityManager, caseIds: string[], trigger: AnonymizationTrigger, actor: Actor, now: Date, requestId?: string): Promise<string[]> {
    if (!caseIds.length) return [];
    const words = await this.repo.nameWords(em, caseIds);
    for (const h of this.registry.list()) await h.anonymize(em, caseIds);
    const done = await this.repo.anonymizeCases(em, caseIds, now, actor.userId);
    const ids = done.map((r) => r.id);
    if (!ids.length) return [];
    await this.repo.eraseCaseData(em, ids);
    // Last, crypto-shredding: the trail's personal values of these cases read "[erased]" from now on.
    await this.keys.destroy(em, ids);
    for (const r of done) {
      await this.audit.record(em, actor, 'case.anonymized', { type: 'Case', id: r.id, organizationId: r.owning_organization_id }, {
        changes: { anonymizedAt: { old: null, new: now.toISOString() } },
        details: { trigger, ...(requestId ? { anonymizationRequestId: requestId } : {}) },
      });
    }
    return words;
  }
}
