/**
 * What the service runs: every domain's processors, projections, routes and workers in one list.
 * A domain plugs in here and nowhere else.
 */
import type { AnyProcessorDefinition } from '../streams/runtime/processor';
import type { ProjectionDefinition } from '../projections/projection';
import { allProjections as backboneProjections } from '../projections';
import type { RouteModule } from './http/context';
import type { DemoApi, WorkerModule } from '../application/module';

export type { DemoApi, Worker, WorkerModule } from '../application/module';
import { lacDomain } from './http/routes/lac';
import { opsDomain } from './http/routes/ops';
import { pcqDomain } from './http/routes/pcq';
import { zkDomain } from './http/routes/zk';
import { runbookPages } from './http/pages/runbook-pages';

export interface DomainModule {
  name: string;
  processors: AnyProcessorDefinition[];
  projections: ProjectionDefinition[];
  routes: RouteModule[];
  /** Pages mounted under /ui (behind the same keys): dashboards, timelines, previews. */
  pages?: RouteModule[];
  /** Background workers doing I/O around the pure processors (e.g. ZK provers): started and stopped with the service. */
  workers?: WorkerModule[];
  /** Demo data, loaded by `trust demo` through the HTTP API with the demo key. Returns what it loaded, in lines. */
  demo?: (api: DemoApi) => Promise<string[]>;
}


export const backbone: DomainModule = {
  name: 'backbone',
  processors: [],
  projections: backboneProjections,
  routes: [],
  pages: [() => runbookPages()],
  async demo(api) {
    const notes = ['release 1.7 rollout started', 'gpu fleet drained for driver upgrade', 'release 1.7 signed off'].map((text, i) => ({
      id: `demo-note-${i + 1}`,
      type: 'AnnotationAdded',
      stream: 'notes-release-1.7',
      occurredAt: new Date(Date.UTC(2026, 10, 20 + i, 9)).toISOString(),
      payload: { subject: 'release-1.7', text, author: 'release-bot', tags: ['release'] },
    }));
    const res = await api.request('POST', '/v1/events', { events: notes });
    if (res.status !== 202) throw new Error(`demo annotations refused: ${JSON.stringify(res.body)}`);
    return [`${notes.length} release annotations`];
  },
};

export function domains(): DomainModule[] {
  return [backbone, pcqDomain, lacDomain, opsDomain, zkDomain];
}

export const allProcessors = () => domains().flatMap((d) => d.processors);
export const allProjections = () => domains().flatMap((d) => d.projections);
export const allRoutes = () => domains().flatMap((d) => d.routes);
export const allPages = () => domains().flatMap((d) => d.pages ?? []);
export const allWorkers = () => domains().flatMap((d) => d.workers ?? []);

/**
 * The registry's domains and these (an example domain, mounted by its test): what openService,
 * startTestService and createApp take to run them all. Production lists domains in domains() alone.
 */
export function withDomains(extra: DomainModule[]) {
  const all = [...domains(), ...extra];
  return {
    processors: all.flatMap((d) => d.processors),
    projections: all.flatMap((d) => d.projections),
    workers: all.flatMap((d) => d.workers ?? []),
    routes: all.flatMap((d) => d.routes),
    pages: all.flatMap((d) => d.pages ?? []),
  };
}
