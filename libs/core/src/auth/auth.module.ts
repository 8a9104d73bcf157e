import { createSecretKey, type KeyObject } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import type { AppConfig } from '@passerelle/common';
import { AuditModule } from '../audit/index.js';
import { OrganizationsModule } from '../organizations/index.js';
import { UsersModule } from '../users/index.js';
import { AuthService } from './auth.service.js';
import { LoginFailuresRepository } from './login-failures.repository.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/**
 * The HMAC key of access tokens as a KeyObject. Given a string, jsonwebtoken first tries to parse
 * it as a PEM public (verify) or private (sign) key, which throws, on every call: 30 % of the
 * API's CPU on GET /cases/{id} in the benchmark (issue 12).
 */
export const accessTokenKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret));

/** Sign-in, refresh-token rotation and lockout; the JWT module signs and verifies access tokens. */
@Module({})
export class AuthModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        AuditModule,
        OrganizationsModule,
        UsersModule,
        JwtModule.register({ secret: accessTokenKey(config.jwtSecret) as unknown as string, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
      ],
      providers: [AuthService, LoginFailuresRepository, RefreshTokensRepository],
      exports: [AuthService, RefreshTokensRepository, JwtModule],
    };
  }
}
