// Summary of a V8 .cpuprofile (node --cpu-prof): self time by function and by package, and
// inclusive time by function (each sample counted once per function on its stack).

const packageOf = (url) => {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return 'node: core';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const d = /\/dist\/(apps|libs)\/([^/]+)/.exec(url);
  if (d) return `passerelle ${d[1]}/${d[2]}`;
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
};

const keyOf = (cf) => `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/')}:${cf.lineNumber + 1}` : ''}`.trim();

/**
 * `window` ({ from, to } in µs of the monotonic clock, process.hrtime) keeps only the samples
 * taken under load: the profile also covers the process's start-up (module loading).
 */
export function summarizeProfile(profile, top = 30, window = null) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const byPackage = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  let at = profile.startTime;
  const inWindow = profile.samples.filter((_, i) => {
    at += profile.timeDeltas[i] ?? 0;
    return !window || (at >= window.from && at <= window.to);
  }).length;
  const useWindow = window && inWindow > 100;
  at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (useWindow && (at < window.from || at > window.to)) return;
    const node = nodes.get(id);
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += dt;
      return;
    }
    total += dt;
    const k = keyOf(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const pkg = name.startsWith('(') ? name : packageOf(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = keyOf(nodes.get(cur).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const pct = (us) => Math.round((us / total) * 1000) / 10;
  const list = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => ({ pct: pct(us), ms: Math.round(us / 1000), fn: k }));
  const result = {
    window: useWindow ? 'the timed run only' : 'the whole process (start-up included)',
    busyMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    selfByFunction: list(self, top),
    selfByPackage: list(byPackage, 20),
    inclusiveByFunction: list(inclusive, top + 20).filter((x) => !/^\(root\)|^\(program\)/.test(x.fn)),
  };
  const lines = [
    `CPU profile of ${result.window}: ${result.busyMs} ms busy, ${result.idleMs} ms idle`,
    '', 'self time by package:', ...result.selfByPackage.map((x) => `  ${String(x.pct).padStart(5)} %  ${x.fn}`),
    '', 'self time by function:', ...result.selfByFunction.map((x) => `  ${String(x.pct).padStart(5)} %  ${x.fn}`),
    '', 'inclusive time by function:', ...result.inclusiveByFunction.map((x) => `  ${String(x.pct).padStart(5)} %  ${x.fn}`),
  ];
  return { ...result, text: lines.join('\n') };
}
