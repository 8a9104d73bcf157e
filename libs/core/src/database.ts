import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { databaseOptions } from '@passerelle/common';
import { ENTITIES } from './entities.js';

/**
 * TypeORM options of a Nest process. `lazy` skips connecting at module init (OpenAPI export);
 * migrations are passed in by the app because libs never import migrations/.
 */
export function typeOrmOptions(input: { url: string; poolSize: number; migrations: Function[]; applicationName: string; lazy?: boolean }): TypeOrmModuleOptions {
  return {
    ...databaseOptions({ url: input.url, entities: ENTITIES, migrations: input.migrations, poolSize: input.poolSize, applicationName: input.applicationName }),
    manualInitialization: input.lazy ?? false,
    // Fail fast at start instead of retrying for minutes: the process manager restarts us.
    retryAttempts: 2,
    retryDelay: 1000,
  };
}
