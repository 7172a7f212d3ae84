import { launchBrowser, inkRatio } from './browser';

test('headless Chromium renders a page and the ink ratio tells a blank page from a drawn one', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 400, height: 300 } });
    await page.setContent('<body style="margin:0;background:#fff"></body>');
    const blank = inkRatio(await page.screenshot());
    await page.setContent('<body style="margin:0"><h1 style="font:40px sans-serif">Budget 73%</h1><div style="width:200px;height:80px;background:#c33"></div></body>');
    const drawn = inkRatio(await page.screenshot());
    expect(blank).toBe(0);
    expect(drawn).toBeGreaterThan(0.1);
  } finally {
    await browser.close();
  }
});
