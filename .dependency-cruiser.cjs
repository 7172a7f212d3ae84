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

module.exports = {
  forbidden: [
    {
      name: 'schemas-are-the-bottom',
      comment: 'schemas/ (envelope, codec, errors, generated types) imports nothing above it',
      severity: 'error',
      from: { path: layer('schemas'), pathNot: notTests },
      to: { path: layer('streams|projections|application|connectors') },
    },
    {
      name: 'streams-import-no-layer-above',
      comment: 'domains, the log and the runtime never import read models, the application layer or adapters',
      severity: 'error',
      from: { path: layer('streams'), pathNot: notTests },
      to: { path: layer('projections|application|connectors') },
    },
    {
      name: 'projections-import-no-layer-above',
      comment: 'read models and their queries never import the application layer or adapters',
      severity: 'error',
      from: { path: layer('projections'), pathNot: notTests },
      to: { path: layer('application|connectors') },
    },
    {
      name: 'application-imports-no-adapter',
      comment: 'command handlers work on application/context.ts, whatever adapter calls them',
      severity: 'error',
      from: { path: layer('application'), pathNot: notTests },
      to: { path: layer('connectors') },
    },
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
