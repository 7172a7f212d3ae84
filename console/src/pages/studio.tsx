/**
 * LAC Studio: policies and their versions with state and history (GET /v1/lac/policies, the policy
 * list read model); for one version its document,
 * the blast-radius preview with acknowledgment and promotion, the decision tester (this version
 * and the active one side by side) and the semantic diff between two versions.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, canWrite, readTenant, type Session } from '../api';
import { href } from '../app';
import { authoringSession, loadPolicies, loadPolicy, SAMPLE_REQUEST, type PolicySummary, type PolicyVersion } from '../lac';
import { Badge, ChartBox, ErrorBox, Loading, PALETTE, Section, useAsync, when } from '../ui';
import type { BlastRadiusComputed, ImpactCount } from '../../../schemas/generated/payloads';

const STATE_KIND: Record<string, string> = { draft: 'grey', invalid: 'bad', validated: 'ok', previewed: 'info', blocked: 'warn', promoted: 'ok' };

export function StudioPolicies({ session }: { session: Session }) {
  const policies = useAsync(() => loadPolicies(session), [readTenant(session)]);
  return (
    <>
      <h1>LAC Studio</h1>
      {canWrite(session) && (
        <p>
          <a class="button" href="#/new" data-testid="new-policy">New policy from bundles</a>
        </p>
      )}
      <Section title="Policies" id="policies">
        {policies.loading && <Loading what="policies" />}
        <ErrorBox error={policies.error} />
        {policies.data && policies.data.length === 0 && <p>No policy yet.</p>}
        {policies.data && policies.data.length > 0 && (
          <table data-testid="policies">
            <thead><tr><th scope="col">Policy</th><th scope="col">Active</th><th scope="col">Latest version</th><th scope="col">State</th><th scope="col">Last change</th></tr></thead>
            <tbody>
              {policies.data.map((p) => {
                const latest = p.versions[p.versions.length - 1];
                const last = p.lastChange;
                return (
                  <tr>
                    <th scope="row"><a href={href('studio', p.id)}>{p.id}</a></th>
                    <td>{p.active ?? '—'}</td>
                    <td>{latest?.version ?? '—'}</td>
                    <td>{latest && <Badge kind={STATE_KIND[latest.state]}>{latest.state}</Badge>}</td>
                    <td>{last ? `${when(last.at)} · ${last.what}${last.who ? ` by ${last.who}` : ''}` : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}

export function StudioPolicy({ session, policyId, version }: { session: Session; policyId: string; version?: string }) {
  const policy = useAsync(() => loadPolicy(session, policyId), [readTenant(session), policyId]);
  if (policy.loading && policy.data === undefined) return <Loading what={policyId} />;
  if (policy.error) return <ErrorBox error={policy.error} />;
  const p = policy.data;
  if (!p) return <p>No policy <code>{policyId}</code> in tenant {readTenant(session)}. <a href="#/studio">All policies</a></p>;
  const v = p.versions.find((x) => x.version === version) ?? p.versions[p.versions.length - 1];
  return (
    <>
      <p><a href="#/studio">← All policies</a></p>
      <h1>
        {p.id} <span class="muted">{v.version}</span>
      </h1>
      <div class="two">
        <Section title="Versions" id="versions">
          <table data-testid="versions">
            <thead><tr><th scope="col">Version</th><th scope="col">State</th><th scope="col">Author</th><th scope="col">Drafted</th></tr></thead>
            <tbody>
              {p.versions.map((x) => (
                <tr class={x.version === v.version ? 'selected' : ''}>
                  <th scope="row">
                    <a href={href('studio', p.id, x.version)} aria-current={x.version === v.version ? 'true' : undefined}>{x.version}</a>
                    {p.active === x.version && <> <Badge kind="ok">active</Badge></>}
                  </th>
                  <td><Badge kind={STATE_KIND[x.state]}>{x.state}</Badge></td>
                  <td>{x.author}</td>
                  <td>{when(x.draftedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section title="History" id="history">
          <ol class="history" reversed>
            {p.history.slice(0, 12).map((h) => (
              <li>
                <span class="muted">{when(h.at)}</span> <strong>{h.version}</strong> {h.what}
                {h.who && <> by {h.who}</>}
              </li>
            ))}
          </ol>
        </Section>
      </div>
      {v.problems.length > 0 && (
        <Section title="Validation problems" id="problems">
          <ul>
            {v.problems.map((pr) => (
              <li><code>{pr.path}</code> {pr.message} <span class="muted">{pr.code}</span></li>
            ))}
          </ul>
        </Section>
      )}
      <PreviewPanel session={session} policy={p} version={v} onChanged={policy.reload} />
      <Tester session={session} policy={p} version={v} />
      <DiffPanel policy={p} version={v} />
      <Section title="Document" id="document">
        <pre tabIndex={0} class="json" data-testid="document">{JSON.stringify(JSON.parse(v.document), null, 2)}</pre>
      </Section>
    </>
  );
}

// ---- preview, acknowledgment, promotion ---------------------------------------------------------

/** A preview as the API answers it: the BlastRadiusComputed event's payload (the schema's generated type). */
export type Preview = BlastRadiusComputed;

