import fc from 'fast-check';
import { ROUTES } from './support/routes.js';
import { bodyArbitrary, bodySchema, describeMutations, FUZZ_RUNS, FUZZ_SEED, HOSTILE_STRINGS, hostile, jsonText } from './support/fuzz.js';
import { buildWorld, documentedRoutes, fingerprint, type OpenApiDoc, prepare, type World } from './support/world.js';

/*
 * Property-based fuzzing of every JSON body (issue 13), from the OpenAPI request schemas: the
 * route's valid body, completed with generated optional fields, mutated with wrong types, nulls,
 * huge strings, deep nesting, `__proto__`/`constructor`/`prototype` keys, NUL, lone surrogates,
 * RTL and zero-width characters, combining marks, 1e308, -0, "NaN". Whatever arrives:
 *   - never a 5xx; an error is `application/problem+json` with a `code`, no stack, no SQL;
 *   - a refused request writes nothing (row counts of every table, and the target rows);
 *   - an action documented without a body refuses one (a body it would silently ignore could
 *     hide a mass-assignment attempt).
 * CI: a fixed seed (FUZZ_SEED) and FUZZ_RUNS runs per route; `npm run fuzz` runs longer.
 */

let w: World;
let doc: OpenApiDoc;
let documented: string[] = [];
const AUTH = ['POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'POST /api/v1/auth/logout'];
const writeRoutes = Object.keys(ROUTES).filter((r) => !r.startsWith('GET '));
let total = 0;

beforeAll(async () => {
  w = await buildWorld();
  ({ doc, routes: documented } = await documentedRoutes(w.t));
}, 120_000);
afterAll(() => {
  console.info(`fuzzing: ${total} requests (seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs per route)`);
  return w?.t.close();
});

const LEAK = /\bat .+\.(ts|js):\d+|QueryFailedError|SELECT |INSERT |UPDATE .* SET|violates|stack|node_modules|TypeError|RangeError/;

/** Why a response to hostile input is wrong, or null; `state` holds the data as it should be now. */
async function judge(route: string, res: { status: number; headers: Record<string, string>; body: Record<string, unknown>; text: string }, state: { fp: string }, ids: string[]): Promise<string | null> {
  if (res.status >= 500) return `${res.status} ${res.text.slice(0, 300)}`;
  // Compared only after a refusal; a success moves the reference (a valid body may write).
  const now = JSON.stringify(await fingerprint(w.t, ids));
  const before = state.fp;
  state.fp = now;
  if (res.status >= 400) {
    if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) return `${res.status} with content-type ${res.headers['content-type']}`;
    if (typeof res.body?.code !== 'string') return `${res.status} without a code: ${res.text.slice(0, 200)}`;
    if (LEAK.test(res.text)) return `${res.status} leaks internals: ${res.text.slice(0, 300)}`;
    // A wrong password or a reused refresh token is recorded on purpose (lockout, family revocation).
    const recorded = AUTH.includes(route) && (res.status === 401 || res.status === 429);
    if (!recorded && now !== before) return `${res.status} ${res.body.code} but the data changed (partial write)`;
  }
  return null;
}

function post(route: string, caller: string, params: Record<string, string>, headers: Record<string, string> | undefined, text: string | undefined) {
  const [method, path] = route.split(' ');
  const url = path.replace(/\{(\w+)\}/g, (_, n: string) => params[n]);
  const m = method.toLowerCase() as 'post' | 'patch' | 'put' | 'delete';
  const base = caller === 'anonymous' ? w.t.http[m](url) : w.as(caller as never)[m](url);
  const req = base.set(headers ?? {});
  total++;
  return text === undefined ? req : req.set('content-type', 'application/json').send(text);
}

it('the fuzzer covers every documented write route', () => {
  expect(documented.filter((r) => !r.startsWith('GET ') && !writeRoutes.includes(r))).toEqual([]);
});

describe.each(writeRoutes)('%s', (route) => {
  it('hostile bodies → 4xx problem+json (or 2xx when still valid), never a 5xx, never a partial write', async () => {
    const spec = ROUTES[route];
    const cell = await prepare(w, route, spec);
    const ids = [...Object.values(cell.params), ...w.secrets()];
    const schema = bodySchema(doc, route);
    const realIds = [w.home.sites[0].id, w.homeShelter, w.partner.org.id, w.home.org.id, w.homeCase, w.users.get('home:caseworker')!.user.id];
    const failures: string[] = [];

    const state = { fp: JSON.stringify(await fingerprint(w.t, ids)) };
    const check = async (label: string, text: string | undefined) => {
      const res = await post(route, spec.owner, cell.params, cell.headers, text);
      const why = await judge(route, res, state, ids);
      if (why) failures.push(`${label}: ${why}`);
      return res;
    };

    // Pinned cases first: every category at least once on every route, whatever the seed.
    const base = cell.body ?? {};
    const firstString = Object.entries(base as Record<string, unknown>).find(([, v]) => typeof v === 'string')?.[0];
    const pinned: [string, string][] = [
      ['null body', 'null'],
      ['array body', '[]'],
      ['string body', '"x"'],
      ['number body', '1e308'],
      ['1000-deep object', JSON.stringify({ ...(base as object), deep: JSON.parse('{"a":'.repeat(1000) + '1' + '}'.repeat(1000)) })],
      ['300,000-deep array', '['.repeat(300_000) + ']'.repeat(300_000)],
      ['__proto__ at the root', JSON.stringify(base).replace(/^\{/, '{"__proto__":{"isAdmin":true},')],
      ['constructor.prototype at the root', JSON.stringify(base).replace(/^\{/, '{"constructor":{"prototype":{"isAdmin":true}},')],
      ['body over 1 MiB', JSON.stringify({ ...(base as object), [firstString ?? 'padding']: 'x'.repeat(1_100_000) })],
      ...(firstString
        ? HOSTILE_STRINGS.map((s, i): [string, string] => [`${firstString} = hostile string #${i}`, JSON.stringify({ ...(base as object), [firstString]: s })])
        : []),
    ];
    for (const [label, text] of pinned) await check(label, text);

    if (schema) {
      await fc.assert(
        fc.asyncProperty(bodyArbitrary(doc, schema, base, realIds), async ({ body, mutations }) => {
          await check(describeMutations(mutations), jsonText(body));
          return true;
        }),
        { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true },
      );
    } else {
      // Documented without a body: `{}` or nothing is fine; anything else is refused (400).
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostile.filter((v) => JSON.stringify(v) !== '{}' && v !== undefined), fc.constant({ status: 'closed', version: 99 })), async (value) => {
          const res = await check(`body ${describeMutations([{ path: [], value }])}`, JSON.stringify(value));
          if (res.status !== 400 && res.status !== 413) failures.push(`a body on a body-less action: ${res.status} ${res.body?.code} for ${JSON.stringify(value).slice(0, 100)}`);
          return true;
        }),
        { seed: FUZZ_SEED, numRuns: Math.min(FUZZ_RUNS, 15), endOnFailure: true },
      );
    }
    expect([...new Set(failures)].slice(0, 20)).toEqual([]);
  }, Math.max(60_000, FUZZ_RUNS * 1500));
});
