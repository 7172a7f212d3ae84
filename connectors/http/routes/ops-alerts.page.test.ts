/**
 * The on-call's path as a person sees it, in headless Chromium against a real service: sign in
 * with an admin key, the SLO page lists the page Alertmanager delivered with its runbook, the
 * Acknowledge button records AlertAcknowledged and the page comes back showing who has it.
 */
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../../test/support/browser';
import { startTestService, type TestService } from '../testing';

let svc: TestService;
let browser: Browser;

beforeAll(async () => {
  svc = await startTestService();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

test('a signed-in admin acknowledges a firing page from the SLO page', async () => {
  const admin = await svc.keyFor('ops', 'admin');
  const startsAt = '2026-12-02T10:00:00.000Z';
  const id = `feed01-${Date.parse(startsAt)}`;
  const delivered = await svc.request('POST', '/v1/ops/alertmanager', admin, {
    version: '4',
    receiver: 'trust-pages',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'DecideLatencyFastBurn', severity: 'page', slo: 'decide-latency' }, annotations: { summary: 'decide-latency: error budget burning fast', runbook_url: 'docs/runbooks/DecideLatencyFastBurn.md' }, startsAt, fingerprint: 'feed01' }],
  });
  expect(delivered.status).toBe(200);

  const page = await browser.newPage();
  await page.goto(`${svc.url}/ui/ops/slo`);
  await page.fill('#key', admin);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/ui\/ops\/slo/);
  const row = page.locator(`tr[data-alert-id="${id}"]`);
  await expect(row.innerText()).resolves.toContain('DecideLatencyFastBurn');
  await expect(row.locator('[data-runbook]').innerText()).resolves.toBe('docs/runbooks/DecideLatencyFastBurn.md');
  await expect(row.locator('[data-runbook]').getAttribute('href')).resolves.toBe('/ui/runbooks/DecideLatencyFastBurn');
  await row.locator('button.ack').click();
  await page.waitForURL(/\/ui\/ops\/slo#alerts$/);
  await expect(page.locator(`tr[data-alert-id="${id}"]`).innerText()).resolves.toContain('acknowledged by ops');
  expect(await page.locator(`tr[data-alert-id="${id}"] button.ack`).count()).toBe(0);
  const stored = await svc.request('GET', `/v1/events?stream=ops-alert-${id}`, admin);
  expect(stored.body.events.map((e: { type: string }) => e.type)).toEqual(['AlertFired', 'AlertAcknowledged']);
});
