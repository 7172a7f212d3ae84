/**
 * Author analytics: the service's aggregates (GET /v1/lac/analytics: time-to-author, share of new
 * policies from bundles against KR2.1's target) and, folded here from the Studio's events, the same
 * figures per week and per author.
 */
import { api, eventsOf, type LogEvent, type Session } from '../api';
import { Badge, ChartBox, ErrorBox, Loading, PALETTE, Section, pct, useAsync } from '../ui';

interface Aggregates {
  sessions: number;
  drafts: number;
  medianMinutesToValid: number | null;
  medianMinutesToPromotion: number | null;
  validationErrors: number;
  errorsByCode: Record<string, number>;
  previews: number;
  promotions: number;
  blockedPromotions: number;
  newPolicies: number;
  newPoliciesFromBundles: number;
  bundleShare: number | null;
  bundleShareTarget: number;
  meetsBundleShareTarget: boolean;
}

const TIME_TARGET_MIN = 6;
const EVENTS = ['PolicyAuthoringStarted', 'PolicyDrafted', 'PolicyValidated', 'PolicyValidationFailed', 'PolicyPreviewed', 'PromotionBlocked', 'PromotionAcknowledged', 'PolicyPromoted'];

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Monday (UTC) of the week of an ISO time, as YYYY-MM-DD. */
const weekOf = (iso: string) => {
  const d = new Date(iso);
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
};

interface Week { week: string; errors: number; previews: number; promotions: number; blocked: number; acknowledged: number; started: number; fromBundles: number }

export function fold(events: LogEvent[]) {
  const weeks = new Map<string, Week>();
  const firstDraft = new Map<string, { at: number; author: string; bundles: string[] }>();
  const authorMinutes = new Map<string, number[]>();
  const bundleMinutes = new Map<string, number[]>();
  for (const e of events) {
    const w = weeks.get(weekOf(e.occurredAt)) ?? { week: weekOf(e.occurredAt), errors: 0, previews: 0, promotions: 0, blocked: 0, acknowledged: 0, started: 0, fromBundles: 0 };
    weeks.set(w.week, w);
    const p = e.payload;
    const key = `${p.policyId}@${p.version}`;
    switch (e.type) {
      case 'PolicyAuthoringStarted':
        if (p.newPolicy) {
          w.started++;
          if (p.origin === 'bundle') w.fromBundles++;
        }
        break;
      case 'PolicyDrafted':
        if (!firstDraft.has(key)) {
          let bundles: string[] = [];
          try {
            bundles = (JSON.parse(p.document).bundles ?? []).map((b: { ref: string }) => String(b.ref).split('@')[0]);
          } catch {
            /* kept as recorded */
          }
          firstDraft.set(key, { at: Date.parse(e.occurredAt), author: p.author, bundles });
        }
        break;
      case 'PolicyValidationFailed':
        w.errors += p.errorCount;
        break;
      case 'PolicyPreviewed':
        w.previews++;
        break;
      case 'PromotionBlocked':
        w.blocked++;
        break;
      case 'PromotionAcknowledged':
        w.acknowledged++;
        break;
      case 'PolicyPromoted': {
        w.promotions++;
        const d = firstDraft.get(key);
        if (d) {
          const min = (Date.parse(e.occurredAt) - d.at) / 60000;
          authorMinutes.set(d.author, [...(authorMinutes.get(d.author) ?? []), min]);
          for (const b of d.bundles) bundleMinutes.set(b, [...(bundleMinutes.get(b) ?? []), min]);
        }
        break;
      }
    }
  }
  const med = (m: Map<string, number[]>) => [...m.entries()].map(([name, xs]) => ({ name, median: median(xs)!, n: xs.length })).sort((a, b) => a.name.localeCompare(b.name));
  return { weeks: [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week)), perAuthor: med(authorMinutes), perBundle: med(bundleMinutes) };
}

const minutes = (x: number | null) => (x === null ? '—' : x < 1 ? `${Math.round(x * 60)} s` : `${x.toFixed(1)} min`);

