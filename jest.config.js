// Two projects: fast unit tests beside the code, and e2e suites that boot the real AppModule
// on real databases (SQLite and MariaDB/MySQL).
const moduleNameMapper = {
  '^@app/config(|/.*)$': '<rootDir>/libs/config/src$1',
  '^@app/database(|/.*)$': '<rootDir>/libs/database/src$1',
  '^@app/scim-protocol(|/.*)$': '<rootDir>/libs/scim-protocol/src$1',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  // content-disposition 3 (used by @fastify/static for Swagger UI) ships ESM only. Node 20.19+
  // requires it natively, Jest before Node 24.9 cannot, so tests transpile that one package.
  '^.+/node_modules/(content-disposition|openid-client|oauth4webapi|jose)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
};
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition|openid-client|oauth4webapi|jose)/)'];
// The Galera suite needs the cluster of scripts/galera.sh: it runs only when E2E_ENGINES names
// galera (e.g. `E2E_ENGINES=galera npx jest --selectProjects e2e test/galera.e2e-spec.ts`).
const galera = (process.env.E2E_ENGINES ?? '')
  .split(',')
  .map((s) => s.trim())
  .includes('galera');
module.exports = {
  // Jest 29 reads the timeout only at the top level, not per project.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      moduleFileExtensions: ['js', 'json', 'ts'],
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      moduleFileExtensions: ['js', 'json', 'ts'],
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: galera ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/test/galera\\.e2e-spec\\.ts$'],
      // Names anything the suites left open and fails the run (with --runInBand they ran in this process).
      globalTeardown: '<rootDir>/test/support/open-handles.ts',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
  ],
};
