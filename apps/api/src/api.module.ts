import { type DynamicModule, Module, RequestMethod, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { type AppConfig, type Clock, CommonModule, REDACT_PATHS, safeUrl } from '@passerelle/common';
import { ActivitiesModule, CasesModule, DataProtectionModule, IdentityModule, LettersModule, ReferralsModule, ReintegrationModule, ReportsModule, ReturnsModule, StaysModule, typeOrmOptions } from '@passerelle/core';
import { JobsModule } from '@passerelle/core/jobs';
import { MIGRATIONS } from '../../../migrations/index.js';
import { ActivitiesController } from './activities/activities.controller.js';
import { CasesController } from './cases/cases.controller.js';
import { AnonymizationRequestsController, CaseDataProtectionController } from './data-protection/data-protection.controller.js';
import { CaseLettersController, LettersController, PublicLettersController } from './letters/letters.controller.js';
import { AlertsController } from './referrals/alerts.controller.js';
import { CaseReferralsController, ReferralsController, ServicesController } from './referrals/referrals.controller.js';
import { HealthController } from './health/health.controller.js';
import { CaseReturnsController, MovementsController, ReturnsController } from './returns/returns.controller.js';
import { OccupancyController, StaysController } from './stays/stays.controller.js';
import { ReportsController } from './reports/reports.controller.js';
import { CaseReintegrationController, ReintegrationPlansController, ReintegrationSettingsController, ScoringSchemesController } from './reintegration/reintegration.controller.js';
import { AccessGuard, JwtStrategy } from './http/auth.js';
import { AuditController } from './identity/audit.controller.js';
import { AuthController } from './identity/auth.controller.js';
import { OrganizationsController } from './identity/organizations.controller.js';
import { SitesController } from './identity/sites.controller.js';
import { UsersController } from './identity/users.controller.js';
import { IdempotencyInterceptor } from './http/idempotency.interceptor.js';
import { IdempotencyRepository } from './http/idempotency.repository.js';
import { NoBodyInterceptor } from './http/no-body.interceptor.js';
import { ProblemFilter } from './http/problem.filter.js';
import { createValidationPipe } from './http/validation.js';

export interface ApiModuleOptions {
  clock?: Clock;
  /** Do not connect to the database at init (OpenAPI export). */
  lazyDatabase?: boolean;
  /** Extra modules (the test suite mounts fixture routes this way). */
  imports?: (Type | DynamicModule)[];
}

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, options: ApiModuleOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CommonModule.forRoot(config, options.clock),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            genReqId: (req) => (req as { id?: string }).id ?? randomUUID(),
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: safeUrl(req.url) }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: { ignore: (req) => req.url?.startsWith('/health/') ?? false },
          },
          forRoutes: [{ path: '*splat', method: RequestMethod.ALL }],
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () =>
            typeOrmOptions({ url: config.databaseUrl!, poolSize: config.dbPoolSize, migrations: MIGRATIONS, applicationName: 'passerelle-api', lazy: options.lazyDatabase }),
        }),
        TerminusModule.forRoot({ logger: false }),
        JobsModule,
        IdentityModule.forRoot(config),
        CasesModule,
        DataProtectionModule,
        ReferralsModule,
        ActivitiesModule,
        StaysModule,
        LettersModule,
        ReportsModule,
        ReturnsModule,
        ReintegrationModule,
        PassportModule,
        ...(options.imports ?? []),
      ],
      controllers: [HealthController, AuthController, OrganizationsController, SitesController, UsersController, AuditController, CasesController, CaseReferralsController, ReferralsController, ServicesController, AlertsController, ActivitiesController, StaysController, OccupancyController, CaseLettersController, LettersController, PublicLettersController, ReportsController, CaseReturnsController, ReturnsController, MovementsController, CaseReintegrationController, ReintegrationPlansController, ScoringSchemesController, ReintegrationSettingsController, CaseDataProtectionController, AnonymizationRequestsController],
      providers: [
        JwtStrategy,
        IdempotencyRepository,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // Before the idempotency interceptor: a refused request claims no key.
        { provide: APP_INTERCEPTOR, useClass: NoBodyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
