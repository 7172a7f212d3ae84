/**
 * ZK-TX jobs: the tenant's committed sets and proof jobs (GET /v1/zk/sets, /v1/zk/jobs: the ZK-TX
 * read model) with status, latency and answer, followed until done; a form that submits a proof job
 * against a committed set (POST /v1/zk/jobs); a "verify" button that fetches one job's proof
 * (GET /v1/zk/jobs/:id) and checks it in this browser with snarkjs against the published
 * verification key (GET /v1/zk/verification-keys/:circuit).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, canWrite, readTenant, tenantQuery, type Page, type Session } from '../api';
import { Badge, ErrorBox, Loading, Section, useAsync, when } from '../ui';
import type { ListedJob, ListedSet } from '../../../projections/zk/list-types';

interface ProvedJob { result: { proof: unknown; publicSignals: string[]; circuit: string } | null }

const LIMIT = 50;
const finished = (j: ListedJob) => j.status === 'done' || j.status === 'failed';

export function ZkJobs({ session }: { session: Session }) {
  const tenant = readTenant(session);
  const sets = useAsync(() => api<Page<ListedSet>>('GET', `/v1/zk/sets?limit=200${tenantQuery(session, '&')}`), [tenant]);
  const [jobs, setJobs] = useState<ListedJob[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    api<Page<ListedJob>>('GET', `/v1/zk/jobs?limit=${LIMIT}${tenantQuery(session, '&')}`).then((page) => {
      if (!live) return;
      setJobs(page.items);
      // Follow unfinished jobs until they complete: read the list again a second later.
      if (page.items.some((j) => !finished(j))) timer = setTimeout(() => setRound((r) => r + 1), 1000);
    }, (e) => live && setError(e));
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [tenant, round]);

  return (
    <>
      <h1>ZK-TX jobs</h1>
      {canWrite(session) && tenant === session.tenant && <SubmitJob session={session} onSubmitted={() => setRound((r) => r + 1)} />}
      <Section title="Committed sets" id="sets">
        {sets.loading && <Loading what="sets" />}
        <ErrorBox error={sets.error} />
        {sets.data && sets.data.items.length === 0 && <p>No set committed by this tenant.</p>}
        {sets.data && sets.data.items.length > 0 && (
          <table data-testid="sets">
            <thead><tr><th scope="col">Set</th><th scope="col">Leaves</th><th scope="col">Pepper</th><th scope="col">Root</th><th scope="col">Committed</th></tr></thead>
            <tbody>
              {sets.data.items.map((x) => (
                <tr>
                  <th scope="row">{x.setId}</th>
                  <td>{x.size}</td>
                  <td>v{x.pepperVersion} {x.stale && <Badge kind="warn">stale: re-commit</Badge>}</td>
                  <td><code title={x.root}>{x.root.slice(0, 16)}…</code></td>
                  <td>{when(x.committedAt)}{x.commits > 1 ? <span class="muted"> ({x.commits} commits)</span> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={`Proof jobs (latest ${LIMIT})`} id="jobs">
        <ErrorBox error={error} />
        {!jobs && !error && <Loading what="jobs" />}
        {jobs && jobs.length === 0 && <p>No proof job yet: submit one above, or with <code>POST /v1/zk/jobs</code> (the SDKs' <code>submitProofJob</code>).</p>}
        {jobs && jobs.length > 0 && (
          <table data-testid="jobs">
            <thead>
              <tr><th scope="col">Job</th><th scope="col">Set</th><th scope="col">Status</th><th scope="col">Latency</th><th scope="col">Result</th><th scope="col">Proof</th></tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <JobRow job={j} key={j.jobId} />
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}

/**
 * A proof job against a committed set. The query is a leaf (a decimal field element) computed where
 * the raw identifier lives (the SDKs' leafOf, or `trust zk leaves`): the raw identifier never
 * reaches the service, so this form does not take one.
 */
