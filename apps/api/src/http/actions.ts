import { ApiProperty } from '@nestjs/swagger';

/**
 * `actions` of a record (API.md "Browser session and permitted actions"): what the caller may do
 * to it now, from the record type's vocabulary, computed in libs/core by the same rules and
 * state machines that guard the endpoints. The app shows a button only when its action is listed.
 */
export const ApiActions = (vocabulary: readonly string[]) =>
  ApiProperty({
    type: 'array',
    maxItems: vocabulary.length,
    uniqueItems: true,
    items: { type: 'string', enum: [...vocabulary] },
    description: 'What you may do to this record now: an action listed is not refused for permission or state; one not listed is',
  });
