/**
 * The console (issue 16) as people use it, in headless Chromium against a real service loaded with
 * every domain's demo data: the author's, the release owner's, the partner's and the auditor's
 * journeys, each saving screenshots (console/screenshots/), every page checked with axe-core (no
 * serious or critical violation) and watched for Content-Security-Policy violations.
 * Needs the built console (`make console`; `make build` does it).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchBrowser } from '../support/browser';
import { startTestService, type TestService } from '../../connectors/http/testing';
import { domains } from '../../connectors/registry';
import { consoleDir } from '../../connectors/http/console';
import { leavesOf } from '../../streams/zk/selector';

const SHOTS = join(__dirname, '..', '..', 'console', 'screenshots');
const DEMO_PEPPER = 'de40a1b2c3d4e5f60718293a4b5c6d7e8f90de40a1b2c3d4e5f60718293a4b5c';

let svc: TestService;
let browser: Browser;
let admin: string;
const axeFindings: { page: string; id: string; impact: string; help: string; nodes: string[] }[] = [];
const cspViolations: string[] = [];
const renderMs: Record<string, number> = {};

beforeAll(async () => {
  if (!existsSync(join(consoleDir(), 'index.html'))) throw new Error(`the console is not built (${consoleDir()}): run \`make console\``);
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  svc = await startTestService();
  admin = await svc.keyFor('demo', 'admin');
  const api = { tenant: 'demo', request: (method: string, path: string, body?: unknown) => svc.request(method, path, admin, body) };
  for (const d of domains()) if (d.demo) await d.demo(api);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await svc?.stop();
  // eslint-disable-next-line no-console
  console.log(`console page render times (ms, demo data): ${JSON.stringify(renderMs)}`);
});

async function signIn(key: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${svc.url}/ui/`);
  await page.waitForURL(/\/ui\/login\?next=%2Fui%2F$/);
  await page.fill('#key', key);
  await page.click('button[type=submit]');
  await page.waitForURL(`${svc.url}/ui/`);
  await page.getByTestId('tenant').waitFor();
  return page;
}

/** Opens a console route and waits for what shows it is rendered; records the time and checks accessibility. */
async function open(page: Page, hash: string, ready: string, name: string): Promise<void> {
  const t0 = Date.now();
  await page.evaluate((h) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);
  await page.locator(ready).first().waitFor();
  renderMs[name] ??= Date.now() - t0;
  await axe(page, name);
}

async function axe(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') axeFindings.push({ page: name, id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.html) });
  }
}

const shot = (page: Page, file: string) => page.screenshot({ path: join(SHOTS, file), fullPage: true });

