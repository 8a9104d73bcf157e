import { Module } from '@nestjs/common';
import { ActivitiesRepository } from './activities.repository.js';
import { ActivitiesService } from './activities.service.js';

/** Group activities (issue 6). AuditWriter comes from the global AuditModule. */
@Module({ providers: [ActivitiesService, ActivitiesRepository], exports: [ActivitiesService] })
export class ActivitiesModule {}
