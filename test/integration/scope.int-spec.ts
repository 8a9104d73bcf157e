import { AbilityBuilder, createMongoAbility, subject } from '@casl/ability';
import fc from 'fast-check';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { type AppAbility, type FieldMap, scopeWhere } from '@passerelle/common';
import { createTestDatabase } from '../support/db.js';

/**
 * CONVENTIONS §2: lists are scoped by SQL built from the very rules `ability.can()` checks on a
 * single record. Property: for any rule set (can and cannot, eq / in on scalar and array fields,
 * nulls included) and any rows, the scoped query selects exactly the rows `can('read')` allows.
 */

const TABLE = 'scope_scratch';
const FIELDS: FieldMap = { kind: 'w.kind', level: 'w.level', owner: 'w.owner', tags: { column: 'w.tags', array: true } };

interface Row {
  kind: string | null;
  level: number;
  owner: string | null;
  tags: string[];
}
type Conditions = Record<string, unknown>;
interface RuleSpec {
  inverted: boolean;
  action: 'read' | 'update' | 'manage';
  subject: 'Widget' | 'Gadget' | 'all';
  conditions: Conditions | undefined;
}

const kinds = fc.constantFrom('a', 'b', 'c', null);
const levels = fc.integer({ min: 1, max: 3 });
const owners = fc.constantFrom('u1', 'u2', null);
const tag = fc.constantFrom('x', 'y', 'z');

const rowArb: fc.Arbitrary<Row> = fc.record({ kind: kinds, level: levels, owner: owners, tags: fc.uniqueArray(tag, { maxLength: 3 }) });

/** eq (`{f: v}` or `{f: {$eq: v}}`) or in (`{f: {$in: [...]}}`), the operators scopeWhere translates. */
const condOn = <T>(values: fc.Arbitrary<T>) =>
  fc.oneof(
    values,
    values.map((v) => ({ $eq: v })),
    fc.array(values, { maxLength: 3 }).map((vs) => ({ $in: vs })),
  );

const conditionsArb: fc.Arbitrary<Conditions> = fc
  .record(
    {
      kind: condOn(kinds),
      level: condOn(levels),
      owner: condOn(owners),
      // An array field: eq means "contains", in means "overlaps" (CASL's semantics).
      tags: condOn(fc.constantFrom('x', 'y', 'z', null)),
    },
    { requiredKeys: [] },
  )
  .filter((c) => Object.keys(c).length > 0);

const ruleArb: fc.Arbitrary<RuleSpec> = fc.record({
  inverted: fc.boolean(),
  action: fc.constantFrom('read', 'read', 'update', 'manage'),
  subject: fc.constantFrom('Widget', 'Widget', 'Gadget', 'all'),
  conditions: fc.option(conditionsArb, { nil: undefined, freq: 4 }),
});

function abilityOf(rules: RuleSpec[]): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const r of rules) {
    const define = r.inverted ? cannot : can;
    if (r.conditions) define(r.action, r.subject, r.conditions);
    else define(r.action, r.subject);
  }
  return build();
}

let url: string;
let client: pg.Client;
let ds: DataSource;
let run = 0;

beforeAll(async () => {
  url = await createTestDatabase();
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE ${TABLE} (
    id serial PRIMARY KEY, run int NOT NULL, kind text, level int NOT NULL, owner text, tags text[] NOT NULL DEFAULT '{}')`);
  // The scoped query goes through TypeORM's query builder, as in the repositories, so its
  // parameter expansion (`:name`, `:...name`) is the production one.
  ds = new DataSource({ type: 'postgres', url, poolSize: 2 });
  await ds.initialize();
});
afterAll(async () => {
  await ds?.destroy();
  await client?.end();
});

async function insert(rows: Row[]): Promise<number[]> {
  run++;
  if (!rows.length) return [];
  const values: unknown[] = [];
  const tuples = rows.map((r, i) => {
    values.push(run, r.kind, r.level, r.owner, r.tags);
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::text[])`;
  });
  const res = await client.query<{ id: number }>(`INSERT INTO ${TABLE} (run, kind, level, owner, tags) VALUES ${tuples.join(', ')} RETURNING id`, values);
  return res.rows.map((r) => r.id);
}

