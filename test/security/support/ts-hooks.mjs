// Module hooks that run the TypeScript sources directly (swc, as jest does): the fault-tolerance
// tests spawn the real API and worker processes and SIGKILL them, without a `nest build` first.
// Registered by ts-register.mjs (`node --import ./test/security/support/ts-register.mjs app.ts`).
import { transformSync } from '@swc/core';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = new URL('../../../', import.meta.url);
const ALIASES = {
  '@passerelle/common': 'libs/common/src/index.ts',
  '@passerelle/core': 'libs/core/src/index.ts',
};

export async function resolve(specifier, context, next) {
  if (ALIASES[specifier]) return { url: new URL(ALIASES[specifier], root).href, shortCircuit: true };
  const sub = /^@passerelle\/core\/([\w-]+)$/.exec(specifier);
  if (sub) return { url: new URL(`libs/core/src/${sub[1]}/index.ts`, root).href, shortCircuit: true };
  if (/^\.{1,2}\//.test(specifier) && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    filename: file,
    sourceMaps: 'inline',
    module: { type: 'es6' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
      target: 'es2022',
    },
  });
  return { format: 'module', source: code, shortCircuit: true };
}

export const rootUrl = pathToFileURL(fileURLToPath(root)).href;
