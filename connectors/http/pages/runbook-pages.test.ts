/** Runbook pages: each triage label's runbook is served, escaped, behind the keys; nothing outside docs/runbooks is. */
import { startTestService, type TestService } from '../testing';
import { renderRunbook } from './runbook-pages';

let svc: TestService;
let key: string;
beforeAll(async () => {
  svc = await startTestService({ workers: [] });
  key = await svc.keyFor('demo', 'auditor');
});
afterAll(() => svc.stop());

test('every PCQ triage label has a runbook page with its Markdown as text', async () => {
  for (const label of ['seed_drift', 'lib_pin_drift', 'data_skew', 'nondeterministic_reduction', 'infra_flake', 'regression']) {
    const res = await fetch(`${svc.url}/ui/runbooks/${label}`, { headers: { authorization: `Bearer ${key}` } });
    expect([label, res.status]).toEqual([label, 200]);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.text()).toContain(`data-runbook="${label}"`);
  }
});

test('names outside docs/runbooks and unknown runbooks are 404; without a key the page is refused', async () => {
  for (const name of ['..%2F..%2Fpackage.json', 'nope', '.env']) {
    expect((await fetch(`${svc.url}/ui/runbooks/${name}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
  }
  expect((await fetch(`${svc.url}/ui/runbooks/seed_drift`, { redirect: 'manual' })).status).not.toBe(200);
});

test('Markdown is escaped, never rendered as HTML', () => {
  expect(renderRunbook('x', '# Title\n<script>alert(1)</script>')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
});