const RISK_KIND: Record<string, string> = { low: 'ok', medium: 'warn', high: 'bad', critical: 'bad' };

function PreviewPanel({ session, policy, version, onChanged }: { session: Session; policy: PolicySummary; version: PolicyVersion; onChanged: () => void }) {
  const writable = canWrite(session);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [stale, setStale] = useState<string | null>(null);
  const [needsAck, setNeedsAck] = useState(false);
  const [by, setBy] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>('');
  const headers = { 'x-lac-session': authoringSession(policy.id) };
  const path = `/v1/lac/policies/${encodeURIComponent(policy.id)}/versions/${encodeURIComponent(version.version)}`;
  const stored = useAsync(
    () => (version.lastPreviewId ? api<Preview & { status: string; stale: boolean }>('GET', `/v1/lac/previews/${encodeURIComponent(version.lastPreviewId)}`) : Promise.resolve(null)),
    [version.lastPreviewId],
  );
  const shown = preview ?? stored.data ?? null;
  // A recorded preview is stale once this policy saw a newer decision, promotion or edit of this version
  // (the rule promote applies): the service says so (GET /v1/lac/previews/:id, from its read models).
  // One this page just computed is the current one.
  const isStale = !preview && version.state !== 'promoted' && stored.data?.stale === true;
  const run = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };
  const recompute = () =>
    run('preview', async () => {
      setPreview(await api<Preview>('POST', `${path}/preview`, {}, { headers }));
      setStale(null);
      onChanged();
    });
  const promote = (ack?: { by: string; reason: string; previewId: string }) =>
    run('promote', async () => {
      try {
        const r = await api<{ previousVersion: string | null; acknowledged: boolean; preview: Preview }>('POST', `${path}/promote`, ack, { headers });
        setPreview(r.preview);
        setNeedsAck(false);
        setDone(`Promoted ${policy.id} ${version.version}${r.previousVersion ? ` over ${r.previousVersion}` : ''}${r.acknowledged ? ' (acknowledged)' : ''}.`);
        onChanged();
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && e.details.preview) {
          setPreview(e.details.preview as Preview);
          if (e.details.reason === 'PREVIEW_STALE') setStale(String(e.details.staleId));
          setNeedsAck(true);
          setError(e);
          return;
        }
        throw e;
      }
    });
  const ackable = shown && shown.riskLevel !== 'low';
  return (
    <Section title="Preview and promotion" id="preview">
      {version.state === 'promoted' && policy.active === version.version && <p><Badge kind="ok">active</Badge> This version is the active one.</p>}
      {writable ? (
        <p class="actions">
          <button type="button" onClick={recompute} disabled={!!busy} data-testid="preview-run">
            {shown ? 'Recompute preview' : 'Preview blast radius'}
          </button>
          {version.state !== 'promoted' && (
            <button type="button" onClick={() => promote()} disabled={!!busy} data-testid="promote">
              Promote {version.version}
            </button>
          )}
          {busy && <span aria-live="polite"> {busy === 'preview' ? 'computing the blast radius…' : 'promoting…'}</span>}
        </p>
      ) : (
        <p class="muted">Auditors read previews; previewing and promoting need a producer or admin key.</p>
      )}
      {done && <p role="status" class="ok-text" data-testid="promoted">{done}</p>}
      <ErrorBox error={error} />
      {stale && (
        <p class="stale" role="status" data-testid="stale">
          The preview you acknowledged ({stale}) is stale: newer decisions or changes came after it. The fresh preview is shown below; review it and acknowledge again.
        </p>
      )}
      {shown && !stale && isStale && (
        <p class="stale" role="status" data-testid="stale-known">
          This preview is stale: newer decisions, a promotion or an edit came after it.{' '}
          {writable ? 'Recompute it before promoting.' : 'A producer or admin recomputes it before promoting.'}
        </p>
      )}
      {shown && <PreviewView preview={shown} status={preview ? undefined : stored.data?.status} />}
      {writable && needsAck && ackable && shown && version.state !== 'promoted' && (
        <form
          class="ack"
          aria-label="Acknowledge the risk and promote"
          data-testid="ack-form"
          onSubmit={(e) => {
            e.preventDefault();
            promote({ by, reason, previewId: shown.previewId });
          }}
        >
          <h3>Acknowledge risk {shown.riskLevel} and promote</h3>
          <label for="ack-by">Acknowledged by</label>
          <input id="ack-by" value={by} required onInput={(e) => setBy((e.target as HTMLInputElement).value)} data-testid="ack-by" />
          <label for="ack-reason">Reason (at least 10 characters)</label>
          <textarea id="ack-reason" value={reason} required minLength={10} rows={2} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} data-testid="ack-reason" />
          <button type="submit" disabled={!!busy} data-testid="ack-promote">Acknowledge and promote</button>
        </form>
      )}
    </Section>
  );
}

