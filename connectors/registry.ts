/**
 * What the service runs: every domain's processors, projections, routes and workers in one list.
 * A domain plugs in here and nowhere else.
 */
import type { ProcessorDefinition } from '../streams/runtime/processor';
import type { ProjectionDefinition } from '../projections/projection';
import { allProjections as backboneProjections } from '../projections';
import type { RouteModule } from './http/context';

export interface DomainModule {
  name: string;
  processors: ProcessorDefinition<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  projections: ProjectionDefinition[];
  routes: RouteModule[];
}

export const backbone: DomainModule = { name: 'backbone', processors: [], projections: backboneProjections, routes: [] };

export function domains(): DomainModule[] {
  return [backbone];
}

export const allProcessors = () => domains().flatMap((d) => d.processors);
export const allProjections = () => domains().flatMap((d) => d.projections);
export const allRoutes = () => domains().flatMap((d) => d.routes);
