/**
 * The direction of dependencies between the folders of src/ (see ARCHITECTURE.md). Each folder
 * sits on a layer and may import only from layers below its own; folders on the same layer do
 * not import each other. `npm run lint` runs this check.
 */
const LAYERS = [
  ['common', 'client'],
  ['config'],
  ['csv', 'network', 'queue', 'storage', 'links'],
  ['requests'],
  ['auth', 'metrics', 'logging'],
  ['webhook', 'health', 'queue-board', 'dispatch', 'web-console', 'lifecycle'],
  ['processing', 'completion', 'upload', 'status', 'images'],
  ['database'],
  ['cli'],
];

const folderPattern = (folders) => `^src/(${folders.join('|')})/`;

const layerRules = LAYERS.flatMap((folders, layer) => {
  const notBelow = LAYERS.slice(layer).flat();
  return folders.map((folder) => ({
    name: `layer-${folder}`,
    comment: `src/${folder}/ may import only folders on a lower layer`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: folderPattern(notBelow.filter((other) => other !== folder)) },
  }));
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'cli-only-client',
      comment: 'src/cli/ talks to the service through src/client/ only: no server code',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: '^src/(cli|client)/' },
    },
    {
      name: 'cli-no-server-packages',
      comment: 'src/cli/ uses no server package; its one package is the progress bar',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: 'node_modules/', pathNot: 'node_modules/(@types/)?cli-progress/' },
    },
    {
      name: 'no-circular',
      comment: 'Files must not import each other in a circle',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-tests',
      comment: 'Production code never imports tests, benchmarks or scripts',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'top-level-files-only-from-root',
      comment: 'main.ts, app.module.ts and app.setup.ts are imported by nothing inside a folder',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