export function PreviewView({ preview: p, status }: { preview: Preview; status?: string }) {
  const bars = (title: string, rows: ImpactCount[]) => ({
    type: 'bar' as const,
    data: {
      labels: rows.slice(0, 10).map((r) => r.name),
      datasets: [
        { label: 'allow → deny', data: rows.slice(0, 10).map((r) => r.allowToDeny), backgroundColor: PALETTE.amber },
        { label: 'deny → allow', data: rows.slice(0, 10).map((r) => r.denyToAllow), backgroundColor: PALETTE.red },
      ],
    },
    options: { indexAxis: 'y' as const, plugins: { title: { display: true, text: title } }, scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  return (
    <div class="preview" data-testid="preview" data-preview={p.previewId} data-risk={p.riskLevel}>
      <p>
        Risk <Badge kind={RISK_KIND[p.riskLevel]}>{p.riskLevel}</Badge> (score {p.riskScore}) · {p.decisionsReplayed} decisions replayed ({p.windowFrom.slice(0, 10)} → {p.windowTo.slice(0, 10)}) against{' '}
        {p.activeVersion ?? 'no active version'} {status && <Badge kind="grey">{status}</Badge>} · <a href={`/ui/lac/promotions/${encodeURIComponent(p.previewId)}`}>promotion page</a>
      </p>
      <dl class="figures">
        <div><dt>allow → deny</dt><dd>{p.allowToDeny}</dd></div>
        <div><dt>deny → allow</dt><dd>{p.denyToAllow}</dd></div>
        <div><dt>widened on P0/P1</dt><dd>{p.widenedSensitive}</dd></div>
        <div><dt>datasets · groups · users</dt><dd>{p.impactedDatasetCount} · {p.impactedGroupCount} · {p.impactedUserCount}</dd></div>
        <div><dt>cost delta</dt><dd>{p.costDelta >= 0 ? '+' : ''}{p.costDelta.toFixed(2)} {p.currency}</dd></div>
        {p.semantic && <div><dt>semantic diff</dt><dd>{p.semantic.widenings} widenings · {p.semantic.narrowings} narrowings</dd></div>}
      </dl>
      <div class="three">
        <ChartBox label={`Impacted datasets: ${p.impactedDatasets.map((d) => `${d.name} ${d.allowToDeny}/${d.denyToAllow}`).join(', ')}`} config={bars('Datasets', p.impactedDatasets)} />
        <ChartBox label={`Impacted groups: ${p.impactedGroups.map((d) => `${d.name} ${d.allowToDeny}/${d.denyToAllow}`).join(', ')}`} config={bars('Groups', p.impactedGroups)} />
        <ChartBox label={`Impacted users: ${p.impactedUsers.map((d) => `${d.name} ${d.allowToDeny}/${d.denyToAllow}`).join(', ')}`} config={bars('Users', p.impactedUsers)} />
      </div>
      {p.samples.length > 0 && (
        <table>
          <caption>Largest changes</caption>
          <thead><tr><th scope="col">Decisions</th><th scope="col">Change</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Because of</th></tr></thead>
          <tbody>
            {p.samples.slice(0, 10).map((s) => (
              <tr>
                <td>{s.count}</td>
                <td>{s.from} → {s.to}</td>
                <td>{s.subjectId}</td>
                <td>{s.action} {s.dataset} ({s.classification})</td>
                <td>{s.codes.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

// ---- decision tester ------------------------------------------------------------------------------

interface Decision { decision: string; reasons: { code: string; message: string; bundle?: string }[]; obligations: unknown[]; policy?: { id: string; version: string } }

function Tester({ session, policy, version }: { session: Session; policy: PolicySummary; version: PolicyVersion }) {
  const [text, setText] = useState(JSON.stringify(SAMPLE_REQUEST(session.tenant), null, 2));
  const [result, setResult] = useState<{ label: string; out?: Decision; error?: unknown }[]>([]);
  const [parseError, setParseError] = useState('');
  if (!canWrite(session)) return <Section title="Decision tester" id="tester"><p class="muted">The decision tester needs a producer or admin key.</p></Section>;
  const active = policy.versions.find((x) => x.version === policy.active);
  const run = async (e: Event) => {
    e.preventDefault();
    let request: unknown;
    try {
      request = JSON.parse(text);
      setParseError('');
    } catch (err) {
      setParseError(`The request is not JSON: ${(err as Error).message}`);
      return;
    }
    // Inline documents: the tester's decisions are not recorded as history (they would make previews stale).
    const sides = [{ label: `${version.version} (this version)`, doc: version.document }];
    if (active && active.version !== version.version) sides.push({ label: `${active.version} (active)`, doc: active.document });
    setResult(
      await Promise.all(
        sides.map((s) =>
          api<Decision>('POST', '/v1/lac/decide', { policy: JSON.parse(s.doc), request }).then(
            (out) => ({ label: s.label, out }),
            (error) => ({ label: s.label, error }),
          ),
        ),
      ),
    );
  };
  return (
    <Section title="Decision tester" id="tester">
      <form onSubmit={run}>
        <label for="tester-request">Request (JSON: subject, action, resource, context)</label>
        <textarea id="tester-request" rows={10} class="code" value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} data-testid="tester-request" />
        {parseError && <p class="field-error" role="alert">{parseError}</p>}
        <button type="submit" data-testid="tester-run">Decide</button>
      </form>
      <div class="two" data-testid="tester-results">
        {result.map((r) => (
          <div class="decision" data-testid="decision">
            <h3>{r.label}</h3>
            <ErrorBox error={r.error} />
            {r.out && (
              <>
                <p>
                  <Badge kind={r.out.decision === 'allow' ? 'ok' : r.out.decision === 'deny' ? 'bad' : 'warn'}>{r.out.decision}</Badge>
                </p>
                <ul>
                  {r.out.reasons.map((x) => (
                    <li><code>{x.code}</code> {x.message}</li>
                  ))}
                </ul>
                {r.out.obligations.length > 0 && <pre tabIndex={0} class="json">{JSON.stringify(r.out.obligations, null, 2)}</pre>}
              </>
            )}
          </div>
        ))}
      </div>
    </Section>
  );
}

// ---- diff -------------------------------------------------------------------------------------------

function DiffPanel({ policy, version }: { policy: PolicySummary; version: PolicyVersion }) {
  const others = policy.versions.filter((x) => x.version !== version.version);
  const [from, setFrom] = useState(policy.active && policy.active !== version.version ? policy.active : others[others.length - 1]?.version ?? '');
  const [diff, setDiff] = useState<any>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  const [error, setError] = useState<unknown>();
  if (!others.length) return null;
  const run = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      setDiff(await api('POST', '/v1/lac/diff', { from: { id: policy.id, version: from }, to: { id: policy.id, version: version.version } }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title="Diff between versions" id="diff">
      <form onSubmit={run} class="inline-form">
        <label for="diff-from">From</label>
        <select id="diff-from" value={from} onChange={(e) => setFrom((e.target as HTMLSelectElement).value)} data-testid="diff-from">
          {others.map((x) => (
            <option value={x.version}>{x.version}</option>
          ))}
        </select>
        <span>to {version.version}</span>
        <button type="submit" data-testid="diff-run">Compare</button>
      </form>
      <ErrorBox error={error} />
      {diff && (
        <div data-testid="diff">
          <p>
            <strong>{diff.widenings}</strong> widenings, <strong>{diff.narrowings}</strong> narrowings{diff.complete ? '' : ' (incomplete)'}
            {diff.widenedClassifications?.length ? ` · widened on ${diff.widenedClassifications.join(', ')}` : ''}
          </p>
          <table>
            <caption>Counterexamples</caption>
            <thead><tr><th scope="col">Direction</th><th scope="col">Kind</th><th scope="col">Class</th><th scope="col">Action</th><th scope="col">Decision</th><th scope="col">Because of</th></tr></thead>
            <tbody>
              {(diff.counterexamples ?? []).slice(0, 30).map((c: any) => ( // eslint-disable-line @typescript-eslint/no-explicit-any
                <tr>
                  <td><Badge kind={c.direction === 'widening' ? 'bad' : 'info'}>{c.direction}</Badge></td>
                  <td>{c.kind}</td>
                  <td>{c.classification}</td>
                  <td>{c.action}</td>
                  <td>{c.fromDecision} → {c.toDecision}</td>
                  <td>{(c.responsible ?? []).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