async function scopedIds(ability: AppAbility, action: string): Promise<number[]> {
  const scope = scopeWhere(ability, action, 'Widget', FIELDS);
  const rows = await ds
    .createQueryBuilder()
    .select('w.id', 'id')
    .from(TABLE, 'w')
    .where(scope.sql, scope.params)
    .andWhere('w.run = :run', { run })
    .getRawMany<{ id: number }>();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

describe('scopeWhere (CONVENTIONS §2): the SQL scope equals ability.can() on every row', () => {
  it('for random rule sets and rows, read selects exactly the rows ability.can("read") allows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ruleArb, { maxLength: 6 }), fc.array(rowArb, { maxLength: 25 }), async (rules, rows) => {
        const ability = abilityOf(rules);
        const ids = await insert(rows);
        const allowed = ids.filter((_, i) => ability.can('read', subject('Widget', { ...rows[i] })));
        expect(await scopedIds(ability, 'read')).toEqual(allowed);
      }),
      { numRuns: 400 },
    );
  });

  it('for random rule sets, update scopes the same way (another action than read)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ruleArb, { maxLength: 6 }), fc.array(rowArb, { maxLength: 25 }), async (rules, rows) => {
        const ability = abilityOf(rules);
        const ids = await insert(rows);
        const allowed = ids.filter((_, i) => ability.can('update', subject('Widget', { ...rows[i] })));
        expect(await scopedIds(ability, 'update')).toEqual(allowed);
      }),
      { numRuns: 150 },
    );
  });

  // Examples the property must not miss: NULL is not a match in CASL, but NOT (NULL) is NULL in SQL.
  it.each<[string, (b: Pick<AbilityBuilder<AppAbility>, 'can' | 'cannot'>) => void, Row[]]>([
    ['cannot on a nullable column keeps the rows whose value is NULL', ({ can, cannot }) => (can('read', 'Widget'), cannot('read', 'Widget', { owner: 'u1' })), [
      { kind: 'a', level: 1, owner: null, tags: [] },
      { kind: 'a', level: 1, owner: 'u1', tags: [] },
      { kind: 'a', level: 1, owner: 'u2', tags: [] },
    ]],
    ['$in with null matches NULL', ({ can }) => can('read', 'Widget', { kind: { $in: ['b', null] } }), [
      { kind: null, level: 1, owner: null, tags: [] },
      { kind: 'b', level: 1, owner: null, tags: [] },
      { kind: 'a', level: 1, owner: null, tags: [] },
    ]],
    ['cannot with eq null on an array field removes nothing', ({ can, cannot }) => (can('read', 'Widget'), cannot('read', 'Widget', { tags: null })), [
      { kind: 'a', level: 1, owner: null, tags: [] },
      { kind: 'a', level: 1, owner: null, tags: ['x'] },
    ]],
    ['no rule for the subject selects nothing', ({ can }) => can('read', 'Gadget'), [{ kind: 'a', level: 1, owner: null, tags: [] }]],
    ['an unconditional cannot above every can selects nothing', ({ can, cannot }) => (can('read', 'Widget', { kind: 'a' }), cannot('manage', 'all')), [{ kind: 'a', level: 1, owner: null, tags: [] }]],
  ])('%s', async (_, define, rows) => {
    const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
    define(builder);
    const ability = builder.build();
    const ids = await insert(rows);
    const allowed = ids.filter((_, i) => ability.can('read', subject('Widget', { ...rows[i] })));
    expect(await scopedIds(ability, 'read')).toEqual(allowed);
  });

  it('fails loudly, never widens: a field without SQL or an operator it does not translate throws', () => {
    const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
    can('read', 'Widget', { colour: 'red' });
    can('update', 'Widget', { level: { $gt: 1 } });
    const ability = build();
    expect(() => scopeWhere(ability, 'read', 'Widget', FIELDS)).toThrow('no SQL for Widget.colour');
    expect(() => scopeWhere(ability, 'update', 'Widget', FIELDS)).toThrow(/operator gt not translated/);
  });
});
