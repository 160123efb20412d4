// The layers of src/, bottom to top (docs/architecture.md): a module may import its own
// layer and the layers below it, never one above. `npm run lint:layers` checks it in CI.
const LAYERS = [
  ['lib', '^src/lib/'],
  ['generated', '^src/generated/'],
  ['model', '^src/model/'],
  ['store', '^src/store/'],
  ['backup', '^src/backup/'],
  ['fixtures', '^src/fixtures/'],
  ['http', '^src/http/'],
  ['auth', '^src/auth/'],
  ['atlas', '^src/atlas/'],
  ['control', '^src/control/'],
  ['inspector', '^src/inspector/'],
  ['record', '^src/record/'],
  ['composition', '^src/app\\.ts$'],
  ['entry points', '^src/(cli|command|index)\\.ts$'],
];

const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-upward`,
  comment: `${name} sits below ${LAYERS.slice(i + 1)
    .map(([above]) => above)
    .join(', ')}: it must not import them`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, above]) => above) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-folder-cycle',
      comment: 'no import cycle that leaves its folder',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { circular: true, viaOnly: { pathNot: '^src/$1/' } },
    },
    {
      name: 'outside-the-layers',
      comment: 'every module of src/ belongs to a layer (add a new folder to LAYERS)',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map(([, path]) => path) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/inspector/ui/' },
  },
};
