import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { OrganizationsModule } from '../organizations/index.js';
import { ServicesDirectoryRepository } from './services-directory.repository.js';
import { ServicesDirectoryService } from './services-directory.service.js';
import { SitesRepository } from './sites.repository.js';
import { SitesService } from './sites.service.js';

const PROVIDERS = [SitesService, SitesRepository, ServicesDirectoryService, ServicesDirectoryRepository];

@Module({ imports: [AuditModule, OrganizationsModule], providers: PROVIDERS, exports: PROVIDERS })
export class SitesModule {}
