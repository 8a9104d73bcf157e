// Child processes of the benchmark (API, worker, raw baseline): started with their output kept
// in a log file, waited for, measured (VmRSS), stopped by pid.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Resident memory of a process in MB (VmRSS of /proc/<pid>/status), or null. */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/**
 * CPU time a process has used so far, in ms (utime + stime of /proc/<pid>/stat, in clock ticks of
 * 10 ms), or null. Its difference over a round divided by the requests is the server's own CPU
 * cost of a request: less sensitive to a busy machine than requests per second.
 */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Samples the max RSS of some processes while `fn` runs. */
export async function withRssSampling(pids, fn, everyMs = 200) {
  const max = Object.fromEntries(pids.map((p) => [p, 0]));
  const sample = () => {
    for (const p of pids) max[p] = Math.max(max[p], rssMb(p) ?? 0);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  try {
    const result = await fn();
    sample();
    return { result, maxRss: max };
  } finally {
    clearInterval(timer);
  }
}

export function startProcess({ name, args, env, logFile, cwd }) {
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    out.write(chunk);
    if (output.length < 200_000) output += chunk;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  exited.then(() => {
    done = true;
    out.end();
  });
  return {
    name,
    pid: child.pid,
    get output() {
      return output;
    },
    get running() {
      return !done;
    },
    exited,
    /** Resolves when `pattern` shows in the output; rejects if the process exits first or on timeout. */
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (pattern.test(output)) return;
        if (done) throw new Error(`${name} exited before it was ready:\n${output.slice(-2000)}`);
        await sleep(50);
      }
      throw new Error(`${name} not ready after ${timeoutMs} ms:\n${output.slice(-2000)}`);
    },
    async stop(timeoutMs = 15_000) {
      if (done) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => !done && child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
