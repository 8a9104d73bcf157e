// COPY … FROM STDIN in PostgreSQL's text format: one encoder per column, chosen from the
// column's type in information_schema (so an empty jsonb array is [] and an empty text[] is {}).
import { from as copyFrom } from 'pg-copy-streams';

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const text = (s) => (SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (m) => ESCAPES[m]) : s);
const NULL = '\\N';

const scalar = (v) => {
  if (v === null || v === undefined) return NULL;
  if (typeof v === 'string') return text(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  return String(v);
};
// A string given for a json/jsonb column is taken as JSON already serialized (the generators
// serialize each section once and reuse the text).
const json = (v) => (v === null || v === undefined ? NULL : text(typeof v === 'string' ? v : JSON.stringify(v)));
const bytea = (v) => (v === null || v === undefined ? NULL : `\\\\x${v.toString('hex')}`);
const array = (v) => {
  if (v === null || v === undefined) return NULL;
  if (!v.length) return '{}';
  return text(`{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
};

export function encoderFor(dataType) {
  if (dataType === 'ARRAY') return array;
  if (dataType === 'jsonb' || dataType === 'json') return json;
  if (dataType === 'bytea') return bytea;
  return scalar;
}

/**
 * A COPY stream into `table` on its own connection, with buffered writes: `write(values)`
 * appends one row; `flush()` resolves when the socket has taken the buffer.
 */
export async function openCopy(client, table, columns, types) {
  const encoders = columns.map((c) => encoderFor(types.get(c)));
  const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
  const done = new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let buffer = '';
  let rows = 0;
  let waiting = null;
  return {
    table,
    get rows() {
      return rows;
    },
    write(values) {
      let line = encoders[0](values[0]);
      for (let k = 1; k < encoders.length; k++) line += `\t${encoders[k](values[k])}`;
      buffer += `${line}\n`;
      rows++;
      if (buffer.length > 1 << 18) {
        if (!stream.write(buffer)) waiting ??= new Promise((resolve) => stream.once('drain', () => ((waiting = null), resolve())));
        buffer = '';
      }
    },
    /** A promise while the socket is behind, else null: the generator awaits it before going on. */
    get backpressure() {
      return waiting;
    },
    async end() {
      if (buffer) stream.write(buffer);
      buffer = '';
      stream.end();
      await done;
    },
  };
}
