import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CursorCodec, DomainError, paginate } from '@passerelle/common';
import { Int, Str } from '../../apps/api/src/http/dto.js';
import { IdPipe } from '../../apps/api/src/http/id.pipe.js';
import { Idempotent } from '../../apps/api/src/http/idempotency.interceptor.js';
import { PageQueryDto } from '../../apps/api/src/http/page-query.dto.js';
import { Public } from '../../apps/api/src/http/public.decorator.js';

/**
 * Test-only routes over a scratch table, mounted with ApiModule's `imports` option, to exercise
 * the platform pipeline (parsers, validation, pagination, idempotency, errors) on its own.
 */
export const WIDGETS_DDL = `CREATE TABLE IF NOT EXISTS test_widgets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, size int,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp())`;

class CreateWidgetDto {
  @Str({ max: 100, min: 1 }) name: string;
  @Int({ optional: true, min: 0, max: 1000 }) size?: number;
}

interface WidgetRow {
  id: string;
  name: string;
  size: number | null;
  createdAt: Date;
}

@Public()
// Not part of the API: left out of the document (so it needs no operationId, apps/api/src/http/operation-ids.ts).
@ApiExcludeController()
@Controller('test-widgets')
class WidgetsController {
  constructor(
    private readonly db: DataSource,
    private readonly cursors: CursorCodec,
  ) {}

  @Post()
  @Idempotent()
  async create(@Body() dto: CreateWidgetDto): Promise<WidgetRow> {
    // Slow enough that two concurrent identical requests overlap.
    await new Promise((r) => setTimeout(r, 150));
    const [row] = await this.db.query('INSERT INTO test_widgets (name, size) VALUES ($1, $2) RETURNING id, name, size, created_at AS "createdAt"', [dto.name, dto.size ?? null]);
    return row;
  }

  @Post('fail')
  @HttpCode(200)
  @Idempotent()
  fail(@Body() dto: CreateWidgetDto): never {
    throw new DomainError('CONFLICT', `cannot make ${dto.name}`);
  }

  @Get()
  list(@Query() page: PageQueryDto) {
    const qb = this.db.createQueryBuilder().select(['w.id AS id', 'w.name AS name', 'w.created_at AS "createdAt"']).from('test_widgets', 'w');
    return paginate<WidgetRow>(qb, page, {
      list: 'test-widgets',
      columns: [{ expr: 'w.created_at', cast: 'timestamptz' }, { expr: 'w.id', cast: 'uuid' }],
      direction: 'DESC',
      keyOf: (w) => [new Date(w.createdAt).toISOString(), w.id],
    }, this.cursors, { raw: true });
  }

  @Get('boom')
  boom(): never {
    throw new Error('internal detail: SELECT secret FROM somewhere');
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: string): Promise<WidgetRow> {
    const [row] = await this.db.query('SELECT id, name, size, created_at AS "createdAt" FROM test_widgets WHERE id = $1', [id]);
    if (!row) throw new DomainError('NOT_FOUND', 'Widget not found');
    return row;
  }
}

@Module({ controllers: [WidgetsController] })
export class FixtureModule {}