export function Analytics({ session }: { session: Session }) {
  const agg = useAsync(() => api<Aggregates>('GET', '/v1/lac/analytics'), []);
  const detail = useAsync(async () => fold(await eventsOf(session.tenant, EVENTS)), [session.tenant]);
  return (
    <>
      <h1>Author analytics</h1>
      <Section title="Time to author and bundle share" id="kr">
        {agg.loading && <Loading what="analytics" />}
        <ErrorBox error={agg.error} />
        {agg.data && (
          <dl class="figures" data-testid="aggregates">
            <div><dt>median time to a valid draft</dt><dd data-testid="ttv">{minutes(agg.data.medianMinutesToValid)}</dd></div>
            <div>
              <dt>median time to promotion</dt>
              <dd data-testid="ttp">
                {minutes(agg.data.medianMinutesToPromotion)}{' '}
                {agg.data.medianMinutesToPromotion !== null && (agg.data.medianMinutesToPromotion < TIME_TARGET_MIN ? <Badge kind="ok">&lt; {TIME_TARGET_MIN} min</Badge> : <Badge kind="bad">≥ {TIME_TARGET_MIN} min</Badge>)}
              </dd>
            </div>
            <div>
              <dt>new policies from bundles</dt>
              <dd data-testid="bundle-share">
                {pct(agg.data.bundleShare, 0)} of {agg.data.newPolicies}{' '}
                <Badge kind={agg.data.meetsBundleShareTarget ? 'ok' : 'bad'}>target ≥ {pct(agg.data.bundleShareTarget, 0)}</Badge>
              </dd>
            </div>
            <div><dt>sessions · drafts</dt><dd>{agg.data.sessions} · {agg.data.drafts}</dd></div>
            <div><dt>validation errors</dt><dd>{agg.data.validationErrors}</dd></div>
            <div><dt>previews · promotions · blocked</dt><dd>{agg.data.previews} · {agg.data.promotions} · {agg.data.blockedPromotions}</dd></div>
          </dl>
        )}
      </Section>
      {detail.loading && <Loading what="weekly figures" />}
      <ErrorBox error={detail.error} />
      {detail.data && (
        <>
          <Section title="By week" id="weeks">
            <div class="two">
              <ChartBox
                label={`Per week: ${detail.data.weeks.map((w) => `${w.week} ${w.errors} errors, ${w.previews} previews, ${w.promotions} promotions, ${w.blocked} blocked, ${w.acknowledged} acknowledged`).join('; ')}`}
                config={{
                  type: 'bar',
                  data: {
                    labels: detail.data.weeks.map((w) => w.week),
                    datasets: [
                      { label: 'validation errors', data: detail.data.weeks.map((w) => w.errors), backgroundColor: PALETTE.red },
                      { label: 'previews', data: detail.data.weeks.map((w) => w.previews), backgroundColor: PALETTE.blue },
                      { label: 'promotions', data: detail.data.weeks.map((w) => w.promotions), backgroundColor: PALETTE.green },
                      { label: 'blocked', data: detail.data.weeks.map((w) => w.blocked), backgroundColor: PALETTE.amber },
                      { label: 'acknowledged', data: detail.data.weeks.map((w) => w.acknowledged), backgroundColor: PALETTE.purple },
                    ],
                  },
                }}
              />
              <ChartBox
                label={`Share of new policies from bundles per week: ${detail.data.weeks.map((w) => `${w.week} ${w.fromBundles}/${w.started}`).join('; ')}`}
                config={{
                  type: 'line',
                  data: {
                    labels: detail.data.weeks.map((w) => w.week),
                    datasets: [
                      { label: '% of new policies from bundles', data: detail.data.weeks.map((w) => (w.started ? (100 * w.fromBundles) / w.started : null)), borderColor: PALETTE.blue, backgroundColor: PALETTE.blue },
                      { label: 'target', data: detail.data.weeks.map(() => 60), borderColor: PALETTE.grey, pointRadius: 0 },
                    ],
                  },
                  options: { scales: { y: { min: 0, max: 100 } } },
                }}
              />
            </div>
          </Section>
          <Section title="Time to promotion per author and per bundle" id="per">
            <div class="two">
              <table data-testid="per-author">
                <thead><tr><th scope="col">Author</th><th scope="col">Median</th><th scope="col">Versions</th></tr></thead>
                <tbody>{detail.data.perAuthor.map((r) => <tr><th scope="row">{r.name}</th><td>{minutes(r.median)}</td><td>{r.n}</td></tr>)}</tbody>
              </table>
              <table data-testid="per-bundle">
                <thead><tr><th scope="col">Bundle</th><th scope="col">Median</th><th scope="col">Versions</th></tr></thead>
                <tbody>{detail.data.perBundle.map((r) => <tr><th scope="row">{r.name}</th><td>{minutes(r.median)}</td><td>{r.n}</td></tr>)}</tbody>
              </table>
            </div>
          </Section>
        </>
      )}
    </>
  );
}
