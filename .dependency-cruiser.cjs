/**
 * The layers of DESIGN.md, checked on every `make test` (make check-layers):
 *   connectors (adapters) → application → projections → streams (domains, log, runtime) → schemas
 * Imports point down only. Domains import no database, web framework or Kafka client (those live in
 * streams/log, streams/runtime, streams/bus and the adapters). Tests may reach across layers to drive a
 * scenario end to end; production code may not.
 */
const notTests = '\\.test\\.ts$';
// An example domain (examples/<name>/) keeps the same layer folders and is held to the same rules.
const layer = (names) => `^(${names})/|^examples/[a-z0-9-]+/(${names})/`;

/** The layers bottom up; each imports only those before it. */
const LAYERS = [
  ['schemas', 'schemas-are-the-bottom', 'schemas/ (envelope, codec, errors, generated types) imports nothing above it'],
  ['streams', 'streams-import-no-layer-above', 'domains, the log and the runtime never import read models, the application layer or adapters'],
  ['projections', 'projections-import-no-layer-above', 'read models and their queries never import the application layer or adapters'],
  ['application', 'application-imports-no-adapter', 'command handlers work on application/context.ts, whatever adapter calls them'],
  ['connectors'],
];
const importsNothingAbove = LAYERS.slice(0, -1).map(([folder, name, comment], i) => ({
  name,
  comment,
  severity: 'error',
  from: { path: layer(folder), pathNot: notTests },
  to: { path: layer(LAYERS.slice(i + 1).map(([above]) => above).join('|')) },
}));

module.exports = {
  forbidden: [
    ...importsNothingAbove,
    {
      name: 'domains-do-no-io',
      comment: 'a domain (lac, pcq, zk, ops) is pure logic: no database, web framework or Kafka client',
      severity: 'error',
      from: { path: '^streams/(lac|pcq|zk|ops)/|^examples/[a-z0-9-]+/streams/', pathNot: notTests },
      to: { path: 'node_modules/(express|pg|better-sqlite3|kafkajs|@confluentinc/kafka-javascript)/' },
    },
    {
      name: 'log-and-runtime-know-no-domain',
      comment: 'the log, the runtime and the bus serve every domain and import none',
      severity: 'error',
      from: { path: '^streams/(log|runtime|bus)/', pathNot: notTests },
      to: { path: '^streams/(lac|pcq|zk|ops)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|sdk|console)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
  },
};
