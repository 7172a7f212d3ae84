/**
 * ZK-TX jobs: the tenant's committed sets and proof jobs (from the event history), each job's status,
 * latency and result, and a "verify" button that checks the Groth16 proof in this browser with
 * snarkjs against the published verification key (GET /v1/zk/verification-keys/:circuit).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, eventsOf, type Session } from '../api';
import { Badge, ErrorBox, Loading, Section, useAsync, when } from '../ui';

interface JobView {
  jobId: string;
  status: string;
  counterparty: string;
  setId: string;
  root: string;
  result: { overlap: boolean; check: number; proof: unknown; publicSignals: string[]; circuit: string; vkHash: string } | null;
  error: string | null;
  reasons: string[];
  timings: { requestedAt: string; completedAt: string | null; queuedMs: number | null; proveMs: number | null; totalMs: number | null };
}

const LIMIT = 50;
const finished = (j: JobView) => j.status === 'done' || j.status === 'failed' || !!j.result || !!j.error;

export function ZkJobs({ session }: { session: Session }) {
  const sets = useAsync(() => eventsOf<{ setId: string; root: string; size: number; pepperVersion: number }>(session.tenant, ['ZkSetCommitted']), [session.tenant]);
  const [jobs, setJobs] = useState<JobView[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    (async () => {
      const requested = await eventsOf<{ jobId: string }>(session.tenant, ['ProofRequested']);
      const ids = requested.slice(-LIMIT).reverse().map((e) => e.payload.jobId);
      const views = await Promise.all(ids.map((id) => api<JobView>('GET', `/v1/zk/jobs/${encodeURIComponent(id)}`)));
      if (!live) return;
      setJobs(views);
      // Follow unfinished jobs until they complete.
      if (views.some((v) => !finished(v))) timer = setTimeout(() => setRound((r) => r + 1), 1000);
    })().catch((e) => live && setError(e));
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [session.tenant, round]);

  return (
    <>
      <h1>ZK-TX jobs</h1>
      <Section title="Committed sets" id="sets">
        {sets.loading && <Loading what="sets" />}
        <ErrorBox error={sets.error} />
        {sets.data && sets.data.length === 0 && <p>No set committed by this tenant.</p>}
        {sets.data && sets.data.length > 0 && (
          <table data-testid="sets">
            <thead><tr><th scope="col">Set</th><th scope="col">Leaves</th><th scope="col">Pepper</th><th scope="col">Root</th><th scope="col">Committed</th></tr></thead>
            <tbody>
              {sets.data.slice().reverse().map((e) => (
                <tr>
                  <th scope="row">{e.payload.setId}</th>
                  <td>{e.payload.size}</td>
                  <td>v{e.payload.pepperVersion}</td>
                  <td><code title={e.payload.root}>{e.payload.root.slice(0, 16)}…</code></td>
                  <td>{when(e.occurredAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={`Proof jobs (latest ${LIMIT})`} id="jobs">
        <ErrorBox error={error} />
        {!jobs && !error && <Loading what="jobs" />}
        {jobs && jobs.length === 0 && <p>No proof job yet: partners submit them with <code>POST /v1/zk/jobs</code> (the SDKs' <code>submitProofJob</code>).</p>}
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

function JobRow({ job: j }: { job: JobView }) {
  const [verdict, setVerdict] = useState<'checking' | 'valid' | 'invalid' | undefined>();
  const [error, setError] = useState<unknown>();
  const verify = async () => {
    if (!j.result) return;
    setVerdict('checking');
    setError(undefined);
    try {
      const [vk, snarkjs] = await Promise.all([api('GET', `/v1/zk/verification-keys/${encodeURIComponent(j.result.circuit)}`), import('snarkjs')]);
      setVerdict((await snarkjs.groth16.verify(vk, j.result.publicSignals, j.result.proof)) ? 'valid' : 'invalid');
    } catch (e) {
      setVerdict(undefined);
      setError(e);
    }
  };
  return (
    <tr data-testid="job" data-job={j.jobId} data-status={j.status}>
      <th scope="row"><code>{j.jobId}</code><div class="muted">{when(j.timings.requestedAt)}</div></th>
      <td>{j.counterparty}/{j.setId}</td>
      <td><Badge kind={j.status === 'done' ? 'ok' : j.status === 'failed' ? 'bad' : 'warn'}>{j.status}</Badge></td>
      <td>{j.timings.totalMs !== null ? `${j.timings.totalMs} ms` : '…'}{j.timings.proveMs !== null ? <div class="muted">prove {Math.round(j.timings.proveMs)} ms</div> : null}</td>
      <td data-testid="job-result">{j.result ? (j.result.overlap ? 'in the set' : 'not in the set') : j.error ?? '—'}</td>
      <td>
        {j.result && (
          <>
            <button type="button" onClick={verify} disabled={verdict === 'checking'} data-testid="verify">
              Verify in browser
            </button>{' '}
            <span role="status" data-testid="verdict">
              {verdict === 'checking' ? 'verifying…' : verdict === 'valid' ? '✓ proof valid' : verdict === 'invalid' ? '✗ proof invalid' : ''}
            </span>
            <div class="muted">{j.result.circuit}</div>
          </>
        )}
        <ErrorBox error={error} />
      </td>
    </tr>
  );
}
