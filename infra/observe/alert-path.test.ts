/**
 * The alert path end to end, in `make test` (make test-observe, TRUST_OBSERVE_LIVE=1): a real
 * `trust serve`, Debian's Prometheus and Alertmanager on the drill profile (windows / 60), steady
 * ingest. A quiet run and a 10 s-equivalent blip deliver nothing; a sustained 5% of 503s delivers
 * the fast-burn page to the service's webhook within the rule's designed time; the page is
 * acknowledged through the API and resolves once the fault ends; no event is lost or stored twice;
 * the SLO page's burn rates equal Prometheus' for the same windows. Skipped by the plain jest run.
 */
import { runAlertDrill, type AlertDrillResult } from '../chaos/alert-drill';

const live = process.env.TRUST_OBSERVE_LIVE === '1';

(live ? describe : describe.skip)('alert path with real Prometheus and Alertmanager (drill profile)', () => {
  let r: AlertDrillResult;
  const lines: string[] = [];

  beforeAll(async () => {
    r = await runAlertDrill({ rps: 30, log: (l) => lines.push(l) });
  }, 600000);
  afterAll(() => {
    if (lines.length) console.log(lines.join('\n'));
  });

  it('a quiet run and a blip deliver nothing', () => {
    expect(r.figures.quiet_deliveries).toBe(0);
    expect(r.figures.false_pages).toBe(0);
  });

  it('a sustained 5% error rate delivers the fast-burn page within the designed time', () => {
    expect(r.page).toMatchObject({ alert: 'IngestAvailabilityFastBurn', severity: 'page', slo: 'ingest-availability', runbook: 'docs/runbooks/IngestAvailabilityFastBurn.md' });
    expect(r.figures.designed_detect_s).not.toBeNull();
    expect(r.figures.detect_s).toBeGreaterThan(0);
    // The designed time is the worst case of the pipeline (a full scrape, evaluation and group wait), plus slack for a loaded machine.
    expect(r.figures.detect_s!).toBeLessThanOrEqual(r.figures.designed_detect_s! + 10);
    // The projection's time to detect counts from the fault marker on the log: the same figure.
    expect(Math.abs(r.page!.detectSeconds! - r.figures.detect_s!)).toBeLessThan(1);
  });

  it('the page is acknowledged through the API and resolves after the fault ends', () => {
    expect(r.page).toMatchObject({ state: 'resolved', acknowledgedBy: 'drill-oncall' });
    expect(r.figures.ack_s).not.toBeNull();
    expect(r.figures.resolve_s).toBeGreaterThan(0);
  });

  it('no event is lost or stored twice, and each alert occurrence is recorded once', () => {
    expect(r.figures.failed_attempts).toBeGreaterThan(0);
    expect(r.figures.lost).toBe(0);
    expect(r.figures.duplicated).toBe(0);
  });

  it("the SLO page's burn rate equals Prometheus' query for the same window", () => {
    const ingest = r.agreement.filter((a) => a.slo === 'ingest-availability');
    expect(ingest.length).toBeGreaterThan(0);
    for (const a of r.agreement) {
      expect(a.page).not.toBeNull();
      expect(a.prometheus).not.toBeNull();
      expect(Math.abs(a.page! - a.prometheus!)).toBeLessThanOrEqual(1e-4 * Math.max(1, a.page!));
    }
    expect(ingest[0].page!).toBeGreaterThan(1); // the fault spent budget faster than 1x
  });
});
