import { type DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import type { AppConfig } from '@passerelle/common';
import { AuditModule } from './audit/audit.module.js';
import { AuthService } from './auth/auth.service.js';
import { OrganizationsService } from './organizations/organizations.service.js';
import { SeedService } from './seed/seed.service.js';
import { ServicesDirectoryService } from './sites/services-directory.service.js';
import { SitesService } from './sites/sites.service.js';
import { UsersService } from './users/users.service.js';

const SERVICES = [AuthService, OrganizationsService, SitesService, UsersService, ServicesDirectoryService, SeedService];

/** Organizations, sites, users, authentication and the audit trail (issue 4). */
@Module({})
export class IdentityModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      imports: [AuditModule, JwtModule.register({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } })],
      providers: SERVICES,
      exports: [...SERVICES, JwtModule],
    };
  }
}
