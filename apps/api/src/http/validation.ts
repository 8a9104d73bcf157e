import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldError } from '@passerelle/common';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    // Echoed input (an unknown property's name) is bounded as the OpenAPI schema says.
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field: field.slice(0, 200), message: message.slice(0, 500) }));
    return own.concat(flatten(e.children ?? [], field));
  });
}

/**
 * A validator that throws on hostile input (validator.js's encodeURI on a lone surrogate, a
 * recursion too deep) has judged the input, not found a bug: 400, never 500 (issue 13).
 */
class SafeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (e) {
      if (e instanceof RangeError || e instanceof URIError) {
        throw new DomainError('VALIDATION_FAILED', `The request ${metadata.type === 'body' ? 'body' : metadata.type} could not be validated`, { errors: [{ field: metadata.data ?? metadata.type, message: 'is not acceptable input' }] });
      }
      throw e;
    }
  }
}

/** Unknown fields are refused, not stripped: a typo must not silently drop data (issue 3). */
export function createValidationPipe(): ValidationPipe {
  return new SafeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = flatten(errors).slice(0, 100);
      return new DomainError('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${f.message}`).join('; ').slice(0, 1000), { errors: fields });
    },
  });
}
