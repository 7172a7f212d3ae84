import type { Browser } from 'playwright-core';
import { inkRatio, launchBrowser } from '../../../test/support/browser';
import { lacDomain, lacRoutes } from '../../../connectors/http/routes/lac';
import { startLacHarness, type LacHarness } from '../../../connectors/http/harness/lac-harness';

const XSS = '<img src=x onerror="window.__xss=1">';
const request = (dataset: string, action = 'export') => ({
  subject: { id: 'eve', tenant: 'acme', groups: ['analysts'], clearance: 'P1' },
  action,
  resource: { dataset, tenant: 'acme', classification: 'P1', region: 'eu-west-1', fields: [] },
  context: { rows: 10 },
});

describe('promotion page in headless Chromium', () => {
  let h: LacHarness;
  let browser: Browser;
  let previewId: string;
  let key: string;
  beforeAll(async () => {
    h = await startLacHarness({ routes: [lacRoutes], pages: [lacDomain.pages![0]] });
    key = h.keyFor('acme');
    const v1 = { id: 'exports', version: '1.0.0', mode: 'enforce', default: 'allow', bundles: [{ ref: 'export.tier1-block@^1' }] };
    expect((await h.request('POST', '/v1/lac/policies', key, v1)).status).toBe(201);
    expect((await h.request('POST', '/v1/lac/policies/exports/versions/1.0.0/promote', key)).status).toBe(200);
    for (let i = 0; i < 3; i++) await h.request('POST', '/v1/lac/decide', key, { policy: 'exports', request: request('sales.orders') });
    await h.request('POST', '/v1/lac/decide', key, { policy: 'exports', request: request(XSS) });
    expect((await h.request('POST', '/v1/lac/policies', key, { ...v1, version: '2.0.0', bundles: [] })).status).toBe(201);
    const blocked = await h.request('POST', '/v1/lac/policies/exports/versions/2.0.0/promote', key);
    expect(blocked.status).toBe(409);
    previewId = blocked.body.details.preview.previewId;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  test('a person sees the risk, the changed decisions, the impacted datasets and what to acknowledge', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${key}` });
    const res = await page.goto(`${h.url}/ui/lac/promotions/${previewId}`);
    expect(res?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('Promote exports 1.0.0 → 2.0.0');
    expect(await page.textContent('#risk-level')).toBe('high');
    expect(await page.textContent('#deny-to-allow')).toBe('4');
    expect(await page.textContent('#allow-to-deny')).toBe('0');
    expect(await page.textContent('#status')).toBe('blocked');
    expect(await page.textContent('#ack')).toContain(`"previewId": "${previewId}"`);
    expect(await page.textContent('#ack')).toContain('the semantic diff widens P0, P1');
    const datasets = await page.$$eval('table[data-table="datasets"] tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(datasets).toEqual([
      ['sales.orders', '0', '3'],
      [XSS, '0', '1'],
    ]);
    // The dataset name from the log is text, never markup.
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    const sample = await page.textContent('table[data-table="samples"] tbody tr');
    expect(sample).toContain('deny → allow');
    expect(sample).toContain('EXPORT_GROUP_REQUIRED');
    // The semantic diff: removing the bundle widens exports of P0 and P1 for every request, recorded or not.
    expect(await page.textContent('#semantic-widenings')).not.toBe('0');
    const counterexamples = await page.$$eval('table[data-table="counterexamples"] tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)));
    expect(counterexamples).toEqual([
      ['widening', 'decision', 'P0', 'export', 'export.tier1-block'],
      ['widening', 'decision', 'P1', 'export', 'export.tier1-block'],
    ]);
    expect(await page.textContent('table[data-table="counterexamples"] pre')).toContain('"action": "export"');
    const badge = await page.evaluate("getComputedStyle(document.querySelector('#risk-level')).backgroundColor");
    expect(badge).toBe('rgb(194, 65, 12)');
    const shot = await page.screenshot({ fullPage: true });
    if (process.env.LAC_PAGE_SHOT) require('node:fs').writeFileSync(process.env.LAC_PAGE_SHOT, shot);
    expect(inkRatio(shot)).toBeGreaterThan(0.01);
    await page.close();
  });

  test('an unknown preview, or another tenant\'s, is a 404 page', async () => {
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${key}` });
    const res = await page.goto(`${h.url}/ui/lac/promotions/pv-nope`);
    expect(res?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Preview not found');
    // Another tenant's preview is not found either: its existence is not revealed.
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${h.keyFor('globex')}` });
    expect((await page.goto(`${h.url}/ui/lac/promotions/${previewId}`))?.status()).toBe(404);
    await page.close();
  });
});
