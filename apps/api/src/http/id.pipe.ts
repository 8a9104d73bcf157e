import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '@passerelle/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are UUIDs: anything else is a 400 before any query runs. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      const field = meta.data ?? 'id';
      throw new DomainError('VALIDATION_FAILED', `${field} must be a UUID`, { errors: [{ field, message: `${field} must be a UUID` }] });
    }
    return value.toLowerCase();
  }
}
