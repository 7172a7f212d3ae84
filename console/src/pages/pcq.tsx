/**
 * The PCQ workbench: a release's anomalies grouped by cluster (label and differing inputs), filters,
 * each anomaly's diff and runbook, the label override with a reason, agreement across runtimes.
 */
import { useMemo, useState } from 'preact/hooks';
import { api, canWrite, readTenant, tenantQuery, type Session } from '../api';
import type { Route } from '../app';
import { Badge, ChartBox, ErrorBox, Loading, PALETTE, Section, pct, useAsync } from '../ui';
import type { Cluster } from '../../../streams/pcq/clustering';
import type { AgreementView, AnomalyView } from '../../../projections/pcq/view-types';

const LABELS = ['seed_drift', 'lib_pin_drift', 'data_skew', 'nondeterministic_reduction', 'infra_flake', 'regression'];

interface InputDiff { field: string; reference: unknown; subject: unknown; pinned?: boolean }
/** The API's anomaly, its diff read as the service records it (inputDiffs, deltas, a summary). */
type Anomaly = Omit<AnomalyView, 'diff'> & {
  diff: { inputDiffs?: InputDiff[]; deltas?: { metric: string; reference: number; subject: number; delta: number; tolerance?: number }[]; [k: string]: unknown };
};

/** The same signature as the service's clustering (streams/pcq/clustering.ts). */
const signatureOf = (diffs: InputDiff[] = []) =>
  diffs
    .filter((d) => d.pinned || d.field === 'runtime' || d.field === 'release')
    .map((d) => `${d.field}: ${d.reference ?? '∅'} → ${d.subject ?? '∅'}`)
    .sort();
/** The timeline page's row of the anomaly's first moved metric (projections/pcq/timeline/data.ts anchorOf). */
const timelineAnchor = (a: Anomaly) => {
  const metric = (a.diff?.metricsMoved as { metric?: string }[] | undefined)?.[0]?.metric;
  return metric ? `${a.fixtureId}--${metric.replace(/\s+/g, '_')}` : a.fixtureId;
};
const clusterKey = (label: string, inputs: string[]) => JSON.stringify([label, inputs]);

/** docs/runbooks/<name>.md → its page (/ui/runbooks/<name>), served behind the same keys. */
const runbookHref = (path: string) => `/ui/runbooks/${encodeURIComponent(path.replace(/^.*\//, '').replace(/\.md$/, ''))}`;

interface ReleaseList { tenant: string; releases: { release: string; taggedAt: string | null }[] }

/** `?tenant=`/`&tenant=` when an auditor or admin reads another tenant (the header's switch). */
const withTenant = (session: Session, path: string) => `${path}${tenantQuery(session, path.includes('?') ? '&' : '?')}`;

export function PcqWorkbench({ session, route }: { session: Session; route: Route }) {
  const tenant = readTenant(session);
  // The read model's release list (tagged in tag order, then untagged ones with replays): GET /v1/pcq/releases.
  const releases = useAsync(async () => (await api<ReleaseList>('GET', withTenant(session, '/v1/pcq/releases'))).releases.map((r) => r.release), [tenant]);
  const asked = route.query.get('release');
  const chosen = asked && releases.data?.includes(asked) ? asked : releases.data?.[releases.data.length - 1];
  const setRelease = (r: string) => void (location.hash = `#/pcq?release=${encodeURIComponent(r)}`);
  return (
    <>
      <h1>PCQ workbench</h1>
      {releases.loading && <Loading what="releases" />}
      <ErrorBox error={releases.error} />
      {releases.data && releases.data.length === 0 && <p data-testid="no-release">No release of tenant {tenant} has replays yet.</p>}
      {releases.data && releases.data.length > 0 && (
        <>
          <AgreementChart session={session} releases={releases.data} key={tenant} />
          <p>
            <label>
              Release{' '}
              <select value={chosen} onChange={(e) => setRelease((e.target as HTMLSelectElement).value)} data-testid="release">
                {releases.data.map((r) => (
                  <option value={r}>{r}</option>
                ))}
              </select>
            </label>{' '}
            · <a href={`/ui/pcq/timeline${tenantQuery(session)}`}>Release timeline</a>
          </p>
          {chosen && <ReleaseView session={session} release={chosen} key={`${tenant}/${chosen}`} />}
        </>
      )}
    </>
  );
}

