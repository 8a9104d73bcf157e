import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { OrganizationsService } from './organizations.service.js';

const PROVIDERS = [OrganizationsService, OrganizationsRepository];

@Module({ imports: [AuditModule], providers: PROVIDERS, exports: PROVIDERS })
export class OrganizationsModule {}
