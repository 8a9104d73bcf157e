/** The one explicit entity list, shared by the API, the worker, the migration CLI and the tests. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ENTITIES: Function[] = [];
