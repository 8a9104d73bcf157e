import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { OrganizationsModule } from '../organizations/index.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

const PROVIDERS = [UsersService, UsersRepository];

@Module({ imports: [AuditModule, OrganizationsModule], providers: PROVIDERS, exports: PROVIDERS })
export class UsersModule {}