function SubmitJob({ session, onSubmitted }: { session: Session; onSubmitted: () => void }) {
  const pepper = useAsync(() => api<{ version: number }>('GET', '/v1/zk/pepper'), []);
  const [form, setForm] = useState({ counterparty: session.tenant, setId: '', query: '', budgetMs: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [submitted, setSubmitted] = useState('');
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, unknown> = { counterparty: form.counterparty.trim(), setId: form.setId.trim(), query: form.query.trim(), pepperVersion: pepper.data?.version };
      if (form.budgetMs.trim()) body.budgetMs = Number(form.budgetMs);
      const r = await api<{ jobId: string }>('POST', '/v1/zk/jobs', body);
      setSubmitted(r.jobId);
      onSubmitted();
    } catch (err) {
      setSubmitted('');
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Submit a proof job" id="submit">
      <form onSubmit={submit} class="grid-form" data-testid="submit-job" aria-label="Submit a proof job">
        <label for="zk-counterparty">Set owner (tenant)</label>
        <input id="zk-counterparty" value={form.counterparty} required onInput={set('counterparty')} data-testid="zk-counterparty" />
        <label for="zk-set">Committed set</label>
        <input id="zk-set" value={form.setId} required onInput={set('setId')} data-testid="zk-set" />
        <label for="zk-query">Query leaf (decimal field element from the SDK's leafOf or <code>trust zk leaves</code>)</label>
        <input id="zk-query" value={form.query} required inputMode="numeric" pattern="[0-9]{1,80}" onInput={set('query')} data-testid="zk-query" />
        <label for="zk-budget">Latency budget in ms (optional)</label>
        <input id="zk-budget" value={form.budgetMs} inputMode="numeric" pattern="[0-9]{3,6}" onInput={set('budgetMs')} data-testid="zk-budget" />
        <p class="muted">Pepper version {pepper.data ? `v${pepper.data.version}` : '…'} (the current one; leaves must be computed with it).</p>
        <button type="submit" disabled={busy || !pepper.data} data-testid="zk-submit">Submit</button>
      </form>
      <ErrorBox error={error} />
      {submitted && <p role="status" data-testid="zk-submitted">Submitted job <code>{submitted}</code>: it shows below and is followed until its proof is done.</p>}
    </Section>
  );
}

function JobRow({ job: j }: { job: ListedJob }) {
  const [verdict, setVerdict] = useState<'checking' | 'valid' | 'invalid' | undefined>();
  const [error, setError] = useState<unknown>();
  const verify = async () => {
    if (!j.circuit || j.overlap === null) return;
    setVerdict('checking');
    setError(undefined);
    try {
      const [full, vk, snarkjs] = await Promise.all([
        api<ProvedJob>('GET', `/v1/zk/jobs/${encodeURIComponent(j.jobId)}`),
        api('GET', `/v1/zk/verification-keys/${encodeURIComponent(j.circuit)}`),
        import('snarkjs'),
      ]);
      if (!full.result) throw new Error('the job has no proof yet');
      setVerdict((await snarkjs.groth16.verify(vk, full.result.publicSignals, full.result.proof)) ? 'valid' : 'invalid');
    } catch (e) {
      setVerdict(undefined);
      setError(e);
    }
  };
  return (
    <tr data-testid="job" data-job={j.jobId} data-status={j.status}>
      <th scope="row"><code>{j.jobId}</code><div class="muted">{when(j.requestedAt)}</div></th>
      <td>{j.counterparty}/{j.setId}</td>
      <td><Badge kind={j.status === 'done' ? 'ok' : j.status === 'failed' ? 'bad' : 'warn'}>{j.status}</Badge></td>
      <td data-testid="job-latency">{j.latencyMs !== null ? `${j.latencyMs} ms` : '…'}{j.proveMs !== null ? <div class="muted">prove {Math.round(j.proveMs)} ms</div> : null}</td>
      <td data-testid="job-result">{j.overlap !== null ? (j.overlap ? 'in the set' : 'not in the set') : j.error ?? '—'}</td>
      <td>
        {j.overlap !== null && j.circuit && (
          <>
            <button type="button" onClick={verify} disabled={verdict === 'checking'} data-testid="verify">
              Verify in browser
            </button>{' '}
            <span role="status" data-testid="verdict">
              {verdict === 'checking' ? 'verifying…' : verdict === 'valid' ? '✓ proof valid' : verdict === 'invalid' ? '✗ proof invalid' : ''}
            </span>
            <div class="muted">{j.circuit}</div>
          </>
        )}
        <ErrorBox error={error} />
      </td>
    </tr>
  );
}
