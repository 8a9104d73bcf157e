import { Module } from '@nestjs/common';
import { ReintegrationService } from './reintegration.service.js';
import { ScoringSchemesService } from './scoring-schemes.service.js';

const SERVICES = [ReintegrationService, ScoringSchemesService];

/** Reintegration (issue 10); needs CasesModule (cases, consents) and AuditModule, both global. */
@Module({ providers: SERVICES, exports: SERVICES })
export class ReintegrationModule {}
