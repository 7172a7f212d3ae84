/**
 * End to end on a real service: requests → the service's metrics → SloSampled on the log → the SLO
 * projection → GET /v1/ops/slo.
 */
import { startSloSampler } from '../../../projections/ops/slo-sampler';
import { loadSloSpec } from '../../../projections/ops/slo-spec';
import { startTestService } from '../testing';

test('requests served are sampled onto the log and show in the SLO report and page', async () => {
  const svc = await startTestService();
  try {
    const producer = await svc.keyFor('acme', 'producer');
    const auditor = await svc.keyFor('audit', 'auditor');
    for (let i = 0; i < 20; i++) {
      const res = await svc.request('POST', '/v1/events', producer, { id: `slo-e2e-${i}`, type: 'AnnotationAdded', stream: 'slo-e2e', payload: { subject: 's', text: `n${i}`, author: 'a', tags: [] } });
      expect(res.status).toBe(202);
    }
    expect((await svc.request('POST', '/v1/events', producer, { type: 'NoSuchType', stream: 's', payload: {} })).status).toBe(422);
    const sampler = startSloSampler(svc.service.log, loadSloSpec(), { intervalMs: 3600000 });
    const event = await sampler.sample();
    await sampler.stop();
    expect(event).not.toBeNull();
    await svc.service.ctx.settled(svc.service.log.headSync());
    const report = await svc.request('GET', '/v1/ops/slo?slo=ingest-availability', auditor);
    expect(report.status).toBe(200);
    const ingest = report.body.slos[0];
    // 20 accepted + 1 rejected (a 4xx is good: the client's mistake, answered correctly).
    expect(ingest.window.total).toBeGreaterThanOrEqual(21);
    expect(ingest.window.good).toBe(ingest.window.total);
    expect(ingest.budgetRemaining).toBe(1);
    expect((await svc.request('GET', '/v1/ops/slo', producer)).status).toBe(403);
    // The dashboard page, mounted by the registry under /ui, reads the same model.
    expect((await svc.request('GET', '/ui/ops/slo')).status).toBe(401);
    expect((await svc.request('GET', '/ui/ops/slo', producer)).status).toBe(403);
    const page = await svc.request('GET', '/ui/ops/slo', auditor);
    expect(page.status).toBe(200);
    expect(page.body).toContain('ingest-availability');
  } finally {
    await svc.stop();
  }
});
