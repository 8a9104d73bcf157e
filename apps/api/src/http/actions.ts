import { ApiProperty } from '@nestjs/swagger';

/**
 * `actions` of a record (API.md "Browser session and permitted actions"): what the caller may do
 * to it now, from the record type's vocabulary, computed in libs/core by the same rules and
 * state machines that guard the endpoints. The app shows a button only when its action is listed.
 */
export const ApiActions = (endpoints: Record<string, string>) =>
  ApiProperty({
    type: 'array',
    maxItems: Object.keys(endpoints).length,
    uniqueItems: true,
    items: { type: 'string', enum: Object.keys(endpoints) },
    description:
      'What you may do to this record now: an action listed is not refused for permission or state (403, 404, 409 INVALID_TRANSITION); one not listed is. ' +
      Object.entries(endpoints)
        .map(([action, endpoint]) => `${action}: ${endpoint}`)
        .join('; '),
  });
