import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, type Page, type PageRequest, validationFailed } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { requireReintegrationCapability } from './reintegration.rules.js';
import { validateSchemeDefinition } from './scheme-validation.js';
import type { SchemeDefinition } from './scoring.js';
import { ScoringScheme } from './scoring-scheme.entity.js';
import { ScoringSchemesRepository } from './scoring-schemes.repository.js';

/**
 * Versioned scoring schemes (issue 10): the shipped one and those an organization's admin loads.
 * Loaded whole and valid or not at all (400 with every error); never edited (the database
 * refuses it): a new table is a new version.
 */
@Injectable()
export class ScoringSchemesService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: ScoringSchemesRepository,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async load(actor: Actor, input: unknown): Promise<ScoringScheme> {
    assertCan(actor, 'create', 'ScoringScheme');
    requireReintegrationCapability(actor);
    const errors = validateSchemeDefinition(input);
    if (errors.length) throw validationFailed(errors);
    const def = input as SchemeDefinition;
    return this.db.transaction(async (em) => {
      // Loads by one organization queue here, so the duplicate check below sees the one before.
      await this.repo.lockLoads(em, actor.organizationId);
      const taken = await this.repo.nameVersionTaken(em, actor, def.name, def.version);
      if (taken) throw validationFailed([{ field: 'version', message: `${def.name} version ${def.version} is already loaded: schemes are never changed, load a new version` }]);
      const definition: SchemeDefinition = {
        name: def.name,
        version: def.version,
        source: def.source.trim(),
        official: def.official,
        ...(def.description !== undefined ? { description: def.description } : {}),
        scales: def.scales,
        indicators: def.indicators.map((i) => ({ code: i.code, dimension: i.dimension, label: i.label, scale: i.scale, scores: i.scores, weight: i.weight })),
        dimensionFormula: def.dimensionFormula,
        composite: def.composite,
      };
      const scheme = em.create(ScoringScheme, {
        organizationId: actor.organizationId,
        name: def.name,
        version: def.version,
        source: definition.source,
        official: def.official,
        definition,
        createdBy: actor.userId,
        createdAt: this.clock.now(),
      });
      await this.repo.insert(em, scheme);
      await this.audit.record(em, actor, 'scoring_scheme.loaded', { type: 'ScoringScheme', id: scheme.id, organizationId: actor.organizationId }, {
        details: { name: def.name, version: def.version, official: def.official, indicators: def.indicators.length },
      });
      return scheme;
    });
  }

  async get(actor: Actor, id: string): Promise<ScoringScheme> {
    const scheme = await this.repo.findVisible(this.db.manager, actor, id);
    if (!scheme) throw new DomainError('NOT_FOUND', 'Scoring scheme not found');
    return scheme;
  }

  list(actor: Actor, page: PageRequest): Promise<Page<ScoringScheme>> {
    return this.repo.list(this.db.manager, actor, page);
  }

  /** A scheme named by a visit: one the actor sees, else the visit is invalid (400). */
  async usable(em: EntityManager, actor: Actor, id: string): Promise<ScoringScheme> {
    const scheme = await this.repo.findVisible(em, actor, id);
    if (!scheme) throw validationFailed([{ field: 'schemeId', message: 'must be a scoring scheme of your organization or a shipped one' }]);
    return scheme;
  }

  /** The scheme a visit is scored with by default: the organization's latest loaded, else the latest shipped. */
  async latest(em: EntityManager, actor: Actor): Promise<ScoringScheme> {
    const scheme = await this.repo.latestVisible(em, actor);
    if (!scheme) throw new DomainError('CONFLICT', 'No scoring scheme is loaded');
    return scheme;
  }
}
