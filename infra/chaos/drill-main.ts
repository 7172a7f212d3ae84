/**
 * `make drill`: the drills on a live service, Prometheus and Alertmanager (drill profile), then one
 * JSON line last:
 *   {"bench":"drill","figures":{detect_s, ack_s, resolve_s, lost, duplicated, false_pages, ...},
 *    "drills":{"error-burst":{...figures},"latency-burst":{...},"kill-restart":{...figures}},"ratios":{},"targets":{...},"pass":...}
 * `figures` are the error-burst drill's (the one that must page); `drills` has every drill's.
 * Writes each report, and a postmortem filled from each paging drill's events, under infra/chaos/reports/.
 *   DRILLS (default error-burst,latency-burst,kill-restart), DRILL_RPS (40), DRILL_ERROR_RATIO (0.05),
 *   DRILL_LATENCY_RATIO (0.3 of answers 600 ms late),
 *   DRILL_DOWN_MS (0: the kill drill restarts at once and must not page; ≥ 62000 pages TrustInstanceDown),
 *   PROMETHEUS_PORT / ALERTMANAGER_PORT (default: free ports)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAlertDrill } from './alert-drill';
import { runKillDrill } from './kill-drill';
import { renderDrillPostmortem } from './postmortem';

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

async function main(): Promise<void> {
  const known = ['error-burst', 'latency-burst', 'kill-restart'];
  const drills = (process.env.DRILLS ?? known.join(',')).split(',').map((s) => s.trim());
  for (const d of drills) if (!known.includes(d)) throw new Error(`DRILLS: unknown drill '${d}' (${known.join(', ')})`);
  const common = { rps: num(process.env.DRILL_RPS), prometheusPort: num(process.env.PROMETHEUS_PORT), alertmanagerPort: num(process.env.ALERTMANAGER_PORT) };
  const dir = join(__dirname, 'reports');
  mkdirSync(dir, { recursive: true });
  const perDrill: Record<string, Record<string, number | null>> = {};
  const targets: Record<string, number | null> = {};
  let pass = true;

  for (const drill of drills.filter((d) => d !== 'kill-restart')) {
    const kind = drill === 'error-burst' ? 'errors' : 'latency';
    console.log(`== ${drill}: ${kind === 'errors' ? '503s' : 'slow answers'} on a fraction of ingest until paged, acknowledged, fault removed`);
    const r = await runAlertDrill({ ...common, kind, errorRatio: num(kind === 'errors' ? process.env.DRILL_ERROR_RATIO : process.env.DRILL_LATENCY_RATIO) });
    const f = r.figures;
    const agree = r.agreement.length > 0 && r.agreement.every((a) => a.page !== null && a.prometheus !== null && Math.abs(a.page - a.prometheus) <= 1e-4 * Math.max(1, a.page));
    for (const a of r.agreement) console.log(`burn rate ${a.slo} over ${a.window}: SLO page ${a.page}, Prometheus ${a.prometheus}`);
    const stamp = r.faultStartedAt.replace(/[:.]/g, '-');
    writeFileSync(join(dir, `drill-${drill}-${stamp}.json`), JSON.stringify(r, null, 2));
    const template = readFileSync(join(__dirname, '..', '..', 'docs', 'templates', 'postmortem.md'), 'utf8');
    writeFileSync(join(dir, `postmortem-${stamp}.md`), renderDrillPostmortem(template, r));
    console.log(`report and postmortem: infra/chaos/reports/drill-${drill}-${stamp}.json, postmortem-${stamp}.md`);
    perDrill[drill] = { ...f, burn_rate_agreement: agree ? 1 : 0, scale: r.scale };
    if (drill === 'error-burst' || !targets.detect_s) Object.assign(targets, { detect_s: f.designed_detect_s, lost: 0, duplicated: 0, false_pages: 0, burn_rate_agreement: 1 });
    pass &&= f.detect_s !== null && f.designed_detect_s !== null && f.detect_s <= f.designed_detect_s + 10 && f.lost === 0 && f.duplicated === 0 && f.false_pages === 0 && f.quiet_deliveries === 0 && f.ack_s !== null && f.resolve_s !== null && agree;
  }
  if (drills.includes('kill-restart')) {
    const downMs = num(process.env.DRILL_DOWN_MS) ?? 0;
    console.log(`== kill-restart: SIGKILL mid-load, restart after ${downMs} ms`);
    const r = await runKillDrill({ ...common, downMs });
    writeFileSync(join(dir, `drill-kill-restart-${r.faultStartedAt.replace(/[:.]/g, '-')}.json`), JSON.stringify(r, null, 2));
    perDrill['kill-restart'] = { ...r.figures };
    const shouldPage = r.figures.downtime_s > 62;
    pass &&= r.figures.lost === 0 && r.figures.duplicated === 0 && r.figures.false_pages === 0 && (shouldPage ? r.figures.detect_s !== null && r.figures.ack_s !== null && r.figures.resolve_s !== null : r.alerts.length === 0);
  }
  const figures = perDrill['error-burst'] ?? perDrill['latency-burst'] ?? perDrill['kill-restart'] ?? {};
  console.log(JSON.stringify({ bench: 'drill', figures, drills: perDrill, ratios: {}, targets, pass }));
  if (!pass) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`drill: ${err?.stack ?? err}`);
  process.exit(1);
});
