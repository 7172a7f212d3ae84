/** The timeline page as a person sees it: headless Chromium renders it, an anchor scrolls to its row, the screenshot is not blank. */
import type { Browser } from 'playwright-core';
import { inkRatio, launchBrowser } from '../../../test/support/browser';
import { startPcqHarness, type PcqHarness } from '../../../connectors/http/harness/pcq-harness';

const RELEASES = ['1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0'];

describe('PCQ timeline page in headless Chromium', () => {
  let h: PcqHarness;
  let browser: Browser;
  let key: string;
  beforeAll(async () => {
    h = await startPcqHarness({ now: () => new Date('2026-11-28T12:00:00Z') });
    key = h.keyFor('acme');
    const ids = Array.from({ length: 40 }, (_, i) => `fx-${String(i).padStart(2, '0')}`);
    await h.request('POST', '/v1/pcq/fixtures', key, ids.map((fixtureId) => ({ fixtureId, seed: 1, libs: { numpy: '1.26.4' }, dataChecksum: 'sha256:d', baselineRuntime: { device: 'cpu', os: 'linux' } })));
    for (const [i, release] of RELEASES.entries()) await h.request('POST', '/v1/pcq/releases', key, { release, taggedAt: `2026-0${i + 5}-01T00:00:00Z` });
    const replays = ids.flatMap((fixtureId, f) =>
      RELEASES.map((release, r) => ({
        runId: `${fixtureId}-${release}`,
        fixtureId,
        release,
        runtime: { device: 'cpu', os: 'linux' },
        seed: 1,
        libs: { numpy: '1.26.4' },
        dataChecksum: 'sha256:d',
        // fx-37 drifts in 1.6.0: its row is far down the page
        metrics: { accuracy: 0.9 + (f === 37 && r >= 3 ? 0.03 : 0), loss: 0.3 + r * 0.0001, rows: 1000 },
      })),
    );
    expect((await h.request('POST', '/v1/pcq/replays?wait=true', key, replays)).status).toBe(202);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h.stop();
  });

  test('renders, an anchor link scrolls to its row, and the screenshot is not blank', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${key}` });
    await page.goto(`${h.url}/ui/pcq/timeline`);
    expect(await page.title()).toBe('PCQ release timeline — acme');
    expect(await page.locator('tbody tr').count()).toBe(120);
    expect(await page.locator('thead th').allTextContents()).toEqual(['fixture', 'metric', ...RELEASES, 'trend', 'status']);
    expect(await page.locator('tr.drifted').count()).toBe(1);
    const row = page.locator('tr[id="fx-37--accuracy"]');
    const before = await row.boundingBox();
    expect(before!.y).toBeGreaterThan(800); // below the fold
    await page.locator('nav.drifts a[href="#fx-37--accuracy"]').click();
    await page.waitForFunction("location.hash === '#fx-37--accuracy'"); // a string: the test typechecks without the DOM lib
    const after = await row.boundingBox();
    expect(after!.y).toBeGreaterThanOrEqual(0);
    expect(after!.y).toBeLessThan(800);
    expect(await page.evaluate("getComputedStyle(document.getElementById('fx-37--accuracy')).outlineStyle")).toBe('solid'); // :target highlight
    expect(await row.locator('svg.spark circle.bad').count()).toBe(1);
    const png = await page.screenshot();
    expect(inkRatio(png)).toBeGreaterThan(0.02);
    await page.close();
  });
});
