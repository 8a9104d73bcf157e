import { connect } from 'node:net';

/** Sends `text` and returns what comes back until the server closes or `ms` pass. */
export function raw(p: number, text: string | Buffer, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(p, '127.0.0.1');
    let got = '';
    const done = () => {
      s.destroy();
      resolve(got);
    };
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', done);
    s.on('error', done);
    setTimeout(done, ms);
    s.write(text);
  });
}
