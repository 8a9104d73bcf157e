
/**
 * What the server says the user may do to this case now (its `actions`): the screen shows a
 * button only then, and never decides an access rule itself.
 */
export function may(c: { actions?: readonly string[] } | undefined, action: string): boolean {
  return Boolean(c?.actions?.includes(action));
}
