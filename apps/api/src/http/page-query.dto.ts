import { DEFAULT_LIMIT, MAX_LIMIT } from '@passerelle/common';
import { Int, Str } from './dto.js';

/** `?limit=&cursor=` of every list (DESIGN §8): default 50, max 200, opaque cursor. */
export class PageQueryDto {
  @Int({ optional: true, min: 1, max: MAX_LIMIT, description: `Page size (default ${DEFAULT_LIMIT})` })
  limit?: number;

  @Str({ optional: true, max: 1024, description: 'Opaque cursor from the previous page’s nextCursor' })
  cursor?: string;
}
