// autocannon with fixed connections: a warm-up, then timed rounds; the median of the rounds is
// reported. Latencies are taken from autocannon's 'response' events (hrtime, in ms) so that
// p95 can be given (autocannon's own summary has p90 and p97.5 but no p95).
import autocannon from 'autocannon';

const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : null);
const round2 = (x) => (x === null ? null : Math.round(x * 100) / 100);
export const median = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

/** One autocannon run of `seconds`; `request` is an autocannon request (may have setupRequest). */
export async function runOnce({ url, connections, seconds, request }) {
  const latencies = [];
  const statusCodes = {};
  const samples = [];
  let non2xx = 0;
  const req = {
    ...request,
    onResponse(status, body) {
      if ((status < 200 || status >= 300) && samples.length < 3) samples.push(`${status} ${String(body).slice(0, 300)}`);
    },
  };
  const instance = autocannon({ url, connections, duration: seconds, timeout: 10, requests: [req] });
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    latencies.push(ms);
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    if (statusCode < 200 || statusCode >= 300) non2xx++;
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  return {
    seconds: result.duration,
    requests: latencies.length,
    rps: Math.round((latencies.length / result.duration) * 10) / 10,
    p50: round2(quantile(sorted, 0.5)),
    p95: round2(quantile(sorted, 0.95)),
    p99: round2(quantile(sorted, 0.99)),
    errors: result.errors + result.timeouts,
    non2xx,
    statusCodes,
    samples,
  };
}

/** Median over rounds of each figure. */
export function summarize(rounds) {
  return {
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p95: median(rounds.map((r) => r.p95)),
    p99: median(rounds.map((r) => r.p99)),
    errors: rounds.reduce((s, r) => s + r.errors + r.non2xx, 0),
    requests: rounds.reduce((s, r) => s + r.requests, 0),
    cpuMsPerRequest: rounds.every((r) => r.cpuMs != null) ? Math.round((rounds.reduce((s, r) => s + r.cpuMs, 0) / Math.max(1, rounds.reduce((s, r) => s + r.requests, 0))) * 100) / 100 : null,
  };
}
