// Runs the TypeORM CLI against DATABASE_URL, or against the embedded PostgreSQL under .data/
// when it is not set (the same server `npm start` uses). Usage: node scripts/typeorm.mjs <command> [args]
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/typeorm.mjs <migration:run|migration:revert|migration:show|migration:generate> [args]');
  process.exit(2);
}
let embedded = null;
const env = { ...process.env };
if (!env.DATABASE_URL) {
  const { startEmbeddedPostgres } = await import('../dist/libs/common/src/database/embedded.js');
  embedded = await startEmbeddedPostgres({ dir: resolve(env.DATA_DIR ?? '.data'), database: 'passerelle', port: 54329 });
  env.DATABASE_URL = embedded.url;
}
const run = (cmd, extra = []) =>
  new Promise((done) =>
    spawn(process.execPath, [resolve('node_modules/typeorm/cli.js'), cmd, ...extra, '-d', resolve('dist/migrations/data-source.js')], { env, stdio: 'inherit' }).on('exit', (c) => done(c ?? 1)),
  );
// Generate against a database at head (CONVENTIONS §5), or the diff repeats every table.
if (command === 'migration:generate' && (await run('migration:run')) !== 0) process.exit(1);
const cliArgs = [resolve('node_modules/typeorm/cli.js'), command, ...args, '-d', resolve('dist/migrations/data-source.js')];
if (command === 'migration:generate') cliArgs.push('--pretty');
const child = spawn(process.execPath, cliArgs, { env, stdio: 'inherit' });
const code = await new Promise((done) => child.on('exit', (c) => done(c ?? 1)));
if (embedded) await embedded.stop();
process.exit(code);
