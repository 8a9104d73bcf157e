import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldError } from '@passerelle/common';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    // Echoed input (an unknown property's name) is bounded as the OpenAPI schema says.
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field: field.slice(0, 200), message: message.slice(0, 500) }));
    return own.concat(flatten(e.children ?? [], field));
  });
}

/** Unknown fields are refused, not stripped: a typo must not silently drop data (issue 3). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = flatten(errors).slice(0, 100);
      return new DomainError('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${f.message}`).join('; ').slice(0, 1000), fields);
    },
  });
}
