/** Error codes and messages that mean "the database is not reachable", not "your query is wrong". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE class 08 (connection exception) and 57P0x (operator intervention: shutdown, cannot connect now).
const SQLSTATE = /^(08\d{3}|57P0[1-4]|53300)$/;
/**
 * TypeORM's own errors when the connection under a transaction died and its query runner was
 * released mid-way (the next query, or the COMMIT, finds it gone): a database outage, not a bug
 * in the request — it was a 500 (issue 13, found by the fault suite).
 */
const RELEASED = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused|the database system is (shutting down|starting up)|terminating connection due to administrator command|Query read timeout|Client was closed and is not queryable|Cannot use a pool after calling end/i;

export function isConnectionError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof (e as { name?: unknown }).name === 'string' && RELEASED.has((e as { name: string }).name)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isConnectionError(x, depth + 1))) return true;
  return isConnectionError(e.driverError, depth + 1) || isConnectionError(e.cause, depth + 1);
}
