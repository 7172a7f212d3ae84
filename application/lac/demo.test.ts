import { lacRoutes } from '../../connectors/http/routes/lac';
import { lacDemo } from './demo';
import { startLacHarness } from '../../connectors/http/harness/lac-harness';

test('the LAC demo loads through the API and leaves a blocked, previewable candidate', async () => {
  const h = await startLacHarness({ routes: [lacRoutes] });
  try {
    const key = h.keyFor('demo');
    const lines = await lacDemo({ tenant: 'demo', request: (m, p, b) => h.request(m, p, key, b) });
    expect(lines[0]).toBe('LAC policy analytics-access 1.0.0 promoted, 12 decisions recorded');
    const previewId = /promotions\/(pv-[\w-]+)$/.exec(lines[1])![1];
    const preview = await h.request('GET', `/v1/lac/previews/${previewId}`, key);
    expect(preview.body).toMatchObject({ status: 'blocked', version: '1.1.0', denyToAllow: 2 });
  } finally {
    await h.stop();
  }
});
