/**
 * What a domain's application module contributes besides processors and projections: background
 * workers (I/O around the pure processors, e.g. ZK provers) and demo data. The composition root
 * (connectors/registry.ts) lists the modules with their routes and pages.
 */
import type { ServiceContext } from './context';

/** A background worker of one service instance. `stop` returns once it appends nothing more. */
export interface Worker {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
export type WorkerModule = (ctx: ServiceContext) => Worker;

/** The demo's handle on the running service: real HTTP requests with the demo tenant's key. */
export interface DemoApi {
  tenant: string;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
