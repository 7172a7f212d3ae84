/**
 * Author analytics, all from the service (GET /v1/lac/analytics): the totals, time-to-author against
 * KR2.1 (median under 6 minutes, at least 60% of new policies from bundles) and, from the
 * lac-author-activity read model, the same figures per ISO week, per author and per bundle.
 */
import { api, readTenant, tenantQuery, type Session } from '../api';
import { Badge, ChartBox, ErrorBox, Loading, PALETTE, Section, pct, useAsync } from '../ui';
import type { Activity } from '../../../projections/lac/author-activity-types';

interface Analytics {
  sessions: number;
  drafts: number;
  medianMinutesToValid: number | null;
  medianMinutesToPromotion: number | null;
  validationErrors: number;
  previews: number;
  promotions: number;
  blockedPromotions: number;
  newPolicies: number;
  bundleShare: number | null;
  bundleShareTarget: number;
  meetsBundleShareTarget: boolean;
  timeToAuthor: { medianMinutes: number | null; sessions: number; targetMinutes: number; meetsTarget: boolean };
  weeks: ({ week: string } & Activity)[];
  authors: ({ author: string } & Activity)[];
  bundles: ({ bundle: string } & Activity)[];
}

const minutes = (x: number | null) => (x === null ? '—' : x < 1 ? `${Math.round(x * 60)} s` : `${x.toFixed(1)} min`);

function ActivityTable({ rows, label, testid }: { rows: ({ name: string } & Activity)[]; label: string; testid: string }) {
  return (
    <table data-testid={testid}>
      <thead>
        <tr>
          <th scope="col">{label}</th><th scope="col">Sessions</th><th scope="col">Time to author</th><th scope="col">Time to promotion</th>
          <th scope="col">Errors</th><th scope="col">Previews</th><th scope="col">Blocked</th><th scope="col">Acknowledged</th><th scope="col">Promoted</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <th scope="row">{r.name}</th>
            <td>{r.sessions}{r.opened > r.sessions ? <span class="muted"> (+{r.opened - r.sessions} opened)</span> : null}</td>
            <td>{minutes(r.medianMinutesToAuthor)}</td>
            <td>{minutes(r.medianMinutesToPromotion)}</td>
            <td>{r.validationErrors}</td>
            <td>{r.previews}</td>
            <td>{r.blocked}</td>
            <td>{r.acknowledged}</td>
            <td>{r.promotions}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Analytics({ session }: { session: Session }) {
  const a = useAsync(() => api<Analytics>('GET', `/v1/lac/analytics${tenantQuery(session)}`), [readTenant(session)]);
  if (a.loading && !a.data) return <><h1>Author analytics</h1><Loading what="analytics" /></>;
  if (a.error) return <><h1>Author analytics</h1><ErrorBox error={a.error} /></>;
  const d = a.data!;
  const weeks = d.weeks;
  return (
    <>
      <h1>Author analytics</h1>
      <Section title="Time to author and bundle share (KR2.1)" id="kr">
        <dl class="figures" data-testid="aggregates">
          <div>
            <dt>median time to author (editor opened → valid draft)</dt>
            <dd data-testid="tta">
              {minutes(d.timeToAuthor.medianMinutes)}{' '}
              {d.timeToAuthor.medianMinutes !== null && <Badge kind={d.timeToAuthor.meetsTarget ? 'ok' : 'bad'}>{d.timeToAuthor.meetsTarget ? '<' : '≥'} {d.timeToAuthor.targetMinutes} min</Badge>}
              <div class="muted">{d.timeToAuthor.sessions} session(s)</div>
            </dd>
          </div>
          <div><dt>median time to promotion (first draft → promoted)</dt><dd data-testid="ttp">{minutes(d.medianMinutesToPromotion)}</dd></div>
          <div>
            <dt>new policies from bundles</dt>
            <dd data-testid="bundle-share">
              {pct(d.bundleShare, 0)} of {d.newPolicies} <Badge kind={d.meetsBundleShareTarget ? 'ok' : 'bad'}>target ≥ {pct(d.bundleShareTarget, 0)}</Badge>
            </dd>
          </div>
          <div><dt>sessions · drafts</dt><dd>{d.sessions} · {d.drafts}</dd></div>
          <div><dt>validation errors</dt><dd>{d.validationErrors}</dd></div>
          <div><dt>previews · promotions · blocked</dt><dd>{d.previews} · {d.promotions} · {d.blockedPromotions}</dd></div>
        </dl>
      </Section>
      <Section title="By week" id="weeks">
        <div class="two">
          <ChartBox
            label={`Per week: ${weeks.map((w) => `${w.week} ${w.validationErrors} errors, ${w.previews} previews, ${w.promotions} promotions, ${w.blocked} blocked, ${w.acknowledged} acknowledged`).join('; ')}`}
            config={{
              type: 'bar',
              data: {
                labels: weeks.map((w) => w.week),
                datasets: [
                  { label: 'validation errors', data: weeks.map((w) => w.validationErrors), backgroundColor: PALETTE.red },
                  { label: 'previews', data: weeks.map((w) => w.previews), backgroundColor: PALETTE.blue },
                  { label: 'promotions', data: weeks.map((w) => w.promotions), backgroundColor: PALETTE.green },
                  { label: 'blocked', data: weeks.map((w) => w.blocked), backgroundColor: PALETTE.amber },
                  { label: 'acknowledged', data: weeks.map((w) => w.acknowledged), backgroundColor: PALETTE.purple },
                ],
              },
            }}
          />
          <ChartBox
            label={`Per week, share of new policies from bundles and median minutes to author: ${weeks.map((w) => `${w.week} ${w.newPoliciesFromBundles}/${w.newPolicies}, ${minutes(w.medianMinutesToAuthor)}`).join('; ')}`}
            config={{
              type: 'line',
              data: {
                labels: weeks.map((w) => w.week),
                datasets: [
                  { label: '% of new policies from bundles', data: weeks.map((w) => (w.bundleShare === null ? null : 100 * w.bundleShare)), borderColor: PALETTE.blue, backgroundColor: PALETTE.blue, yAxisID: 'y' },
                  { label: 'bundle target %', data: weeks.map(() => 100 * d.bundleShareTarget), borderColor: PALETTE.grey, pointRadius: 0, yAxisID: 'y' },
                  { label: 'median minutes to author', data: weeks.map((w) => w.medianMinutesToAuthor), borderColor: PALETTE.purple, backgroundColor: PALETTE.purple, yAxisID: 'minutes' },
                ],
              },
              options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } }, minutes: { position: 'right', min: 0, title: { display: true, text: 'minutes' } } } },
            }}
          />
        </div>
        <ActivityTable rows={weeks.map((w) => ({ ...w, name: w.week }))} label="Week" testid="per-week" />
      </Section>
      <Section title="Per author" id="authors">
        <ActivityTable rows={d.authors.map((r) => ({ ...r, name: r.author }))} label="Author" testid="per-author" />
      </Section>
      <Section title="Per bundle" id="bundles">
        <ActivityTable rows={d.bundles.map((r) => ({ ...r, name: r.bundle }))} label="Bundle" testid="per-bundle" />
      </Section>
    </>
  );
}
