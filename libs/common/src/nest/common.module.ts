import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { Clock, SystemClock } from '../database/clock.js';
import { CursorCodec } from '../pagination/cursor.js';
import { FieldCipher } from '../crypto/field-cipher.js';

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** What every process (API, worker, tests) provides everywhere: config, the clock, cursors. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CommonModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
        { provide: CursorCodec, useValue: new CursorCodec(config.jwtSecret) },
        { provide: FieldCipher, useFactory: () => new FieldCipher(config.dataEncryptionKey) },
      ],
      exports: [APP_CONFIG, Clock, CursorCodec, FieldCipher],
    };
  }
}
