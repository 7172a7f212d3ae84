/** Jest for everything under sdk/ (the root config ignores sdk/): the server-vs-spec conformance test and the TypeScript SDK. */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/sdk'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.venv/', '/sdk/go/', '/sdk/python/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/sdk/ts/dist/'],
  testTimeout: 120000,
};
