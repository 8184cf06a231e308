// Two projects: fast unit tests beside the code, and e2e suites that boot the real AppModule
// on real databases (SQLite and MariaDB/MySQL).
const moduleNameMapper = {
  '^@app/config(|/.*)$': '<rootDir>/libs/config/src$1',
  '^@app/database(|/.*)$': '<rootDir>/libs/database/src$1',
  '^@app/scim-protocol(|/.*)$': '<rootDir>/libs/scim-protocol/src$1',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
};
module.exports = {
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      moduleFileExtensions: ['js', 'json', 'ts'],
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
      transform,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      moduleFileExtensions: ['js', 'json', 'ts'],
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      moduleNameMapper,
      testTimeout: 60000,
    },
  ],
};
