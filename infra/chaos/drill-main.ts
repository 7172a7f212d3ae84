/**
 * `make drill`: runs the alert-path drill (infra/chaos/alert-drill.ts) against a live service,
 * Prometheus and Alertmanager, prints what happened and one JSON line last:
 *   {"bench":"drill","drill":"error-burst","figures":{detect_s, ack_s, resolve_s, lost, duplicated, false_pages, ...},"ratios":{},"targets":{...},"pass":...}
 * and writes the report and a postmortem filled from the drill's events under infra/chaos/reports/.
 *   DRILL_RPS (default 40), DRILL_ERROR_RATIO (default 0.05), PROMETHEUS_PORT / ALERTMANAGER_PORT (default: free ports)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAlertDrill } from './alert-drill';
import { renderDrillPostmortem } from './postmortem';

async function main(): Promise<void> {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const r = await runAlertDrill({
    rps: num(process.env.DRILL_RPS),
    errorRatio: num(process.env.DRILL_ERROR_RATIO),
    prometheusPort: num(process.env.PROMETHEUS_PORT),
    alertmanagerPort: num(process.env.ALERTMANAGER_PORT),
  });
  const f = r.figures;
  const agree = r.agreement.every((a) => a.page !== null && a.prometheus !== null && Math.abs(a.page - a.prometheus) <= 1e-4 * Math.max(1, a.page));
  for (const a of r.agreement) console.log(`burn rate ${a.slo} over ${a.window}: SLO page ${a.page}, Prometheus ${a.prometheus}`);
  const dir = join(__dirname, 'reports');
  mkdirSync(dir, { recursive: true });
  const stamp = r.faultStartedAt.replace(/[:.]/g, '-');
  writeFileSync(join(dir, `drill-${stamp}.json`), JSON.stringify(r, null, 2));
  const template = readFileSync(join(__dirname, '..', '..', 'docs', 'templates', 'postmortem.md'), 'utf8');
  writeFileSync(join(dir, `postmortem-${stamp}.md`), renderDrillPostmortem(template, r));
  console.log(`report and postmortem: infra/chaos/reports/drill-${stamp}.json, postmortem-${stamp}.md`);
  const pass = f.detect_s !== null && f.designed_detect_s !== null && f.detect_s <= f.designed_detect_s + 10 && f.lost === 0 && f.duplicated === 0 && f.false_pages === 0 && f.ack_s !== null && f.resolve_s !== null && agree;
  console.log(
    JSON.stringify({
      bench: 'drill',
      drill: r.drill,
      figures: { ...f, burn_rate_agreement: agree ? 1 : 0, scale: r.scale },
      ratios: {},
      targets: { detect_s: f.designed_detect_s, lost: 0, duplicated: 0, false_pages: 0, burn_rate_agreement: 1 },
      pass,
    }),
  );
  if (!pass) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`drill: ${err?.stack ?? err}`);
  process.exit(1);
});
