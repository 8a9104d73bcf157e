import { createSecretKey, type KeyObject } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import type { AppConfig } from '@passerelle/common';
import { AuditModule } from './audit/audit.module.js';
import { AuthService } from './auth/auth.service.js';
import { LoginFailuresRepository } from './auth/login-failures.repository.js';
import { RefreshTokensRepository } from './auth/refresh-tokens.repository.js';
import { OrganizationsRepository } from './organizations/organizations.repository.js';
import { OrganizationsService } from './organizations/organizations.service.js';
import { SeedRepository } from './seed/seed.repository.js';
import { SeedService } from './seed/seed.service.js';
import { ServicesDirectoryRepository } from './sites/services-directory.repository.js';
import { ServicesDirectoryService } from './sites/services-directory.service.js';
import { SitesRepository } from './sites/sites.repository.js';
import { SitesService } from './sites/sites.service.js';
import { UsersRepository } from './users/users.repository.js';
import { UsersService } from './users/users.service.js';

/**
 * The HMAC key of access tokens as a KeyObject. Given a string, jsonwebtoken first tries to parse
 * it as a PEM public (verify) or private (sign) key, which throws, on every call: 30 % of the
 * API's CPU on GET /cases/{id} in the benchmark (issue 12).
 */
export const accessTokenKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret));

const SERVICES = [AuthService, OrganizationsService, SitesService, UsersService, ServicesDirectoryService, SeedService];
const REPOSITORIES = [LoginFailuresRepository, RefreshTokensRepository, OrganizationsRepository, UsersRepository, SeedRepository, SitesRepository, ServicesDirectoryRepository];

/** Organizations, sites, users, authentication and the audit trail (issue 4). */
@Module({})
export class IdentityModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      imports: [AuditModule, JwtModule.register({ secret: accessTokenKey(config.jwtSecret) as unknown as string, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } })],
      providers: [...SERVICES, ...REPOSITORIES],
      exports: [...SERVICES, ...REPOSITORIES, JwtModule],
    };
  }
}
