import { register } from 'prom-client';
import type { Service } from '../service';
import { componentHealth, serveComponentMetrics } from './metrics';

/** Just what the component report reads of a service. */
const fakeService = (components: { name: string; lastError: unknown }[]) => ({ processors: components.slice(0, 1), projections: components.slice(1) }) as unknown as Service;
const sample = async (component: string) => {
  const line = (await register.getSingleMetricAsString('trust_component_failing')).split('\n').find((l) => l.includes(`component="${component}"`));
  return line ? Number(line.split(' ').pop()) : undefined;
};

test('trust_component_failing follows the /healthz list at every scrape, and a stopped service leaves no series behind', async () => {
  const relay = { name: 'relay:metrics-test', lastError: new Error('broker transport failure') as unknown };
  const projection = { name: 'projection:metrics-test', lastError: undefined as unknown };
  const service = fakeService([relay, projection]);
  const stop = serveComponentMetrics(service);
  expect(componentHealth(service)).toEqual([
    { name: 'relay:metrics-test', failing: true },
    { name: 'projection:metrics-test', failing: false },
  ]);
  expect(await sample('relay:metrics-test')).toBe(1);
  expect(await sample('projection:metrics-test')).toBe(0);
  relay.lastError = undefined; // it recovered
  expect(await sample('relay:metrics-test')).toBe(0);
  stop();
  expect(await sample('relay:metrics-test')).toBeUndefined();
});
