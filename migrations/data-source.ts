import { DataSource } from 'typeorm';
import { databaseOptions } from '@passerelle/common';
import { ENTITIES } from '@passerelle/core';
import { MIGRATIONS } from './index.js';

// The TypeORM CLI's door (scripts/typeorm.mjs sets DATABASE_URL, starting the embedded server if needed).
if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set');

export default new DataSource(
  databaseOptions({ url: process.env.DATABASE_URL, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2, applicationName: 'passerelle-cli' }),
);
