import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditModule, AuditPrivacy } from '../audit/index.js';
import { CasesModule } from '../cases/index.js';
import { LettersModule } from '../letters/index.js';
import { OrganizationsModule } from '../organizations/index.js';
import { DataProtectionModule, SubjectDataRegistry } from '../data-protection/index.js';
import { StaysModule } from '../stays/index.js';
import { MovementsRepository } from './movements.repository.js';
import { MovementsService } from './movements.service.js';
import { ReturnDeparturesService } from './return-departures.service.js';
import { ReturnsRepository } from './returns.repository.js';
import { ReturnsService } from './returns.service.js';
import { returnsSubjectData } from './returns-subject-data.repository.js';

const SERVICES = [ReturnsService, ReturnDeparturesService, MovementsService];

/**
 * Voluntary returns and movements (issue 9); needs CasesModule (close checks, consents,
 * screenings), LettersModule, AuditModule (global) and StaysModule (a departure ends the stay).
 */
@Module({ imports: [AuditModule, CasesModule, DataProtectionModule, LettersModule, OrganizationsModule, StaysModule], providers: [...SERVICES, ReturnsRepository, MovementsRepository], exports: SERVICES })
export class ReturnsModule implements OnModuleInit {
  constructor(
    private readonly subjectData: SubjectDataRegistry,
    private readonly auditPrivacy: AuditPrivacy,
  ) {}

  onModuleInit(): void {
    // Issue 11: export and anonymization; the audit keeps the coded values in clear, the rest
    // (locality, travel document, legs, escort, reasons, who confirmed the arrival) is sealed.
    this.subjectData.register(returnsSubjectData);
    this.auditPrivacy.register('Return', { changes: ['status', 'destinationCountry', 'mode', 'escortRequired', 'pocketMoneyXof', 'movementId', 'arrivedAt'], details: ['stayId', 'letterId'] });
    this.auditPrivacy.register('Movement', {
      changes: ['status', 'reference', 'departureDate', 'carrier', 'vehicle', 'escortStaff', 'departedAt'],
      details: ['returnId', 'reference', 'movementId', 'movementReference', 'format'],
    });
  }
}