test('1. an author builds a policy from two bundles, fixes a validation error, tests it, meets the 409, acknowledges and promotes; analytics show the session', async () => {
  const author = await svc.keyFor('demo', 'producer');
  const page = await signIn(author);
  await expect(page.getByTestId('role').innerText()).resolves.toBe('producer');
  await axe(page, 'home');
  await shot(page, 'j1-01-home.png');

  await open(page, '#/studio', '[data-testid=policies]', 'studio');
  await expect(page.getByTestId('policies').innerText()).resolves.toContain('analytics-access');
  await page.getByTestId('new-policy').click();
  await page.getByTestId('bundle-tenant.isolation').waitFor();
  // The bundles' texts follow the locale switch.
  await page.getByLabel('Language of messages').selectOption('fr');
  await page.locator('text=sauf partage').waitFor();
  await page.getByLabel('Language of messages').selectOption('en');
  await page.locator("text=unless it is shared with them").waitFor();
  await page.getByTestId('meta-id').fill('analytics-access');
  await page.getByTestId('meta-version').fill('1.2.0');
  await page.selectOption('#f-meta-default', 'allow');
  await page.getByTestId('bundle-tenant.isolation').check();
  await page.getByTestId('bundle-residency.region-lock').check();
  // The region lock's required parameter left empty: the API's error shows next to that field.
  await page.getByTestId('save-draft').click();
  const regionField = page.getByTestId('param-residency.region-lock-allowedRegions');
  await page.locator('#f-residency_region-lock-allowedRegions-err').waitFor();
  await expect(regionField.getAttribute('aria-invalid')).resolves.toBe('true');
  await axe(page, 'new-policy (with errors)');
  await shot(page, 'j1-02-validation-error.png');
  await regionField.fill('eu-west-1, eu-central-1');
  // Live validation (the document decided inline, nothing recorded) clears the error before saving.
  await page.getByTestId('live-state').filter({ hasText: 'no problem found so far' }).waitFor();
  await expect(regionField.getAttribute('aria-invalid')).resolves.toBe(null);
  await page.getByTestId('save-draft').click();
  await page.getByTestId('saved').waitFor();
  await expect(page.locator('[data-testid=field-error]').count()).resolves.toBe(0);
  await shot(page, 'j1-03-draft-valid.png');

  await page.getByTestId('open-saved').click();
  await page.getByTestId('tester-run').waitFor();
  await page.getByTestId('tester-run').click();
  await page.getByTestId('decision').nth(1).waitFor();
  const decisions = await page.getByTestId('decision').allInnerTexts();
  expect(decisions[0]).toContain('1.2.0 (this version)');
  expect(decisions[1]).toContain('1.0.0 (active)');
  await shot(page, 'j1-04-decision-tester.png');

  await page.getByTestId('diff-run').click();
  await page.getByTestId('diff').waitFor();
  // The Studio shows the semantic diff's counterexamples (issue 17): one row per class of requests decided differently.
  expect(await page.locator('[data-testid=diff] tbody tr').count()).toBeGreaterThan(0);
  expect(await page.locator('[data-testid=diff] p').innerText()).toMatch(/\d+ widenings, \d+ narrowings/);

  await page.getByTestId('preview-run').click();
  await page.locator('[data-testid=preview]').waitFor();
  const risk = await page.locator('[data-testid=preview]').getAttribute('data-risk');
  expect(['medium', 'high', 'critical']).toContain(risk);
  await page.getByTestId('promote').click();
  await page.getByTestId('ack-form').waitFor();
  await expect(page.locator('.error').first().innerText()).resolves.toContain('409');
  await axe(page, 'studio policy (preview, 409)');
  await shot(page, 'j1-05-preview-409.png');
  const first = await page.locator('[data-testid=preview]').getAttribute('data-preview');
  // A decision recorded meanwhile makes the acknowledged preview stale: the 409 shows it as stale
  // with the fresh preview in its place, and the author acknowledges that one.
  const decided = await svc.request('POST', '/v1/lac/decide', author, {
    policy: 'analytics-access',
    request: { subject: { id: 'zoe', tenant: 'demo', groups: ['contractors'], clearance: 'P3' }, action: 'export', resource: { dataset: 'crm.contacts', tenant: 'demo', classification: 'P1', region: 'eu-west-1', fields: [] }, context: {} },
  });
  expect(decided.status).toBe(200);
  await page.getByTestId('ack-by').fill('Ana Author');
  await page.getByTestId('ack-reason').fill('Residency lock replaces the export gate; reviewed with the DPO.');
  await page.getByTestId('ack-promote').click();
  await page.getByTestId('stale').waitFor();
  await expect(page.getByTestId('stale').innerText()).resolves.toContain(first!);
  const fresh = await page.locator('[data-testid=preview]').getAttribute('data-preview');
  expect(fresh).not.toBe(first);
  await shot(page, 'j1-06-stale-preview.png');
  await page.getByTestId('ack-promote').click();
  await page.getByTestId('promoted').waitFor();
  await expect(page.getByTestId('promoted').innerText()).resolves.toContain('Promoted analytics-access 1.2.0 over 1.0.0 (acknowledged)');
  await shot(page, 'j1-07-promoted.png');
  const head = await svc.request('GET', '/v1/events?type=PolicyPromoted,PromotionAcknowledged', author);
  expect(head.body.events.map((e: { type: string; payload: { version: string } }) => `${e.type} ${e.payload.version}`)).toEqual(
    expect.arrayContaining(['PromotionAcknowledged 1.2.0', 'PolicyPromoted 1.2.0']),
  );

  // The editor's opening was recorded (time-to-author telemetry) and the session's drafts carry it.
  const opened = await svc.request('GET', '/v1/events?type=PolicyAuthoringOpened,PolicyAuthoringStarted', author);
  const consoleSession = opened.body.events.find((e: { type: string; payload: { client?: string } }) => e.type === 'PolicyAuthoringOpened' && e.payload.client === 'console').payload.sessionId;
  expect(opened.body.events.map((e: { type: string; payload: { sessionId: string } }) => `${e.type} ${e.payload.sessionId}`)).toContain(`PolicyAuthoringStarted ${consoleSession}`);

  // The analytics come from the server's projection (lac-author-activity): this author's session,
  // opened → valid draft, counted per week, per author and per bundle.
  const keyId = /^tf_([0-9a-f]{12})_/.exec(author)![1];
  const served = (await svc.request('GET', '/v1/lac/analytics', author)).body;
  const mine = served.authors.find((a: { author: string }) => a.author === keyId);
  expect(mine).toMatchObject({ opened: 1, sessions: 1, newPolicies: 0, authored: 1, acknowledged: 1, promotions: 1 });
  expect(mine.blocked).toBeGreaterThanOrEqual(2); // the 409 and the stale acknowledgment
  expect(mine.validationErrors).toBeGreaterThanOrEqual(1);
  expect(mine.medianMinutesToAuthor).toBeGreaterThan(0);
  expect(served.timeToAuthor.sessions).toBeGreaterThanOrEqual(1);
  expect(served.bundles.map((b: { bundle: string }) => b.bundle)).toEqual(expect.arrayContaining(['residency.region-lock', 'tenant.isolation']));
  await open(page, '#/analytics', '[data-testid=per-author]', 'analytics');
  await expect(page.getByTestId('tta').innerText()).resolves.not.toMatch(/^—/);
  await expect(page.getByTestId('ttp').innerText()).resolves.not.toMatch(/^—/);
  const authorRow = page.locator('[data-testid=per-author] tr', { hasText: keyId });
  await expect(authorRow.locator('td').nth(1).innerText()).resolves.not.toBe('—'); // time to author
  await expect(page.getByTestId('per-bundle').innerText()).resolves.toContain('residency.region-lock');
  expect(await page.locator('[data-testid=per-week] tbody tr').count()).toBeGreaterThan(0);
  await shot(page, 'j1-08-analytics.png');
  await page.context().close();
});

