/**
 * Lets a child process run TypeScript sources directly (`node -r ./test/support/swc-register.js x.ts`),
 * compiled by the same SWC that jest uses, so crash tests exercise the sources under test, not a stale build.
 */
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  });
  module._compile(code, filename);
};
