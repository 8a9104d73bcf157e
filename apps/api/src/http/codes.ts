import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, registerDecorator, type ValidationOptions } from 'class-validator';
import countries from 'i18n-iso-countries';
import { iso6393 } from 'iso-639-3';

/*
 * Code lists from maintained sources, not hand lists: ISO 3166-1 alpha-3 (i18n-iso-countries),
 * ISO 639-3 (iso-639-3), ISO 4217 currencies (the runtime's Intl data).
 */
const ALPHA3 = new Set(Object.keys(countries.getAlpha3Codes()));
const LANGUAGES = new Set(iso6393.map((l) => l.iso6393));
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function codeIn(set: Set<string>, what: string, options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: `is${what.replace(/\W/g, '')}`,
      target: object.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be an ${what} code`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && set.has(v) },
    });
}

function isRealDate(v: unknown): boolean {
  if (typeof v !== 'string' || !DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const doc = (optional: boolean | undefined, schema: Record<string, unknown>, nullable = false) => {
  const full = nullable ? { ...schema, nullable: true } : schema;
  return optional ? ApiPropertyOptional(full) : ApiProperty(full);
};

export const Country = (o: { optional?: boolean; nullable?: boolean; example?: string } = {}) =>
  applyDecorators(...(o.optional ? [IsOptional()] : []), codeIn(ALPHA3, 'ISO 3166-1 alpha-3'), doc(o.optional, { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3, example: o.example ?? 'GIN' }, o.nullable));

export const Languages = (o: { optional?: boolean } = {}) =>
  applyDecorators(
    ...(o.optional ? [IsOptional()] : []),
    IsArray(),
    ArrayUnique(),
    ArrayMaxSize(20),
    codeIn(LANGUAGES, 'ISO 639-3', { each: true }),
    doc(o.optional, { type: 'array', items: { type: 'string', pattern: '^[a-z]{3}$', maxLength: 3 }, maxItems: 20, uniqueItems: true, example: ['fra', 'sus'] }),
  );

export const Currency = (o: { optional?: boolean } = {}) =>
  applyDecorators(...(o.optional ? [IsOptional()] : []), codeIn(CURRENCIES, 'ISO 4217'), doc(o.optional, { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3, example: 'XOF' }));

/** A calendar date YYYY-MM-DD that exists; `past` refuses dates after today. */
export const DateOnly = (o: { optional?: boolean; nullable?: boolean; past?: boolean; example?: string } = {}) =>
  applyDecorators(
    ...(o.optional ? [IsOptional()] : []),
    ((object: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isDateOnly',
        target: object.constructor,
        propertyName: String(propertyName),
        options: { message: `$property must be a real date YYYY-MM-DD${o.past ? ' not in the future' : ''}` },
        validator: { validate: (v: unknown) => isRealDate(v) && (!o.past || (v as string) <= new Date().toISOString().slice(0, 10)) },
      })) as PropertyDecorator,
    doc(o.optional, { type: 'string', format: 'date', maxLength: 10, example: o.example }, o.nullable),
  );