test('2. a release owner filters anomalies, opens a cluster, overrides a label with a reason, and finds it in GET /v1/pcq/overrides', async () => {
  const owner = await svc.keyFor('demo', 'producer');
  const page = await signIn(owner);
  const apiCalls: string[] = [];
  page.on('request', (r) => void (r.url().includes('/ui/api/v1/') && apiCalls.push(new URL(r.url()).pathname)));
  await open(page, '#/pcq', '[data-testid=cluster]', 'pcq');
  await page.getByTestId('agreement-table').waitFor();
  // The releases come from the read model's list endpoint, in its order, the newest chosen; the log is never scanned.
  const listed = (await svc.request('GET', '/v1/pcq/releases', owner)).body.releases.map((r: { release: string }) => r.release);
  expect(listed.length).toBeGreaterThan(1);
  await expect(page.getByTestId('release').locator('option').allInnerTexts()).resolves.toEqual(listed);
  await expect(page.getByTestId('release').inputValue()).resolves.toBe(listed.at(-1));
  expect(apiCalls).toContain('/ui/api/v1/pcq/releases');
  expect(apiCalls.filter((p) => p.startsWith('/ui/api/v1/events'))).toEqual([]);
  const before = await page.getByTestId('anomaly-count').innerText();
  const total = Number(/of (\d+) anomalies/.exec(before)![1]);
  expect(total).toBeGreaterThan(0);
  const firstLabel = (await page.locator('[data-testid=cluster] .badge').first().innerText()).trim();
  await page.getByTestId('filter-label').selectOption(firstLabel);
  await page.waitForFunction(
    (label) => {
      const badges = [...(globalThis as any).document.querySelectorAll('[data-testid=cluster] .badge')].map((b: { textContent: string }) => b.textContent); // eslint-disable-line @typescript-eslint/no-explicit-any
      return badges.length > 0 && badges.every((b) => b === label);
    },
    firstLabel,
  );
  await shot(page, 'j2-01-filtered.png');
  await page.locator('[data-testid=cluster] button.cluster-head').first().click();
  const anomaly = page.getByTestId('anomaly').first();
  await anomaly.waitFor();
  const anomalyId = (await anomaly.getAttribute('data-anomaly'))!;
  await anomaly.locator('summary').click();
  await axe(page, 'pcq (cluster open)');
  await shot(page, 'j2-02-cluster-open.png');
  await anomaly.getByTestId('override-open').click();
  const newLabel = firstLabel === 'infra_flake' ? 'regression' : 'infra_flake';
  await anomaly.getByTestId('override-label').selectOption(newLabel);
  await anomaly.getByTestId('override-by').fill('rita-release-owner');
  await anomaly.getByTestId('override-reason').fill('GPU runner flaked twice on this shard; rerun passed');
  await anomaly.getByTestId('override-save').click();
  // The list reloads: the overridden anomaly now sits in the new label's cluster.
  await page.getByTestId('filter-label').selectOption('');
  await page.getByTestId('filter-label').selectOption(newLabel);
  await page.locator('[data-testid=cluster] button.cluster-head').first().click();
  await page.locator(`[data-anomaly="${anomalyId}"] [data-testid=override]`).waitFor();
  await shot(page, 'j2-03-overridden.png');
  const overrides = await (await fetch(`${svc.url}/v1/pcq/overrides`, { headers: { authorization: `Bearer ${owner}` } })).text();
  const lines = overrides.trim().split('\n').filter(Boolean).map((l: string) => JSON.parse(l));
  expect(lines).toEqual(expect.arrayContaining([expect.objectContaining({ anomalyId, label: newLabel, by: 'rita-release-owner', reason: 'GPU runner flaked twice on this shard; rerun passed' })]));
  await page.context().close();
});

