import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DomainError } from '@passerelle/common';
import { ApiProblems } from '../http/openapi.js';
import { Public } from '../http/public.decorator.js';

class HealthDto {
  status: string;
}

const OK_SCHEMA: SchemaObject = { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['ok'] } } };

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({
    summary: 'The process is up (does not touch the database)',
    description: 'Liveness probe: answers 200 as long as the process serves HTTP, whatever the state of the database. Restart the process when it stops answering.',
  })
  @ApiOkResponse({ description: 'The process is up', schema: OK_SCHEMA })
  live(): HealthDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Ready to serve: the database answers within 1 s',
    description: 'Readiness probe: 200 when the database answers a ping within 1 s, else 503 with `checks.database: down`. Send traffic only to ready instances.',
  })
  @ApiOkResponse({ description: 'Ready: the database answered', schema: OK_SCHEMA })
  @ApiProblems(503)
  async ready(): Promise<HealthDto> {
    try {
      await this.health.check([() => this.db.pingCheck('database', { timeout: 1000 })]);
      return { status: 'ok' };
    } catch {
      throw new DomainError('DATABASE_UNAVAILABLE', 'The database did not answer within 1 s', { extra: { checks: { database: 'down' } } });
    }
  }
}
