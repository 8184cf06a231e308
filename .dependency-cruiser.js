/**
 * Dependency rules (STYLE.md): features point one way and never circle; libs/ never reach into
 * apps/; the SCIM protocol library stays pure TypeScript; the SCIM adapter owns no tables.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'libs-not-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    {
      name: 'scim-protocol-is-pure',
      comment: 'No framework, ORM or driver in the protocol code; tests may use drivers.',
      severity: 'error',
      from: { path: '^libs/scim-protocol/src/(?!.*\\.spec\\.ts$)' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-peer', 'npm-optional', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'domain-does-not-know-scim',
      comment: 'scim -> users, org-structure, directories; never the other way.',
      severity: 'error',
      from: { path: '^apps/api/src/(users|groups|org-structure|directories|directory-removal|organizations)/' },
      to: { path: '^apps/api/src/scim/' },
    },
    {
      name: 'scim-owns-no-tables',
      severity: 'error',
      from: { path: '^apps/api/src/scim/' },
      to: { path: '\\.entity\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '(^dist/|node_modules)' },
  },
};
