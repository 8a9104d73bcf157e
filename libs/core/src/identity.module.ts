import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@passerelle/common';
import { AuditModule } from './audit/index.js';
import { AuthModule } from './auth/index.js';
import { OrganizationsModule } from './organizations/index.js';
import { SeedModule } from './seed/index.js';
import { SitesModule } from './sites/index.js';
import { UsersModule } from './users/index.js';

/**
 * Organizations, sites, users, authentication and the audit trail (issue 4), for an entry point
 * (API, worker) to import in one line; each is a module of its own that features import as they need.
 */
@Module({})
export class IdentityModule {
  static forRoot(config: AppConfig): DynamicModule {
    const auth = AuthModule.forRoot(config);
    const modules = [AuditModule, OrganizationsModule, SitesModule, UsersModule, SeedModule];
    return { module: IdentityModule, imports: [...modules, auth], exports: [...modules, auth] };
  }
}
