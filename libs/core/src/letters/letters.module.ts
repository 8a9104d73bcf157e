import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { CasesModule } from '../cases/index.js';
import { OrganizationsModule } from '../organizations/index.js';
import { ReferralsModule } from '../referrals/index.js';
import { DataProtectionModule, SubjectDataRegistry } from '../data-protection/index.js';
import { lettersSubjectData } from './letters-subject-data.repository.js';
import { APP_CONFIG, type AppConfig, SigningKeys } from '@passerelle/common';
import { LettersRepository } from './letters.repository.js';
import { LettersService } from './letters.service.js';

/** Letters of indulgence (issue 8); needs CasesModule. Global: returns (issue 9) supersede letters on departure. */
@Module({
  imports: [AuditModule, CasesModule, DataProtectionModule, OrganizationsModule, ReferralsModule],
  providers: [LettersService, LettersRepository, { provide: SigningKeys, useFactory: (config: AppConfig) => new SigningKeys(config.letterSigningKey, 'LETTER_SIGNING_KEY'), inject: [APP_CONFIG] }],
  exports: [LettersService],
})
export class LettersModule implements OnModuleInit {
  constructor(private readonly subjectData: SubjectDataRegistry) {}

  onModuleInit(): void {
    this.subjectData.register(lettersSubjectData); // issue 11: export and anonymization
  }
}