test('3. a partner submits a proof job from the console, watches it complete through the list endpoint and verifies it in the browser', async () => {
  const partner = await svc.keyFor('partner', 'producer');
  // The leaf is computed where the identifier lives (the SDK's leavesOf): the console never sees the raw identifier.
  const [query] = await leavesOf(['customer-7@demo.example'], DEMO_PEPPER);

  const page = await signIn(partner);
  await open(page, '#/zk', '[data-testid=submit-job]', 'zk');
  // Another tenant's sets never show: the partner committed none.
  await expect(page.locator('#sets').innerText()).resolves.toContain('No set committed by this tenant');
  // A set that does not exist: the API's 404 is shown, nothing is submitted.
  await page.getByTestId('zk-counterparty').fill('demo');
  await page.getByTestId('zk-set').fill('no-such-set');
  await page.getByTestId('zk-query').fill(query);
  await page.getByTestId('zk-submit').click();
  await page.locator('#submit .error').filter({ hasText: '404' }).waitFor();
  await page.getByTestId('zk-set').fill('demo-customers');
  await page.getByTestId('zk-submit').click();
  await page.getByTestId('zk-submitted').waitFor();
  const jobId = /zkj-[\w-]+/.exec(await page.getByTestId('zk-submitted').innerText())![0];
  await page.locator(`[data-job="${jobId}"]`).waitFor();
  await axe(page, 'zk (submitted)');
  await shot(page, 'j3-01-job-submitted.png');
  const row = page.locator(`[data-job="${jobId}"]`);
  await page.locator(`[data-job="${jobId}"][data-status=done]`).waitFor({ timeout: 120_000 });
  await expect(row.getByTestId('job-result').innerText()).resolves.toBe('in the set');
  await expect(row.getByTestId('job-latency').innerText()).resolves.toMatch(/^\d+ ms/);
  // The page read it from the list endpoint, which the partner's SDK sees the same way.
  const listed = (await svc.request('GET', '/v1/zk/jobs', partner)).body.items;
  expect(listed.map((j: { jobId: string; status: string; overlap: boolean }) => [j.jobId, j.status, j.overlap])).toEqual([[jobId, 'done', true]]);
  await row.getByTestId('verify').click();
  await row.getByTestId('verdict').filter({ hasText: '✓ proof valid' }).waitFor({ timeout: 60_000 });
  await axe(page, 'zk (verified)');
  await shot(page, 'j3-02-verified.png');
  // Tenant isolation in the Studio and the workbench too.
  await open(page, '#/studio', 'text=No policy yet.', 'studio (other tenant)');
  await page.context().close();
});