function AgreementChart({ session, releases }: { session: Session; releases: string[] }) {
  const rows = useAsync(() => Promise.all(releases.map((r) => api<AgreementView>('GET', withTenant(session, `/v1/pcq/agreement?release=${encodeURIComponent(r)}`)))), [releases.join()]);
  return (
    <Section title="Agreement across runtimes" id="agreement">
      <ErrorBox error={rows.error} />
      {rows.data && (
        <div class="two">
          <ChartBox
            label="Share of fixtures agreeing across runtimes per release, with the target"
            config={{
              type: 'bar',
              data: {
                labels: rows.data.map((a) => a.release ?? ''),
                datasets: [
                  { label: 'agreeing', data: rows.data.map((a) => (a.share ?? 0) * 100), backgroundColor: rows.data.map((a) => (a.meetsTarget ? PALETTE.green : PALETTE.red)) },
                  { type: 'line', label: 'target', data: rows.data.map((a) => a.target * 100), borderColor: PALETTE.grey, pointRadius: 0 } as never,
                ],
              },
              options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '% of fixtures' } } } },
            }}
          />
          <table data-testid="agreement-table">
            <thead><tr><th scope="col">Release</th><th scope="col">Agreeing</th><th scope="col">Fixtures</th><th scope="col">Missing</th><th scope="col">Target</th></tr></thead>
            <tbody>
              {rows.data.map((a) => (
                <tr>
                  <th scope="row">{a.release}</th>
                  <td>{pct(a.share)}</td>
                  <td>{a.fixtures}</td>
                  <td>{a.missing}</td>
                  <td>{a.meetsTarget ? <Badge kind="ok">met</Badge> : <Badge kind="bad">below {pct(a.target, 0)}</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function ReleaseView({ session, release }: { session: Session; release: string }) {
  const data = useAsync(
    () =>
      Promise.all([
        api<{ clusters: Cluster[] }>('GET', withTenant(session, `/v1/pcq/clusters?release=${encodeURIComponent(release)}`)),
        api<Anomaly[]>('GET', withTenant(session, `/v1/pcq/anomalies?release=${encodeURIComponent(release)}`)),
      ]),
    [release],
  );
  const [label, setLabel] = useState('');
  const [fixture, setFixture] = useState('');
  const [minConfidence, setMinConfidence] = useState(0);
  const [needsReview, setNeedsReview] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  const filtered = useMemo(() => {
    const [, anomalies] = data.data ?? [[], []];
    return anomalies.filter(
      (a) =>
        (!label || a.label === label) &&
        (!fixture || a.fixtureId.toLowerCase().includes(fixture.toLowerCase())) &&
        (a.confidence ?? 0) >= minConfidence &&
        (!needsReview || a.needsReview),
    );
  }, [data.data, label, fixture, minConfidence, needsReview]);
  const byCluster = useMemo(() => {
    const m = new Map<string, Anomaly[]>();
    for (const a of filtered) {
      if (!a.label) continue;
      const k = clusterKey(a.label, signatureOf(a.diff?.inputDiffs));
      m.set(k, [...(m.get(k) ?? []), a]);
    }
    return m;
  }, [filtered]);

  if (data.loading && !data.data) return <Loading what={`release ${release}`} />;
  if (data.error) return <ErrorBox error={data.error} />;
  const [{ clusters }, anomalies] = data.data!;
  const shown = clusters.filter((c) => byCluster.has(clusterKey(c.label, c.inputs)));
  return (
    <Section title={`Anomalies of ${release}`} id="anomalies">
      <form class="filters" aria-label="Filter anomalies" onSubmit={(e) => e.preventDefault()}>
        <label>
          Label
          <select value={label} onChange={(e) => setLabel((e.target as HTMLSelectElement).value)} data-testid="filter-label">
            <option value="">any</option>
            {LABELS.map((l) => (
              <option value={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Fixture
          <input type="search" value={fixture} onInput={(e) => setFixture((e.target as HTMLInputElement).value)} placeholder="fixture id" data-testid="filter-fixture" />
        </label>
        <label>
          Confidence ≥ {minConfidence.toFixed(2)}
          <input type="range" min={0} max={1} step={0.05} value={minConfidence} onInput={(e) => setMinConfidence(Number((e.target as HTMLInputElement).value))} data-testid="filter-confidence" />
        </label>
        <label class="check">
          <input type="checkbox" checked={needsReview} onChange={(e) => setNeedsReview((e.target as HTMLInputElement).checked)} data-testid="filter-review" /> needs review only
        </label>
      </form>
      <p class="muted" data-testid="anomaly-count">
        {filtered.length} of {anomalies.length} anomalies in {shown.length} clusters
      </p>
      <ul class="clusters">
        {shown.map((c) => {
          const members = byCluster.get(clusterKey(c.label, c.inputs)) ?? [];
          const isOpen = open === c.clusterId;
          return (
            <li class="cluster" data-testid="cluster">
              <button type="button" class="cluster-head" aria-expanded={isOpen} onClick={() => setOpen(isOpen ? null : c.clusterId)}>
                <Badge kind="label">{c.label}</Badge> <strong>{members.length}</strong> anomalies, {new Set(members.map((m) => m.fixtureId)).size} fixtures
                <span class="inputs">{c.inputs.length ? c.inputs.join(' · ') : 'no pinned input differs'}</span>
              </button>
              {isOpen && (
                <ul class="anomalies">
                  {members.map((a) => (
                    <AnomalyItem anomaly={a} session={session} onChanged={data.reload} key={a.anomalyId} />
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

function AnomalyItem({ anomaly: a, session, onChanged }: { anomaly: Anomaly; session: Session; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [newLabel, setNewLabel] = useState(a.label ?? LABELS[0]);
  const [by, setBy] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('POST', `/v1/pcq/anomalies/${encodeURIComponent(a.anomalyId)}/label`, { label: newLabel, by, reason });
      setSaved(true);
      setEditing(false);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const id = `ov-${a.anomalyId.replace(/[^\w-]/g, '_')}`;
  return (
    <li class="anomaly" data-testid="anomaly" data-anomaly={a.anomalyId}>
      <div>
        <strong>{a.fixtureId}</strong> <span class="muted">{a.kind}</span> on {a.runtimes.join(' vs ')} — <Badge kind="label">{a.label ?? 'unlabelled'}</Badge>{' '}
        {a.confidence !== null && <span>confidence {a.confidence.toFixed(2)}</span>} {a.needsReview && <Badge kind="warn">needs review</Badge>}
        {a.override && (
          <span class="muted" data-testid="override">
            {' '}
            overridden by {a.override.by}: “{a.override.reason}”
          </span>
        )}
        {saved && <span role="status"> Override recorded.</span>}
      </div>
      <details>
        <summary>Diff and runbook</summary>
        <p>
          {a.runbook && (
            <>
              Runbook: <a href={runbookHref(a.runbook)} data-testid="runbook">{a.runbook}</a> ·{' '}
            </>
          )}
          <a href={`/ui/pcq/timeline${tenantQuery(session)}#${encodeURIComponent(timelineAnchor(a))}`}>{a.fixtureId} on the release timeline</a>
        </p>
        {a.diff?.summary ? <p>{String(a.diff.summary)}</p> : null}
        {a.diff?.inputDiffs?.length ? (
          <table>
            <caption>Differing inputs</caption>
            <thead><tr><th scope="col">Input</th><th scope="col">Reference</th><th scope="col">Subject</th></tr></thead>
            <tbody>
              {a.diff.inputDiffs.map((d) => (
                <tr>
                  <th scope="row">{d.field}{d.pinned ? ' (pinned)' : ''}</th>
                  <td>{String(d.reference ?? '∅')}</td>
                  <td>{String(d.subject ?? '∅')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <pre tabIndex={0} class="json">{JSON.stringify({ ...a.diff, inputDiffs: undefined, summary: undefined }, null, 2)}</pre>
      </details>
      {canWrite(session) && readTenant(session) === session.tenant && !editing && (
        <button type="button" onClick={() => setEditing(true)} data-testid="override-open">
          Override label
        </button>
      )}
      {editing && (
        <form onSubmit={submit} class="inline-form" aria-label={`Override the label of ${a.fixtureId}`}>
          <label for={`${id}-label`}>New label</label>
          <select id={`${id}-label`} value={newLabel} onChange={(e) => setNewLabel((e.target as HTMLSelectElement).value)} data-testid="override-label">
            {LABELS.map((l) => (
              <option value={l}>{l}</option>
            ))}
          </select>
          <label for={`${id}-by`}>By</label>
          <input id={`${id}-by`} value={by} required onInput={(e) => setBy((e.target as HTMLInputElement).value)} data-testid="override-by" />
          <label for={`${id}-reason`}>Reason</label>
          <input id={`${id}-reason`} value={reason} required onInput={(e) => setReason((e.target as HTMLInputElement).value)} data-testid="override-reason" />
          <button type="submit" data-testid="override-save">Save override</button>
          <button type="button" class="link" onClick={() => setEditing(false)}>Cancel</button>
          <ErrorBox error={error} />
        </form>
      )}
    </li>
  );
}
