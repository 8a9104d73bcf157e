// The benchmark's PostgreSQL: the project's own embedded server (libs/common, from the build)
// in a directory of ours, tuned for a bulk load and for measuring, with pg_stat_statements
// (queries per request) and auto_explain (the plans of the API's own queries) preloaded.
// Or BENCH_DATABASE_URL: any PostgreSQL ≥ 15, used as it is.
import pg from 'pg';

const dist = (p) => new URL(`../../dist/${p}`, import.meta.url).href;

export async function query(url, sql, params) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Server log lines (auto_explain writes plans there), kept in memory for the explain step. */
export class ServerLog {
  lines = [];
  push(chunk) {
    if (this.lines.length > 200_000) this.lines.splice(0, 100_000);
    this.lines.push(String(chunk));
  }
  text() {
    return this.lines.join('');
  }
}

export async function startDatabase({ dir, log }) {
  const serverLog = new ServerLog();
  const { startEmbeddedPostgres } = await import(dist('libs/common/src/database/embedded.js'));
  // Loaded without durability (fsync, synchronous commit and full-page writes off: a bulk load that
  // a crash would simply restart); measured with it, as production runs (durable(), below).
  let server = await startEmbeddedPostgres({ dir, database: 'passerelle_bench', ephemeral: true, onLog: (m) => serverLog.push(m) });
  const settings = {
    shared_buffers: '1GB',
    work_mem: '16MB',
    maintenance_work_mem: '512MB',
    max_wal_size: '8GB',
    checkpoint_timeout: '30min',
    shared_preload_libraries: 'pg_stat_statements,auto_explain',
    'pg_stat_statements.track': 'all',
    'pg_stat_statements.track_utility': 'on',
  };
  // A list setting is a list of quoted items ('a', 'b'), not one string 'a,b'.
  for (const [k, v] of Object.entries(settings)) await query(server.adminUrl, `ALTER SYSTEM SET ${k} = ${v.split(',').map((x) => `'${x}'`).join(', ')}`);
  await server.stop();
  try {
    await server.start();
  } catch (e) {
    throw new Error(`PostgreSQL did not restart with the benchmark settings: ${e?.message ?? ''}\n${serverLog.text().slice(-3000)}`);
  }
  // Placeholders only exist once the library is loaded: set them after the restart.
  for (const [k, v] of Object.entries({ 'auto_explain.log_min_duration': '-1', 'auto_explain.log_analyze': 'on', 'auto_explain.log_buffers': 'on', 'auto_explain.log_timing': 'on' })) {
    await query(server.adminUrl, `ALTER SYSTEM SET ${k} = '${v}'`);
  }
  await query(server.adminUrl, 'SELECT pg_reload_conf()');
  await query(server.url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const [{ server_version: version }] = await query(server.url, 'SHOW server_version');
  log?.(`PostgreSQL ${version} on port ${server.port} (${dir})`);
  return {
    url: server.url,
    adminUrl: server.adminUrl,
    embedded: true,
    version,
    serverLog,
    stop: () => server.stop(),
    /** Restarts the server on the same port with PostgreSQL's durable defaults (the load's shortcuts off). */
    async durable() {
      await server.stop();
      server = await startEmbeddedPostgres({ dir, database: 'passerelle_bench', port: server.port, onLog: (m) => serverLog.push(m) });
      const rows = await query(server.url, "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name");
      log?.(`PostgreSQL restarted for the measurements: ${rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);
      return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    },
  };
}

export async function useDatabase(url, log) {
  const [{ server_version: version }] = await query(url, 'SHOW server_version');
  const [{ libs }] = await query(url, "SELECT current_setting('shared_preload_libraries') AS libs");
  let statements = false;
  if (libs.includes('pg_stat_statements')) {
    await query(url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    statements = true;
  }
  log?.(`PostgreSQL ${version} at BENCH_DATABASE_URL (pg_stat_statements ${statements ? 'on' : 'off'}, plans ${libs.includes('auto_explain') ? 'from the server log: not captured here' : 'off'})`);
  return { url, adminUrl: url, embedded: false, version, serverLog: null, statements, stop: async () => {} };
}

/** pg_stat_statements: reset, and the statements since, for one scenario. */
export async function resetStatements(url) {
  await query(url, 'SELECT pg_stat_statements_reset()').catch(() => undefined);
}

export async function readStatements(url) {
  try {
    return await query(
      url,
      `SELECT calls::int, round(total_exec_time::numeric, 2)::float AS total_ms, round(mean_exec_time::numeric, 3)::float AS mean_ms, rows::int,
              regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC`,
    );
  } catch {
    return null;
  }
}