test('4. an auditor reads every page; every button that changes something is absent, and the API refuses the change', async () => {
  const auditor = await svc.keyFor('demo', 'auditor');
  const page = await signIn(auditor);
  await expect(page.getByTestId('role').innerText()).resolves.toBe('auditor');
  await page.getByTestId('slo-table').waitFor();
  await shot(page, 'j4-01-home.png');
  await open(page, '#/studio', '[data-testid=policies]', 'studio (auditor)');
  expect(await page.getByTestId('new-policy').count()).toBe(0);
  await open(page, '#/studio/analytics-access', '[data-testid=versions]', 'studio policy (auditor)');
  await page.locator('#preview').waitFor();
  for (const id of ['preview-run', 'promote', 'ack-form', 'tester-run']) expect(await page.getByTestId(id).count()).toBe(0);
  await shot(page, 'j4-02-policy.png');
  // The demo's blocked 1.1.0 preview is stale since 1.2.0 was promoted (journey 1): shown as such.
  await open(page, '#/studio/analytics-access/1.1.0', '[data-testid=stale-known]', 'studio policy 1.1.0 (auditor, stale)');
  await open(page, '#/new', 'text=Auditors cannot draft policies.', 'new (auditor)');
  await open(page, '#/analytics', '[data-testid=aggregates]', 'analytics (auditor)');
  await open(page, '#/pcq', '[data-testid=cluster]', 'pcq (auditor)');
  await page.locator('[data-testid=cluster] button.cluster-head').first().click();
  await page.getByTestId('anomaly').first().waitFor();
  expect(await page.getByTestId('override-open').count()).toBe(0);
  await shot(page, 'j4-03-pcq.png');
  await open(page, '#/zk', '[data-testid=jobs]', 'zk (auditor)');
  expect(await page.getByTestId('submit-job').count()).toBe(0);
  await shot(page, 'j4-04-zk.png');
  // Each anomaly's runbook is a link to its page.
  await open(page, '#/pcq', '[data-testid=cluster]', 'pcq (auditor, runbook)');
  await page.locator('[data-testid=cluster] button.cluster-head').first().click();
  const firstAnomaly = page.getByTestId('anomaly').first();
  await firstAnomaly.locator('summary').click();
  const runbook = firstAnomaly.getByTestId('runbook');
  const runbookPath = await runbook.innerText();
  expect(runbookPath).toMatch(/^docs\/runbooks\/\w+\.md$/);
  await runbook.click();
  await page.waitForURL(/\/ui\/runbooks\/\w+$/);
  await expect(page.locator('h1').innerText()).resolves.toContain('Runbook');
  await axe(page, 'runbook page');
  await shot(page, 'j4-05-runbook.png');
  await page.goto(`${svc.url}/ui/`);
  await page.getByTestId('tenant').waitFor();
  // Auditors read every tenant: the tenant switch shows the partner's proof job (journey 3), read-only.
  await page.getByTestId('read-tenant-input').fill('partner');
  await page.getByTestId('read-tenant-go').click();
  await page.getByTestId('read-tenant').filter({ hasText: 'reading partner' }).waitFor();
  await open(page, '#/zk', '[data-testid=jobs] [data-status=done]', 'zk (auditor reading partner)');
  expect(await page.getByTestId('submit-job').count()).toBe(0);
  await shot(page, 'j4-06-tenant-switch.png');
  await open(page, '#/studio', 'text=No policy yet.', 'studio (auditor reading partner)');
  // The workbench follows the switch: the partner's one release (tagged here), none of demo's, read-only.
  expect((await svc.request('POST', '/v1/pcq/releases', await svc.keyFor('partner', 'producer'), { release: 'partner-2026.1', taggedAt: '2026-11-02T00:00:00Z' })).status).toBe(201);
  await open(page, '#/pcq', '[data-testid=anomaly-count]', 'pcq (auditor reading partner)');
  await expect(page.getByTestId('release').locator('option').allInnerTexts()).resolves.toEqual(['partner-2026.1']);
  await expect(page.getByTestId('anomaly-count').innerText()).resolves.toBe('0 of 0 anomalies in 0 clusters');
  await expect(page.locator('[data-testid=agreement-table] tbody th').allInnerTexts()).resolves.toEqual(['partner-2026.1']);
  await shot(page, 'j4-07-pcq-reading-partner.png');
  await page.getByTestId('read-tenant-input').fill('demo');
  await page.getByTestId('read-tenant-go').click();
  await open(page, '#/studio', '[data-testid=policies]', 'studio (auditor back on demo)');
  expect(await page.getByTestId('read-tenant').count()).toBe(0);
  await open(page, '#/pcq', '[data-testid=cluster]', 'pcq (auditor back on demo)');
  expect(await page.getByTestId('release').locator('option').allInnerTexts()).not.toContain('partner-2026.1');
  // The existing pages are in reach from the console; the SLO page's runbooks are links to their pages.
  await page.goto(`${svc.url}/ui/ops/slo`);
  await page.locator('h1').first().waitFor();
  await axe(page, 'ops slo');
  const opsRunbook = page.locator('a[data-runbook]').first();
  const opsRunbookFile = (await opsRunbook.getAttribute('data-runbook'))!;
  expect(opsRunbookFile).toMatch(/^docs\/runbooks\/\w+\.md$/);
  await opsRunbook.click();
  const opsRunbookName = /(\w+)\.md$/.exec(opsRunbookFile)![1];
  await page.waitForURL(`${svc.url}/ui/runbooks/${opsRunbookName}`);
  await expect(page.locator('h1').innerText()).resolves.toContain(opsRunbookName);
  await axe(page, 'ops runbook page');
  await shot(page, 'j4-08-ops-runbook.png');

  // Refused by the API even when sent from the console's own origin with a valid CSRF token.
  await page.goto(`${svc.url}/ui/`);
  await page.getByTestId('tenant').waitFor();
  const anomalyId = (await svc.request('GET', '/v1/pcq/anomalies', auditor)).body[0].anomalyId as string;
  const refused = await page.evaluate(async (anomalyId) => {
    const csrf = ((globalThis as any).document.cookie.match( // eslint-disable-line @typescript-eslint/no-explicit-any
      /tf_csrf=([^;]+)/) ?? [])[1] ?? '';
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`/ui/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) }, body: JSON.stringify(body) }).then((r) => r.status);
    return {
      draft: await post('/lac/policies', { id: 'x', version: '1.0.0', mode: 'enforce', default: 'deny', bundles: [] }, csrf),
      // A well-formed acknowledgment, so what refuses it is the role, not the body's validation.
      promote: await post('/lac/policies/analytics-access/versions/1.1.0/promote', { by: 'an auditor', reason: 'trying to promote as an auditor', previewId: 'pv-any' }, csrf),
      override: await post(`/pcq/anomalies/${encodeURIComponent(anomalyId)}/label`, { label: 'infra_flake', by: 'a', reason: 'b' }, csrf),
      event: await post('/events', { type: 'AnnotationAdded', stream: 'notes', payload: { subject: 's', text: 't', author: 'a' } }, csrf),
    };
  }, anomalyId);
  expect(refused).toEqual({ draft: 403, promote: 403, override: 403, event: 403 });
  await page.context().close();
});

test('security: CSRF token required for changes, CSP without unsafe-inline, the cookie stays HttpOnly on /ui', async () => {
  const producer = await svc.keyFor('demo', 'producer');
  const login = await fetch(`${svc.url}/ui/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${encodeURIComponent(producer)}&next=%2Fui%2F` });
  expect(login.status).toBe(303);
  expect(login.headers.get('location')).toBe('/ui/');
  const setCookie = login.headers.get('set-cookie')!;
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/Path=\/ui/);
  expect(setCookie).toMatch(/SameSite=Strict/i);
  const cookie = setCookie.split(';')[0];
  const index = await fetch(`${svc.url}/ui/`, { headers: { cookie } });
  expect(index.status).toBe(200);
  const csp = index.headers.get('content-security-policy')!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(await index.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  const session = (await (await fetch(`${svc.url}/ui/api/session`, { headers: { cookie } })).json()) as { tenant: string; role: string; csrf: string };
  expect(session).toMatchObject({ tenant: 'demo', role: 'producer' });
  const both = `${cookie}; tf_csrf=${session.csrf}`;
  const body = JSON.stringify({ type: 'AnnotationAdded', stream: 'notes-console', payload: { subject: 's', text: 't', author: 'a' } });
  const post = (headers: Record<string, string>) => fetch(`${svc.url}/ui/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  expect((await post({ cookie: both })).status).toBe(403); // no header: a cross-site form
  expect((await post({ cookie: both, 'x-csrf-token': 'x'.repeat(32) })).status).toBe(403); // a guessed token
  expect((await post({ cookie, 'x-csrf-token': session.csrf })).status).toBe(403); // header without the cookie
  expect((await post({ cookie: both, 'x-csrf-token': session.csrf })).status).toBe(202);
  // Without the cookie the bridge is closed, whatever Authorization header comes along.
  expect((await fetch(`${svc.url}/ui/api/v1/lac/bundles`, { headers: { authorization: `Bearer ${producer}` } })).status).toBe(401);
  expect((await fetch(`${svc.url}/ui/api/v1/lac/bundles`, { headers: { cookie } })).status).toBe(200);
});

test('every page visited above: no serious or critical axe-core violation, no CSP violation', () => {
  expect(Object.keys(renderMs).length).toBeGreaterThanOrEqual(8);
  expect(axeFindings).toEqual([]);
  expect(cspViolations).toEqual([]);
});
