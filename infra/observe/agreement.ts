/**
 * The SLO page and Prometheus must agree on the numbers. The page counts SloSampled events per
 * minute; this asks Prometheus the same question over the same raw counters without rate()'s
 * extrapolation: bad and total requests in the window are counter(now) − counter(now − window).
 * Compared in the alert-path test and by `make drill` (burn rate per SLO and window, within rounding).
 */
import type { Sli, SloSpec } from '../../projections/ops/slo-spec';
import { errorBudget } from '../../projections/ops/slo-spec';
import { literalAlternatives } from '../prometheus/rules';

const inWindow = (series: string, w: string): string => `((sum(${series}) or vector(0)) - (sum(${series} offset ${w}) or vector(0)))`;

/** PromQL for the SLI's bad and total events over `w`, from the counters themselves. */
export function countExprs(sli: Sli, w: string): { bad: string; total: string } {
  switch (sli.kind) {
    case 'http-availability':
    case 'http-latency': {
      const sel = `method="${sli.method}",route=~"${literalAlternatives(sli.routes)}"`;
      if (sli.kind === 'http-availability') {
        return { bad: inWindow(`trust_http_requests_total{${sel},status=~"5.."}`, w), total: inWindow(`trust_http_requests_total{${sel}}`, w) };
      }
      const h = 'trust_http_request_duration_seconds';
      const total = inWindow(`${h}_count{${sel}}`, w);
      return { bad: `(${total} - ${inWindow(`${h}_bucket{${sel},le="${sli.thresholdSeconds}"}`, w)})`, total };
    }
    case 'counter-ratio': {
      const total = inWindow(`${sli.counter}{${sli.label}=~"${literalAlternatives([...sli.good, ...sli.bad])}"}`, w);
      return { bad: inWindow(`${sli.counter}{${sli.label}=~"${literalAlternatives(sli.bad)}"}`, w), total };
    }
    case 'histogram-latency': {
      const total = inWindow(`${sli.histogram}_count`, w);
      return { bad: `(${total} - ${inWindow(`${sli.histogram}_bucket{le="${sli.thresholdSeconds}"}`, w)})`, total };
    }
  }
}

/** PromQL for the burn rate (error ratio / budget) of one SLO over `w`. */
export function burnRateExpr(spec: SloSpec, sloName: string, w: string): string {
  const slo = spec.slos.find((s) => s.name === sloName);
  if (!slo) throw new Error(`no SLO ${sloName}`);
  const { bad, total } = countExprs(slo.sli, w);
  return `(${bad} / ${total}) / ${errorBudget(slo)}`;
}
