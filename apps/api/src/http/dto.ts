import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  isEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/*
 * One decorator per field kind, applying validation and its OpenAPI description together, so
 * the documented limits (maxLength, maxItems, min/max: the OWASP API ruleset wants them all)
 * are exactly the ones enforced.
 */

interface Common {
  optional?: boolean;
  /** Optional fields accept null already (IsOptional); say so in the document where null means "clear it". */
  nullable?: boolean;
  description?: string;
  example?: unknown;
}
const doc = (o: Common, schema: Record<string, unknown>) => {
  const full = { ...schema, description: o.description, example: o.example, ...(o.nullable ? { nullable: true } : {}) };
  return o.optional ? ApiPropertyOptional(full) : ApiProperty(full);
};
const opt = (o: Common) => (o.optional ? [IsOptional()] : []);
/** Optional means "may be absent", not "may be null": for fields where null is no value (an enum, a non-blank string, a section). */
const absentOk = (o: Common) => (o.optional ? [ValidateIf((_: object, v: unknown) => v !== undefined)] : []);

/**
 * Text PostgreSQL can store: no NUL (text and jsonb refuse it) and no lone UTF-16 surrogate (jsonb
 * refuses its escape; text would silently get U+FFFD). Either was a 500 instead of a 400.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const Storable = (each = false) =>
  ValidateBy(
    {
      name: 'isStorableText',
      validator: {
        validate: (v: unknown) => typeof v !== 'string' || !UNSTORABLE.test(v),
        defaultMessage: () => `$property must not contain NUL characters or unpaired surrogates`,
      },
    },
    { each },
  );
/** A required-length string must hold more than spaces: names are stored trimmed. */
const NotBlank = () =>
  ValidateBy({ name: 'isNotBlank', validator: { validate: (v: unknown) => typeof v !== 'string' || v.trim() !== '', defaultMessage: () => '$property must not be blank' } });

export function Str(o: Common & { max: number; min?: number; pattern?: RegExp; patternMessage?: string }) {
  return applyDecorators(
    ...(o.min ? absentOk(o) : opt(o)),
    IsString(),
    MaxLength(o.max),
    Storable(),
    ...(o.min ? [MinLength(o.min), NotBlank()] : []),
    ...(o.pattern ? [Matches(o.pattern, { message: o.patternMessage ?? `$property must match ${o.pattern}` })] : []),
    doc(o, { type: 'string', maxLength: o.max, minLength: o.min, pattern: o.pattern?.source }),
  );
}

/**
 * validator's isEmail calls encodeURI, which throws on a lone surrogate: `"email":"\uD800"` on
 * POST /auth/login was a 500 (issue 13, fuzzing). Unstorable text is refused before it is asked.
 */
const SafeEmail = () =>
  ValidateBy({
    name: 'isEmail',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && !UNSTORABLE.test(v) && isEmail(v),
      defaultMessage: () => '$property must be an email',
    },
  });

export function Email(o: Common = {}) {
  return applyDecorators(...opt(o), SafeEmail(), MaxLength(254), doc(o, { type: 'string', format: 'email', maxLength: 254 }));
}

export function Uuid(o: Common = {}) {
  return applyDecorators(...opt(o), IsUUID('all'), doc(o, { type: 'string', format: 'uuid', maxLength: 36 }));
}

/** IsISO8601 alone admits any number of fraction digits, so the documented 40 is enforced too. */
export function DateTime(o: Common = {}) {
  return applyDecorators(...opt(o), IsISO8601({ strict: true }), MaxLength(40), doc(o, { type: 'string', format: 'date-time', maxLength: 40 }));
}

export function OneOf(values: readonly string[], o: Common = {}) {
  return applyDecorators(...absentOk(o), IsIn(values as string[]), doc(o, { type: 'string', enum: values }));
}

const INT32 = 2 ** 31;

/**
 * Query strings carry numbers as digits, so a string of digits is converted; anything else is left
 * for IsInt to refuse (Number() would turn true into 1, "" into 0 and "1e3" into 1000).
 */
const toInt = Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value));

export function Int(o: Common & { min: number; max: number }) {
  const format = o.min >= -INT32 && o.max < INT32 ? 'int32' : 'int64';
  return applyDecorators(...opt(o), toInt, IsInt(), Min(o.min), Max(o.max), doc(o, { type: 'integer', format, minimum: o.min, maximum: o.max }));
}

export function Bool(o: Common = {}) {
  return applyDecorators(...opt(o), IsBoolean(), doc(o, { type: 'boolean' }));
}

/** An array of enum values, unique. */
export function OneOfEach(values: readonly string[], o: Common & { maxItems?: number; minItems?: number } = {}) {
  const maxItems = o.maxItems ?? values.length;
  return applyDecorators(
    ...opt(o),
    IsArray(),
    ArrayUnique(),
    ArrayMaxSize(maxItems),
    ...(o.minItems ? [ArrayMinSize(o.minItems)] : []),
    IsIn(values as string[], { each: true }),
    doc(o, { type: 'array', items: { type: 'string', enum: values }, maxItems, minItems: o.minItems, uniqueItems: true }),
  );
}

export function Strs(o: Common & { maxItems: number; max: number; unique?: boolean }) {
  return applyDecorators(
    ...opt(o),
    IsArray(),
    ArrayMaxSize(o.maxItems),
    ...(o.unique ? [ArrayUnique()] : []),
    IsString({ each: true }),
    MaxLength(o.max, { each: true }),
    Storable(true),
    doc(o, { type: 'array', items: { type: 'string', maxLength: o.max }, maxItems: o.maxItems, uniqueItems: o.unique || undefined }),
  );
}

export function Uuids(o: Common & { maxItems: number }) {
  return applyDecorators(
    ...opt(o),
    IsArray(),
    ArrayUnique(),
    ArrayMaxSize(o.maxItems),
    IsUUID('all', { each: true }),
    doc(o, { type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, maxItems: o.maxItems, uniqueItems: true }),
  );
}

/** A nested object validated by its own DTO class (an array, a string or null is no such object). */
export function Nested<T>(cls: new () => T, o: Common = {}) {
  return applyDecorators(...absentOk(o), IsObject(), ValidateNested(), Type(() => cls), doc(o, { type: () => cls }));
}

export function NestedEach<T>(cls: new () => T, o: Common & { maxItems: number }) {
  return applyDecorators(
    ...absentOk(o),
    IsArray(),
    ArrayMaxSize(o.maxItems),
    ValidateNested({ each: true }),
    Type(() => cls),
    doc(o, { type: () => [cls], maxItems: o.maxItems }),
  );
}

/** A timestamp as the API writes it (ISO 8601 UTC), or null. */
export const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
