/** Home: who is signed in, where to go, and the SLO state at a glance. */
import { api, ApiError, type Session } from '../api';
import { Badge, ErrorBox, Loading, Section, pct, useAsync } from '../ui';

interface Slo {
  slo: string;
  service: string;
  description: string;
  objective: number;
  budgetRemaining: number;
  alerts: { severity: string; alert: string; firing: boolean }[];
}

export function Home({ session }: { session: Session }) {
  const slo = useAsync(() => api<{ asOf: string; slos: Slo[] }>('GET', '/v1/ops/slo'), []);
  const forbidden = slo.error instanceof ApiError && slo.error.status === 403;
  return (
    <>
      <h1>Console</h1>
      <p>
        Signed in to tenant <strong>{session.tenant}</strong> as <strong>{session.role}</strong>
        {session.role === 'auditor' ? ' — you can read every page; changes are not offered to auditors.' : '.'}
      </p>
      <div class="grid">
        <Section title="LAC Studio">
          <p>Policies and their versions, new policies from bundles, the decision tester, diffs, previews and promotion.</p>
          <p><a href="#/studio">Open the Studio</a> · <a href="#/analytics">Author analytics</a></p>
        </Section>
        <Section title="PCQ workbench">
          <p>A release's anomalies grouped by cluster, their diffs and runbooks, label overrides, agreement across runtimes.</p>
          <p><a href="#/pcq">Open the workbench</a> · <a href="/ui/pcq/timeline">Release timeline</a></p>
        </Section>
        <Section title="ZK-TX jobs">
          <p>Committed sets and proof jobs with status, latency and result; verify a proof in your browser.</p>
          <p><a href="#/zk">Open the jobs</a></p>
        </Section>
      </div>
      <Section title="Service level objectives" id="slo">
        {slo.loading && <Loading what="SLOs" />}
        {forbidden && <p class="muted">The SLO state spans every tenant: auditor and admin keys see it here and on the <a href="/ui/ops/slo">SLO page</a>.</p>}
        {!forbidden && <ErrorBox error={slo.error} />}
        {slo.data && (
          <table data-testid="slo-table">
            <caption class="sr-only">SLO state as of {slo.data.asOf}</caption>
            <thead>
              <tr><th scope="col">SLO</th><th scope="col">Objective</th><th scope="col">Budget left</th><th scope="col">State</th></tr>
            </thead>
            <tbody>
              {slo.data.slos.map((s) => {
                const firing = s.alerts.filter((a) => a.firing);
                return (
                  <tr>
                    <th scope="row" title={s.description}>{s.slo}</th>
                    <td>{pct(s.objective, 2)}</td>
                    <td>{pct(s.budgetRemaining)}</td>
                    <td>{firing.length ? <Badge kind="bad">{firing.map((a) => `${a.severity}: ${a.alert}`).join(', ')}</Badge> : s.budgetRemaining < 0.25 ? <Badge kind="warn">budget low</Badge> : <Badge kind="ok">ok</Badge>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {slo.data && <p><a href="/ui/ops/slo">The SLO page</a>: burn rates, open alerts and runbooks.</p>}
      </Section>
    </>
  );
}
