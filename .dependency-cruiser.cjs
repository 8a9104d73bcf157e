/**
 * The import rules of CONVENTIONS §1, checked in `npm test` (scripts/test-all.mjs): apps → libs/core →
 * libs/common and never back; no circles; one feature reaches another only through its index.ts.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports: two files (or more) that need each other cannot be read, tested or moved apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'libs/ are the product; the entry points in apps/ import them, never the reverse.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'common-not-to-core',
      severity: 'error',
      comment: 'libs/common knows no feature.',
      from: { path: '^libs/common/' },
      to: { path: '^libs/core/' },
    },
    {
      name: 'no-deep-import-across-features',
      severity: 'error',
      comment: "A feature of libs/core is used by the others through its index.ts, its public surface; its other files are its own.",
      from: { path: '^libs/core/src/([^/]+)/' },
      to: { path: '^libs/core/src/[^/]+/', pathNot: ['^libs/core/src/$1/', '^libs/core/src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'apps-through-index',
      severity: 'error',
      comment: 'Entry points use a feature through its index.ts (@passerelle/core/<feature>).',
      from: { path: '^(apps|migrations)/' },
      to: { path: '^libs/core/src/[^/]+/', pathNot: '^libs/core/src/[^/]+/index\\.ts$' },
    },
    {
      name: 'migrations-stand-alone',
      severity: 'error',
      comment: 'A migration imports only typeorm, so it replays unchanged whatever the code becomes.',
      from: { path: '^migrations/[0-9]' },
      to: { path: '^(apps|libs)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|apps/web)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
