// Native ESM project (STACK gotcha 1): jest runs with --experimental-vm-modules, @swc/jest transpiles.
import { readFileSync } from 'node:fs';

const tsconfig = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8'));

/** moduleNameMapper built from tsconfig `paths` (one map for tsc, nest build and jest). */
const aliases = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/*', '/(.*)')}$`,
    `<rootDir>/${target.replace(/^\.\//, '').replace('*', '$1')}`,
  ]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
      target: 'es2023',
    },
  },
];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { ...aliases, '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': swc,
    // CJS @fastify/static requires ESM-only content-disposition@3 (STACK gotcha 3).
    'node_modules/(content-disposition)/.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
  // The web app has its own runners: vitest (src/**/*.test.ts[x]) and Playwright (e2e/*.spec.ts).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/web/'],
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  maxWorkers: process.env.CI ? 2 : '50%',
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/migrations/**/*.spec.ts'] },
    { ...common, displayName: 'integration', rootDir: '.', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // The security suite (issue 13): attacks generated from the route table, fuzzing, faults.
    { ...common, displayName: 'security', rootDir: '.', testMatch: ['<rootDir>/test/security/**/*.sec-spec.ts'] },
  ],
};
