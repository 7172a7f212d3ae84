/**
 * The event catalog: every event type with its Avro schema versions, its Kafka topic and its
 * partition key. One JSON file per family under catalog/, one .avsc per type and version under
 * events/<family>/<Type>.v<N>.avsc. This module is the only place that reads them.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export type EventSource = 'producer' | 'system';

export interface TopicConfig {
  partitions: number;
  /** `delete` with infinite retention for event topics, `compact` for changelogs. */
  cleanup: 'delete' | 'compact';
}

export interface CatalogEntry {
  type: string;
  family: string;
  topic: string;
  /** `stream` (the envelope's stream) or the name of a payload field. */
  key: string;
  /** `producer`: anyone with write access may publish it on POST /v1/events; `system`: only the service appends it. */
  source: EventSource;
  /** Available schema versions, ascending; the last is the reader schema. */
  versions: number[];
  /** Parsed Avro schema per version. */
  schemas: Map<number, object>;
}

export interface Catalog {
  entries: Map<string, CatalogEntry>;
  topics: Map<string, TopicConfig>;
}

interface FamilyFile {
  family: string;
  topics: Record<string, Partial<TopicConfig>>;
  events: Record<string, { topic: string; key?: string; source?: EventSource }>;
}


function schemasRoot(): string {
  // Works from the sources (ts-jest/swc) and from dist/ (compiled): both resolve to <repo>/schemas.
  const here = __dirname;
  const candidates = [here, join(here, '..', '..', 'schemas')];
  for (const c of candidates) if (existsSync(join(c, 'catalog')) && existsSync(join(c, 'events'))) return c;
  throw new Error(`schemas directory not found from ${here}`);
}

const VERSIONED_FILE = /^([A-Za-z][A-Za-z0-9]*)\.v(\d+)\.avsc$/;

/** The catalog of one schemas folder, or of several (the shipped one and an example domain's). */
export function loadCatalog(roots: string | readonly string[] = schemasRoot()): Catalog {
  const entries = new Map<string, CatalogEntry>();
  const topics = new Map<string, TopicConfig>();
  const folders = typeof roots === 'string' ? [roots] : roots;
  for (const root of folders) for (const file of readdirSync(join(root, 'catalog')).filter((f) => f.endsWith('.json')).sort()) {
    const fam = JSON.parse(readFileSync(join(root, 'catalog', file), 'utf8')) as FamilyFile;
    for (const [name, cfg] of Object.entries(fam.topics ?? {})) {
      topics.set(name, { partitions: cfg.partitions ?? 1, cleanup: cfg.cleanup ?? 'delete' });
    }
    for (const [type, ev] of Object.entries(fam.events)) {
      if (entries.has(type)) throw new Error(`event type ${type} is declared twice (catalog/${file})`);
      entries.set(type, {
        type,
        family: fam.family,
        topic: ev.topic,
        key: ev.key ?? 'stream',
        source: ev.source ?? 'producer',
        versions: [],
        schemas: new Map(),
      });
    }
  }
  for (const root of folders) for (const family of readdirSync(join(root, 'events')).sort()) {
    const dir = join(root, 'events', family);
    for (const file of readdirSync(dir).sort()) {
      const m = VERSIONED_FILE.exec(file);
      if (!m) continue;
      const entry = entries.get(m[1]);
      if (!entry) throw new Error(`schema ${family}/${file} has no catalog entry`);
      entry.schemas.set(Number(m[2]), JSON.parse(readFileSync(join(dir, file), 'utf8')));
    }
  }
  for (const entry of entries.values()) {
    entry.versions = [...entry.schemas.keys()].sort((a, b) => a - b);
    if (entry.versions.length === 0) throw new Error(`event type ${entry.type} has no schema file`);
    if (!topics.has(entry.topic)) topics.set(entry.topic, { partitions: 1, cleanup: 'delete' });
  }
  return { entries, topics };
}

let cached: Catalog | undefined;
const extraRoots: string[] = [];
/** The catalog shipped with this build (loaded once), with the families of any root added below. */
export function catalog(): Catalog {
  return (cached ??= loadCatalog([schemasRoot(), ...extraRoots]));
}

/**
 * Event families kept outside schemas/ (an example domain's, under examples/), added to the catalog
 * of this process: a test mounting that domain calls it before opening a service. The shipped
 * catalog never lists them.
 */
export function addCatalogRoot(root: string): void {
  if (extraRoots.includes(root)) return;
  extraRoots.push(root);
  cached = undefined;
}
