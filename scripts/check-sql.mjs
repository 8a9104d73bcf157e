#!/usr/bin/env node
/**
 * No SQL outside repositories (CONVENTIONS §2): a repository (`*.repository.ts`) owns the SQL of
 * its capability, so a service reads as use cases and "which queries touch this table?" has one
 * answer per feature. Reads the TypeScript of apps/ and libs/ (tests and benchmarks may do as they
 * please) and reports, file:line, every
 *   - call of `.query(…)`, `.createQueryBuilder(…)` or a query builder's own methods (`.andWhere`,
 *     `.setLock`, `.getMany`, …), or of the scoped builders `readableBy`/`readableByBranches`,
 *   - read or write through TypeORM on an EntityManager (`em.findOneBy(…)`, `em.save(…)`,
 *     `….manager.find(…)`, `….getRepository(X)`): a service asks the feature's repository,
 *   - string or template literal that reads as SQL (SELECT … FROM, INSERT INTO, UPDATE … SET,
 *     DELETE FROM, FOR UPDATE, a JOIN or a WHERE clause),
 * outside the places whose job is SQL: repositories, entities (the mapping: indexes, virtual
 * columns), migrations, and the database layer of libs/common (connections, migrations runner,
 * the CASL → SQL translator). Exit 1 on any finding.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = new URL('..', import.meta.url).pathname;
const ROOTS = ['apps/api/src', 'apps/worker/src', 'apps/cli/src', 'libs'];
const ALLOWED = [/^libs\/common\/src\/pagination\//, /\.repository\.ts$/, /\.entity\.ts$/, /\.spec\.ts$/, /^libs\/common\/src\/database\//, /^libs\/common\/src\/access\/scope\.ts$/, /^libs\/common\/src\/startup\.ts$/];
const SQL = [/\bSELECT\b[\s\S]*\bFROM\b/, /\bINSERT\s+INTO\b/, /\bUPDATE\s+\w+\s+SET\b/, /\bDELETE\s+FROM\b/, /\bFOR\s+(NO\s+KEY\s+)?UPDATE\b/, /\b(LEFT\s+|INNER\s+)?JOIN\s+\w+\s+\w+\s+ON\b/, /^\s*WHERE\b/, /\bSELECT\s+(1|true|count\(|coalesce\(|exists\()/i];
const CALLS = new Set(['query', 'createQueryBuilder', 'andWhere', 'orWhere', 'leftJoin', 'leftJoinAndSelect', 'innerJoin', 'innerJoinAndSelect', 'addSelect', 'setLock', 'getRawMany', 'getRawOne', 'addOrderBy', 'setParameters', 'getMany', 'getManyAndCount', 'getCount']);
/** TypeORM's reads and writes, on an EntityManager (`em`, `….manager`) or a repository of one (`….getRepository(X)`). */
const ORM_CALLS = new Set(['find', 'findBy', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'count', 'countBy', 'exists', 'existsBy', 'save', 'insert', 'update', 'upsert', 'delete', 'remove', 'increment', 'decrement', 'getRepository']);
const isManager = (e) => (ts.isIdentifier(e) && (e.text === 'em' || e.text === 'manager')) || (ts.isPropertyAccessExpression(e) && e.name.text === 'manager') || (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'getRepository');
/** The scoped query builders of libs/common/src/access/scope.ts: a repository's to call. */
const FUNCTIONS = new Set(['readableBy', 'readableByBranches']);

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
  }
};
for (const r of ROOTS) walk(join(ROOT, r));

const findings = [];
for (const file of files) {
  const rel = relative(ROOT, file);
  if (ALLOWED.some((re) => re.test(rel))) continue;
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const report = (node, what) => findings.push(`${rel}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`);
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && CALLS.has(node.expression.name.text)) report(node, `.${node.expression.name.text}(…)`);
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && FUNCTIONS.has(node.expression.text)) report(node, `${node.expression.text}(…)`);
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ORM_CALLS.has(node.expression.name.text) && isManager(node.expression.expression)) {
      report(node, `${node.expression.expression.getText()}.${node.expression.name.text}(…)`);
    }
    else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const s = ts.isTemplateExpression(node) ? node.getText() : node.text;
      if (SQL.some((re) => re.test(s))) report(node, `SQL text ${JSON.stringify(s.slice(0, 60))}…`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
for (const f of findings) console.log(f);
console.log(findings.length ? `\n${findings.length} place(s) with SQL or a TypeORM read or write outside a repository: move it into the feature's *.repository.ts` : 'no SQL and no TypeORM read or write outside repositories, entities, migrations and the database layer');
process.exit(findings.length ? 1 : 0);
