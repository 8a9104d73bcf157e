import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { OrganizationsModule } from '../organizations/index.js';
import { SitesModule } from '../sites/index.js';
import { UsersModule } from '../users/index.js';
import { SeedRepository } from './seed.repository.js';
import { SeedService } from './seed.service.js';

@Module({ imports: [AuditModule, OrganizationsModule, SitesModule, UsersModule], providers: [SeedService, SeedRepository], exports: [SeedService] })
export class SeedModule {}
