/**
 * A codec that knows the PCQ events, for tests. Until the lead moves the staged schemas
 * (streams/pcq/events/schemas → schemas/events/pcq, pcq.catalog.json → schemas/catalog/pcq.json),
 * this builds a temporary schemas root holding both; afterwards it is just the shipped catalog.
 */
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../schemas/catalog';
import { Codec } from '../../../schemas/codec';

const SCHEMAS_ROOT = join(__dirname, '..', '..', '..', 'schemas');

let cached: Codec | undefined;

/** Memoized: building the temporary root is a few file copies, done once per process. */
export function pcqTestCodec(): Codec {
  return (cached ??= buildCodec());
}

function buildCodec(): Codec {
  if (existsSync(join(SCHEMAS_ROOT, 'events', 'pcq')) && existsSync(join(SCHEMAS_ROOT, 'catalog', 'pcq.json'))) return new Codec(loadCatalog(SCHEMAS_ROOT));
  const root = mkdtempSync(join(tmpdir(), 'pcq-schemas-'));
  mkdirSync(join(root, 'catalog'));
  mkdirSync(join(root, 'events'));
  // Copy only declared types: a shared checkout may hold another team's schema before its catalog entry.
  const families: [string, string, string[]][] = readdirSync(join(SCHEMAS_ROOT, 'catalog'))
    .filter((f) => f.endsWith('.json') && f !== 'pcq.json')
    .map((f) => {
      const fam = JSON.parse(readFileSync(join(SCHEMAS_ROOT, 'catalog', f), 'utf8')) as { family: string; events: Record<string, unknown> };
      return [f, fam.family, Object.keys(fam.events)];
    });
  for (const [file, family, types] of families) {
    cpSync(join(SCHEMAS_ROOT, 'catalog', file), join(root, 'catalog', file));
    mkdirSync(join(root, 'events', family), { recursive: true });
    const dir = join(SCHEMAS_ROOT, 'events', family);
    for (const f of existsSync(dir) ? readdirSync(dir) : []) if (types.includes(f.split('.')[0])) cpSync(join(dir, f), join(root, 'events', family, f));
  }
  cpSync(join(__dirname, 'pcq.catalog.json'), join(root, 'catalog', 'pcq.json'));
  cpSync(join(__dirname, 'schemas'), join(root, 'events', 'pcq'), { recursive: true });
  return new Codec(loadCatalog(root));
}
