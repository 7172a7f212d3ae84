/**
 * Lets plain `node` run the TypeScript sources (bench scripts, the corpus generator) without a build:
 * each .ts file is transpiled by @swc/core (already a dev dependency, used by jest) on require.
 *   node -r ./bench/lac/ts-register.js bench/lac/run.ts
 */
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
