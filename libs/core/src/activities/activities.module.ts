import { Module } from '@nestjs/common';
import { ActivitiesService } from './activities.service.js';

/** Group activities (issue 6). AuditWriter comes from the global AuditModule. */
@Module({ providers: [ActivitiesService], exports: [ActivitiesService] })
export class ActivitiesModule {}
