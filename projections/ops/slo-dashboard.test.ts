/** The SLO dashboard as a person sees it: headless Chromium renders it, the screenshot is not blank and shows the budget. */
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { inkRatio, launchBrowser } from '../../test/support/browser';
import { renderSloDashboard } from './slo-dashboard';
import { sloReport } from './slo-report';
import { loadSloSpec } from './slo-spec';
import { seededReadModel } from './testing';

const spec = loadSloSpec();
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test('the dashboard renders budgets, burn-rate bars and trends; a burning SLO shows its alert', async () => {
  const db = await seededReadModel(NOW, spec.slos.map((s) => s.name), { days: 6, burning: 'ingest-availability', burnRatio: 0.03 });
  const report = await sloReport(db, spec, NOW);
  const html = renderSloDashboard(report, spec);
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.setContent(html);
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(join(tmpdir(), 'trust-slo-dashboard.png'), png);
  expect(inkRatio(png)).toBeGreaterThan(0.03);

  const ingest = report.slos.find((s) => s.slo === 'ingest-availability')!;
  const shown = await page.locator('#ingest-availability .budget strong').innerText();
  expect(shown).toBe(`${(ingest.budgetRemaining * 100).toFixed(1)}%`);
  expect(await page.locator('#ingest-availability .budget').innerText()).toContain('Error budget remaining');
  expect(await page.locator('.summary').innerText()).toContain('IngestAvailabilityFastBurn');
  // One gauge and two charts per SLO, each with drawn marks.
  expect(await page.locator('svg.gauge').count()).toBe(spec.slos.length);
  expect(await page.locator('svg.chart').count()).toBe(2 * spec.slos.length);
  expect(await page.locator('#ingest-availability svg.chart rect').count()).toBe(7);
  expect(await page.locator('#ingest-availability polyline').count()).toBe(1);
  // Each alert's badge links to its runbook page (/ui/runbooks/<alert>), and that runbook exists.
  const badges = await page.locator('.slo a.badge').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('data-runbook')]));
  expect(badges.length).toBe(report.slos.reduce((n, s) => n + s.alerts.length, 0));
  expect(badges.length).toBeGreaterThan(0);
  for (const [href, file] of badges) {
    expect(href).toBe(`/ui/runbooks/${/^docs\/runbooks\/(\w+)\.md$/.exec(file!)![1]}`);
    expect([file, existsSync(join(__dirname, '..', '..', file!))]).toEqual([file, true]);
  }
});

test('with no traffic yet, every budget shows as whole and the trend says so', async () => {
  const db = await seededReadModel(NOW, [], { days: 0 });
  const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  await page.setContent(renderSloDashboard(await sloReport(db, spec, NOW), spec));
  expect(await page.locator('.budget strong').allInnerTexts()).toEqual(spec.slos.map(() => '100.0%'));
  expect(await page.locator('.summary').innerText()).toContain('No alert condition met');
  expect(inkRatio(await page.screenshot())).toBeGreaterThan(0.01);
});
