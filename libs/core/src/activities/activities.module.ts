import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { ActivitiesRepository } from './activities.repository.js';
import { ActivitiesService } from './activities.service.js';

/** Group activities (issue 6). AuditWriter comes from the global AuditModule. */
@Module({ imports: [AuditModule], providers: [ActivitiesService, ActivitiesRepository], exports: [ActivitiesService] })
export class ActivitiesModule {}
