// npm run fuzz: the fuzzing suite (test/security/fuzz.sec-spec.ts) with more runs per route than
// CI's 30 and, unless FUZZ_SEED is given, a new seed each time (printed, so a failure replays with
// FUZZ_SEED=<seed> npm run fuzz). FUZZ_RUNS sets the runs per route (default 300).
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '300', FUZZ_SEED: process.env.FUZZ_SEED ?? String(randomInt(2 ** 31 - 1)) };
console.log(`fuzzing with FUZZ_SEED=${env.FUZZ_SEED} FUZZ_RUNS=${env.FUZZ_RUNS}`);
const jest = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'test/security/fuzz.sec-spec.ts', '--selectProjects', 'security', ...process.argv.slice(2)], { stdio: 'inherit', env });
console.log(`(replay: FUZZ_SEED=${env.FUZZ_SEED} FUZZ_RUNS=${env.FUZZ_RUNS} npm run fuzz)`);
process.exit(jest.status ?? 1);
