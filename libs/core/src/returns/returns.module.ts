import { Module } from '@nestjs/common';
import { StaysModule } from '../stays/stays.module.js';
import { MovementsService } from './movements.service.js';
import { ReturnsService } from './returns.service.js';

const SERVICES = [ReturnsService, MovementsService];

/**
 * Voluntary returns and movements (issue 9); needs CasesModule (close checks, consents,
 * screenings), LettersModule, AuditModule (global) and StaysModule (a departure ends the stay).
 */
@Module({ imports: [StaysModule], providers: SERVICES, exports: SERVICES })
export class ReturnsModule {}
