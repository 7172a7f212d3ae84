/**
 * pcq.triage — labels each anomaly of a fixture stream with the committed model, and re-triages
 * when a later replay on the same comparison (same kind, releases and runtimes, another run) passes:
 * the retry reproduced the reference, so the new AnomalyTriaged (retry_reproduced=1) supersedes the
 * first label. A human override (TriageOverridden) is final: no re-triage after it.
 */
import type { RecordedEvent } from '../../schemas/envelope';
import { defineProcessor, noChange, type Decision, byStream } from '../runtime/processor';
import { runtimeName, type AnomalyDetected, type AnomalyTriaged, type CheckKind, type ReproducibilityChecked, type RunRef, type TriageOverridden } from './events/types';
import { triage } from './triage/triage';

/** An anomaly still waiting for a retry (settled ones leave the state). */
interface OpenAnomaly {
  pair: string;
  subjectRunId: string;
  referenceRunId: string;
  label: string;
  features: Record<string, number>;
  release: string;
  fixtureId: string;
}
export interface TriageState {
  anomalies: Record<string, OpenAnomaly>;
}

/** The comparison an anomaly belongs to, whatever runs filled it. */
export const pairOf = (kind: CheckKind, s: RunRef, r: RunRef) => `${kind}|${s.release}|${runtimeName(s.runtime)}|${r.release}|${runtimeName(r.runtime)}`;

function labelled(e: RecordedEvent, a: { anomalyId: string; fixtureId: string; release: string }, features: Record<string, number>, extra: Pick<AnomalyTriaged, 'trigger' | 'supersedesLabel' | 'retryRunId'>) {
  const t = triage(features);
  const payload: AnomalyTriaged = {
    anomalyId: a.anomalyId,
    fixtureId: a.fixtureId,
    release: a.release,
    label: t.label,
    confidence: t.confidence,
    probabilities: t.probabilities,
    runbook: t.runbook,
    needsReview: t.needsReview,
    modelVersion: t.modelVersion,
    evidence: t.evidence,
    features,
    ...extra,
  };
  return { type: 'AnomalyTriaged', stream: e.stream, tenant: e.tenant, payload, idSuffix: `triage:${a.anomalyId}` };
}

function onDetected(state: TriageState, e: RecordedEvent<AnomalyDetected>): Decision<TriageState> {
  const a = e.payload;
  const out = labelled(e, a, a.features, { trigger: 'detected', supersedesLabel: null, retryRunId: null });
  const open: OpenAnomaly = {
    pair: pairOf(a.kind, a.subject, a.reference),
    subjectRunId: a.subject.runId,
    referenceRunId: a.reference.runId,
    label: out.payload.label,
    features: a.features,
    release: a.release,
    fixtureId: a.fixtureId,
  };
  return { state: { anomalies: { ...state.anomalies, [a.anomalyId]: open } }, emit: [out] };
}

function onChecked(state: TriageState, e: RecordedEvent<ReproducibilityChecked>): Decision<TriageState> {
  const c = e.payload;
  if (!c.passed) return noChange(state);
  const pair = pairOf(c.kind, c.subject, c.reference);
  const anomalies = { ...state.anomalies };
  const emit = [];
  for (const [anomalyId, a] of Object.entries(state.anomalies).sort()) {
    if (a.pair !== pair) continue;
    const retryRunId = c.subject.runId !== a.subjectRunId ? c.subject.runId : c.reference.runId !== a.referenceRunId ? c.reference.runId : null;
    if (retryRunId === null) continue;
    const out = labelled(e, { anomalyId, fixtureId: a.fixtureId, release: a.release }, { ...a.features, retry_reproduced: 1 }, {
      trigger: 'retry_reproduced',
      supersedesLabel: a.label,
      retryRunId,
    });
    delete anomalies[anomalyId]; // settled: nothing can re-triage it again, so the state stays small
    emit.push(out);
  }
  return { state: { anomalies }, emit };
}

export const triageProcessor = defineProcessor<TriageState>({
  name: 'pcq.triage',
  inputs: ['AnomalyDetected', 'ReproducibilityChecked', 'TriageOverridden'],
  keyOf: byStream,
  initialState: () => ({ anomalies: {} }),
  handle(state, e) {
    if (e.type === 'AnomalyDetected') return onDetected(state, e as RecordedEvent<AnomalyDetected>);
    if (e.type === 'ReproducibilityChecked') return onChecked(state, e as RecordedEvent<ReproducibilityChecked>);
    if (e.type === 'TriageOverridden') {
      const o = (e as RecordedEvent<TriageOverridden>).payload;
      const a = state.anomalies[o.anomalyId];
      if (!a) return noChange(state);
      const { [o.anomalyId]: _final, ...rest } = state.anomalies; // a person's label is final
      return { state: { anomalies: rest }, emit: [] };
    }
    return noChange(state);
  },
});
