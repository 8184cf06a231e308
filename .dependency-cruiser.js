/**
 * Dependency rules (STYLE.md): features point one way and never circle; libs/ never reach into
 * apps/; the SCIM protocol library stays pure TypeScript; the SCIM adapter owns no tables.
 */

/**
 * The folders of apps/api/src, bottom to top (README "Layout"). A folder imports only folders
 * listed before it, so every arrow points down and no two folders can import each other. The
 * files directly in apps/api/src (app.module, main, cli, bootstrap, entities, logging) are the
 * composition root: they may import any folder; no folder imports them.
 */
const LAYERS = [
  ['platform', ['common', 'errors', 'mail', 'auth']],
  ['domain', ['organizations', 'directories', 'org-structure', 'users', 'invitations', 'groups']],
  ['features', ['credentials', 'sso', 'provisioning-log', 'directory-removal', 'scim', 'health']],
  ['setup', ['setup', 'testing']],
];
const FOLDERS = LAYERS.flatMap(([, folders]) => folders);
const SRC = '^apps/api/src/';

// testing/ (fixtures of the service specs) boots the app, as test/ does: it sits above the
// composition root, so no rule limits what it imports, and being last no production folder may import it.
const folderOrder = FOLDERS.flatMap((folder, i) =>
  folder === 'testing'
    ? []
    : [
        {
          name: `folder-order: ${folder}`,
          comment: `${folder}/ may import only ${FOLDERS.slice(0, i).join(', ') || 'libs'} (folders below it)`,
          severity: 'error',
          // Specs test a folder through the real app, so they may reach any folder (as test/ does).
          from: { path: `${SRC}${folder}/`, pathNot: '\\.spec\\.ts$' },
          to: { path: `${SRC}(${[...FOLDERS.slice(i + 1), '[^/]+\\.ts$'].join('|')})` },
        },
      ],
);

const unknownFolder = {
  name: 'folder-order: every folder has a place',
  comment: 'A new folder of apps/api/src must be placed in LAYERS (.dependency-cruiser.js) and in README "Layout".',
  severity: 'error',
  from: {},
  to: { path: `${SRC}[^/]+/`, pathNot: `${SRC}(${FOLDERS.join('|')})/` },
};

module.exports = {
  forbidden: [
    ...folderOrder,
    unknownFolder,
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
