import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type AppConfig, CommonModule } from '@passerelle/common';
import { ActivitiesModule, CasesModule, DataProtectionModule, IdentityModule, LettersModule, ReferralsModule, StaysModule, typeOrmOptions } from '@passerelle/core';
import { JobsModule } from '@passerelle/core/jobs';
import { MIGRATIONS } from '../../../migrations/index.js';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CommonModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          useFactory: () => typeOrmOptions({ url: config.databaseUrl!, poolSize: 4, migrations: MIGRATIONS, applicationName: 'passerelle-worker' }),
        }),
        JobsModule,
        IdentityModule.forRoot(config),
        CasesModule,
        // The retention job anonymizes what every feature holds: each must be loaded to register its handler.
        DataProtectionModule,
        ReferralsModule,
        ActivitiesModule,
        StaysModule,
        LettersModule,
      ],
    };
  }
}
