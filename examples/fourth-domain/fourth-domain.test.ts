/**
 * The example fourth domain mounted with the real module registry (withDomains) on a real service:
 * its events join this process's catalog, its projection folds them, its command decides and its
 * routes answer behind the same keys. Production never lists it (connectors/registry.ts).
 */
import { addCatalogRoot } from '../../schemas/catalog';
import { domains, withDomains } from '../../connectors/registry';
import { startTestService, type TestService } from '../../connectors/http/testing';
import { KUDOS_SCHEMAS, kudosDomain } from './connectors/kudos-module';

describe('the kudos example domain on the real registry', () => {
  let svc: TestService;
  let ana: string;
  let bo: string;
  beforeAll(async () => {
    addCatalogRoot(KUDOS_SCHEMAS);
    svc = await startTestService(withDomains([kudosDomain]));
    ana = await svc.keyFor('acme', 'producer');
    bo = await svc.keyFor('acme', 'producer');
  });
  afterAll(() => svc.stop());

  test('production does not list it', () => {
    expect(domains().map((d) => d.name)).not.toContain('kudos');
  });

  test('kudos are recorded as events, counted by the projection, refused by the rules', async () => {
    const first = await svc.request('POST', '/v1/kudos', ana, { to: 'carla', reason: 'fixed the flaky test' });
    expect(first).toMatchObject({ status: 201, body: { to: 'carla', count: 1 } });
    // The same giver twice in a row is refused by the domain's decide; another giver is not.
    const again = await svc.request('POST', '/v1/kudos', ana, { to: 'carla', reason: 'again' });
    expect(again.status).toBe(400);
    expect(again.body.details.problems[0].field).toBe('to');
    expect((await svc.request('POST', '/v1/kudos', bo, { to: 'carla', reason: 'reviewed my PR' })).body.count).toBe(2);
    expect((await svc.request('GET', '/v1/kudos/carla', ana)).body).toEqual({ person: 'carla', count: 2 });
    const events = (await svc.request('GET', '/v1/events?type=KudosGiven', ana)).body.events;
    expect(events.map((e: { stream: string; payload: { count: number } }) => [e.stream, e.payload.count])).toEqual([['kudos:acme:carla', 1], ['kudos:acme:carla', 2]]);
  });

  test('a malformed body names its field; nothing reaches the log', async () => {
    const head = await svc.service.log.head();
    const res = await svc.request('POST', '/v1/kudos', ana, { to: '', reason: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.details.problems.map((p: { field: string }) => p.field)).toEqual(['to']);
    expect(await svc.service.log.head()).toBe(head);
  });
});
