/**
 * LAC application service: the I/O edge around the pure parts. It reads the policy stream and the
 * read models, calls the lifecycle's command functions and the engines, and appends the events
 * through the service's ingest with optimistic concurrency on the policy stream.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ServiceContext, Principal } from '../context';
import type { NewEvent, RecordedEvent } from '../../schemas/envelope';
import { PreconditionError, TransientError, ValidationError } from '../../schemas/errors';
import { handleCommand, type CommandStream, type Decision } from '../command-handler';
import { activeVersion, storedPreview, storedVersion } from '../../projections/lac/policies';
import { DAY_MS, lastDecisionPosition, loadHistorySince, toRecorded } from '../../projections/lac/history';
import { compilePolicy, type DecisionEngine } from '../../streams/lac/engine/engine';
import { normaliseRequest } from '../../streams/lac/model/request';
import type { DecideResponse, Locale, PolicyProblem } from '../../streams/lac/model/types';
import { POLICY_ID, validatePolicy } from '../../streams/lac/model/validate';
import { computeBlastRadius } from '../../streams/lac/preview/blast-radius';
import { DiffTooLargeError, METHOD, semanticDiff, type SemanticDiff } from '../../streams/lac/diff/semantic-diff';
import { loadCostModel, type CostModel } from '../../streams/lac/preview/cost';
import { decisionStream, policyStream, type AccessDecidedPayload, type BlastRadiusPayload, type PolicyPreviewedPayload } from '../../streams/lac/events/types';
import { blockStale, draft, fold, promote, recordPreview, requireValidVersion, type Emit, type LifecycleState } from '../../streams/lac/lifecycle/policy-lifecycle';

export const DEFAULT_WINDOW_DAYS = 30;
const MAX_ATTEMPTS = 4;

type PromoteResult = { promoted: true; policy: { id: string; version: string }; previousVersion: string | null; acknowledged: boolean; preview: BlastRadiusPayload };

export interface Caller {
  principal: Principal;
  author: string;
  sessionId?: string;
  locale: Locale;
}

export interface DraftResult {
  policyId: string;
  version: string;
  valid: boolean;
  origin: 'bundle' | 'scratch';
  sessionId: string;
  problems: PolicyProblem[];
}

/** Canonical JSON (sorted keys): the same document always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class LacService {
  private readonly engines = new Map<string, DecisionEngine>();
  private readonly cost: CostModel;

  constructor(private readonly ctx: ServiceContext, opts: { costModel?: CostModel; now?: () => number } = {}) {
    this.cost = opts.costModel ?? loadCostModel();
    this.now = opts.now ?? Date.now;
  }
  private readonly now: () => number;

  // ---- policy stream ------------------------------------------------------------------------

  private async readPolicy(tenant: string, policyId: string): Promise<LifecycleState> {
    const stream = policyStream(tenant, policyId);
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await this.ctx.log.readStream(stream, events.length + 1, 1000);
      events.push(...page);
      if (page.length < 1000) break;
    }
    return fold(events);
  }

  /** A policy's stream for handleCommand: folded to its lifecycle state; `settleFirst`: after read models caught up. */
  private policyStream(p: Principal, policyId: string, settleFirst = false): CommandStream<LifecycleState, Emit> {
    return {
      read: async () => {
        if (settleFirst) await this.settle();
        const state = await this.readPolicy(p.tenant, policyId);
        return { state, version: state.streamVersion };
      },
      append: async (expectedVersion, emits) => void (await this.append(p, policyStream(p.tenant, policyId), expectedVersion, [...emits])),
    };
  }

  private async append(p: Principal, stream: string, expectedVersion: number, emits: Emit[]): Promise<number> {
    const at = new Date(this.now()).toISOString();
    const events: NewEvent[] = emits.map((e, i) => ({ type: e.type, stream, tenant: p.tenant, occurredAt: at, payload: e.payload, ...(i === 0 ? { expectedVersion } : {}) }));
    const results = await this.ctx.ingest(p, events);
    const last = results[results.length - 1].position;
    await this.ctx.settled(last);
    return last;
  }

  private async settle(): Promise<void> {
    await this.ctx.settled(await this.ctx.log.head());
  }

  // ---- draft --------------------------------------------------------------------------------

  async draft(c: Caller, raw: unknown): Promise<DraftResult> {
    const { policy, problems } = validatePolicy(raw, c.locale);
    const doc = raw as Record<string, unknown>;
    const policyId = typeof doc?.id === 'string' && POLICY_ID.test(doc.id) ? doc.id : undefined;
    const version = typeof doc?.version === 'string' && /^\d+\.\d+\.\d+/.test(doc.version) && doc.version.length <= 64 ? doc.version : undefined;
    if (!policyId || !version) {
      // Without an id and a version there is no stream to record the draft on.
      throw new ValidationError(fieldProblems(problems));
    }
    const document = canonicalJson(raw);
    const origin = Array.isArray(doc.bundles) && doc.bundles.length > 0 ? 'bundle' : 'scratch';
    const sessionId = c.sessionId ?? `${c.author}:${policyId}@${version}`;
    return handleCommand(
      this.policyStream(c.principal, policyId),
      (state) => ({
        events: draft(state, { policyId, version, document, documentHash: sha256(document), origin, author: c.author, sessionId, locale: c.locale, problems }),
        result: () => ({ policyId, version, valid: !!policy, origin, sessionId, problems }),
      }),
      { retry: { onVersionConflict: MAX_ATTEMPTS } },
    );
  }

  // ---- engines ------------------------------------------------------------------------------

  /** The compiled engine of a stored, valid version (cached by document hash). */
  async engineFor(tenant: string, policyId: string, version: string): Promise<DecisionEngine> {
    const stored = await storedVersion(this.ctx.readModels, tenant, policyId, version);
    if (!stored) throw new ValidationError([{ field: 'policy', problem: `policy '${policyId}' has no version ${version}; draft it with POST /v1/lac/policies` }]);
    if (stored.valid !== true) throw new PreconditionError(`version ${version} of '${policyId}' is not valid`, { policyId, version, problems: fieldProblems(stored.problems) });
    const key = `${tenant}\u0000${policyId}\u0000${version}\u0000${stored.documentHash}`;
    let engine = this.engines.get(key);
    if (!engine) {
      const { policy } = validatePolicy(JSON.parse(stored.document));
      engine = compilePolicy(policy!);
      this.engines.set(key, engine);
    }
    return engine;
  }

  // ---- decide -------------------------------------------------------------------------------

  /** POST /v1/lac/decide: the body's shape was checked against the spec at the HTTP edge (LacDecideRequest). */
  async decide(c: Caller, body: { policy: PolicyRef; request: unknown }): Promise<DecideResponse> {
    // The engine reads the request as it reads any caller's: own properties only, fail closed.
    const n = normaliseRequest(body.request, 'request');
    if (!n.ok) throw new ValidationError(n.problems);
    const tenant = c.principal.tenant;
    const ref = body.policy;
    let engine: DecisionEngine;
    let record = true;
    if (typeof ref === 'string') {
      const active = await activeVersion(this.ctx.readModels, tenant, ref);
      if (!active) throw new ValidationError([{ field: 'policy', problem: `policy '${ref}' has no promoted version; promote one, or name a version {id, version}` }]);
      engine = await this.engineFor(tenant, ref, active);
    } else if (isVersionRef(ref)) {
      engine = await this.engineFor(tenant, ref.id, ref.version);
    } else {
      const { policy, problems } = validatePolicy(ref, c.locale);
      if (!policy) throw new ValidationError(fieldProblems(problems, 'policy.'));
      engine = compilePolicy(policy);
      record = false; // an inline document's decisions are not history
    }
    const response = engine.decide(n.request, c.locale);
    if (record) {
      const payload: AccessDecidedPayload = {
        policyId: engine.policy.id,
        policyVersion: engine.policy.version,
        mode: engine.policy.mode,
        decision: response.decision,
        codes: response.reasons.map((r) => r.code),
        request: toRecorded(n.request),
      };
      await this.ctx.ingest(c.principal, [{ type: 'AccessDecided', stream: decisionStream(tenant, engine.policy.id), tenant, occurredAt: new Date(this.now()).toISOString(), payload }]);
    }
    return response;
  }

  // ---- preview ------------------------------------------------------------------------------

  async preview(c: Caller, policyId: string, version: string, opts: { windowDays?: number } = {}): Promise<BlastRadiusPayload> {
    // 1 to 366 days over HTTP (the spec, checked at the edge).
    const windowDays = opts.windowDays ?? DEFAULT_WINDOW_DAYS;
    const tenant = c.principal.tenant;
    return handleCommand(this.policyStream(c.principal, policyId, true), async (state) => {
      const { documentHash } = requireValidVersion(state, policyId, version);
      const candidate = await this.engineFor(tenant, policyId, version);
      const active = state.active ? await this.engineFor(tenant, policyId, state.active) : null;
      const asOfPosition = await lastDecisionPosition(this.ctx.readModels, tenant, policyId);
      const to = this.now();
      const from = to - windowDays * DAY_MS;
      const t0 = performance.now();
      // The semantic diff answers for every possible request, the replay for the recorded ones; risk v2 takes both.
      const semantic = active ? { fromVersion: active.policy.version, ...this.cachedDiff(active, candidate) } : null;
      const radius = computeBlastRadius(await loadHistorySince(this.ctx.readModels, tenant, policyId, from), candidate, active, this.cost, semantic);
      const previewId = `pv-${randomUUID()}`;
      const payload: BlastRadiusPayload = {
        previewId, policyId, version, activeVersion: state.active, documentHash,
        windowFrom: new Date(Math.floor(from / DAY_MS) * DAY_MS).toISOString(), windowTo: new Date(to).toISOString(), asOfPosition,
        decisionsReplayed: radius.decisionsReplayed, distinctRequests: radius.distinctRequests,
        allowToDeny: radius.allowToDeny, denyToAllow: radius.denyToAllow, widenedSensitive: radius.widenedSensitive,
        impactedDatasets: radius.impactedDatasets, impactedGroups: radius.impactedGroups, impactedUsers: radius.impactedUsers,
        impactedDatasetCount: radius.impactedDatasetCount, impactedGroupCount: radius.impactedGroupCount, impactedUserCount: radius.impactedUserCount,
        currency: radius.currency, costActive: radius.costActive, costCandidate: radius.costCandidate, costDelta: radius.costDelta,
        riskScore: radius.risk.score, riskLevel: radius.risk.level, riskFactors: JSON.stringify(radius.risk.factors),
        samples: radius.samples, durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
        semantic,
      };
      const previewed: PolicyPreviewedPayload = { previewId, policyId, version, activeVersion: state.active, windowDays, requestedBy: c.author, sessionId: c.sessionId ?? `${c.author}:${policyId}@${version}` };
      return { events: recordPreview(state, previewed, payload), result: () => payload };
    }, { retry: { onVersionConflict: MAX_ATTEMPTS } });
  }

  /** Diffs of two compiled versions, cached by document (a diff is a pure function of the two policies). */
  private readonly diffs = new Map<string, SemanticDiff>();
  private cachedDiff(from: DecisionEngine, to: DecisionEngine): SemanticDiff {
    const key = `${canonicalJson(from.policy)}\u0000${canonicalJson(to.policy)}`;
    let d = this.diffs.get(key);
    if (!d) {
      try {
        d = semanticDiff(from.policy, to.policy);
      } catch (err) {
        if (!(err instanceof DiffTooLargeError)) throw err;
        // Not computed: said plainly (complete: false), and risk v2 fails closed on it.
        d = { method: METHOD, complete: false, widenings: 0, narrowings: 0, widenedClassifications: [], narrowedClassifications: [], counterexamples: [], atoms: 0, queries: 0, durationMs: 0 };
      }
      if (this.diffs.size >= 64) this.diffs.delete(this.diffs.keys().next().value as string);
      this.diffs.set(key, d);
    }
    return d;
  }

  // ---- semantic diff ------------------------------------------------------------------------

  /**
   * POST /v1/lac/diff {from, to}: each side a policy id (its active version), {id, version} (a stored
   * version) or a whole policy document. Nothing is recorded: this is the authors' and CI's question.
   */
  async diff(c: Caller, body: { from: PolicyRef; to: PolicyRef }): Promise<{ from: { id: string; version: string }; to: { id: string; version: string } } & SemanticDiff> {
    const problems: { field: string; problem: string; code?: string }[] = [];
    const tenant = c.principal.tenant;
    // The forms were checked at the HTTP edge (LacDiffSide); what a schema cannot say: the policy or version exists.
    const side = async (field: 'from' | 'to'): Promise<DecisionEngine | undefined> => {
      const ref = body[field];
      if (typeof ref === 'string') {
        const active = await activeVersion(this.ctx.readModels, tenant, ref);
        if (!active) return void problems.push({ field, problem: `policy '${ref}' has no promoted version; name a version {id, version} or send a document` });
        return await this.engineFor(tenant, ref, active);
      }
      if (isVersionRef(ref)) {
        if (!(await storedVersion(this.ctx.readModels, tenant, ref.id, ref.version))) return void problems.push({ field, problem: `policy '${ref.id}' has no version ${ref.version}` });
        return await this.engineFor(tenant, ref.id, ref.version);
      }
      const { policy, problems: found } = validatePolicy(ref, c.locale);
      if (!policy) return void problems.push(...fieldProblems(found, `${field}.`));
      return compilePolicy(policy);
    };
    const from = await side('from');
    const to = await side('to');
    if (problems.length || !from || !to) throw new ValidationError(problems);
    return { from: { id: from.policy.id, version: from.policy.version }, to: { id: to.policy.id, version: to.policy.version }, ...this.cachedDiff(from, to) };
  }

  // ---- promote ------------------------------------------------------------------------------

  /** The acknowledgment's form (by, a reason of 10 characters, previewId) was checked at the HTTP edge (LacAcknowledgment). */
  async promote(c: Caller, policyId: string, version: string, body: Acknowledgment | Record<string, never> | undefined): Promise<PromoteResult> {
    const ack = body && 'previewId' in body ? (body as Acknowledgment) : undefined;
    const tenant = c.principal.tenant;
    const by = ack?.by ?? c.author;
    const sessionId = c.sessionId ?? `${c.author}:${policyId}@${version}`;
    // The preview this request computed itself (no acknowledgment given): decisions recorded while it
    // ran do not make it stale, or a policy taking decisions non-stop could never be promoted.
    let ownPreview: { previewId: string; asOfPosition: number } | undefined;
    const racing = () => new TransientError(`promotion of ${policyId}@${version} kept racing with concurrent changes; retry`);
    return handleCommand(this.policyStream(c.principal, policyId, true), async (state): Promise<Decision<Emit, PromoteResult>> => {
      const latestDecision = await lastDecisionPosition(this.ctx.readModels, tenant, policyId);
      const asOf = ownPreview && state.latestPreview[version] === ownPreview.previewId ? Math.min(latestDecision, ownPreview.asOfPosition) : latestDecision;
      const decision = promote(state, { policyId, version, by, sessionId, ack, latestDecisionPosition: asOf });
      if (decision.kind === 'needs-preview') {
        const fresh = await this.preview(c, policyId, version);
        if (!ack) ownPreview = fresh;
        if (decision.why !== 'stale' || !ack) return { again: true }; // a current preview now exists: decide again
        // An acknowledgment of a stale preview: the block is recorded (a command of its own), then refused.
        await handleCommand(this.policyStream(c.principal, policyId), (after) => ({
          events: blockStale(after, { policyId, version, by, sessionId }, fresh.previewId),
          result: () => undefined,
        }), { retry: { onVersionConflict: MAX_ATTEMPTS } });
        throw new PreconditionError(
          `preview ${ack.previewId} is stale (newer decisions, another promotion or an edit came after it); review the fresh preview ${fresh.previewId} and acknowledge it`,
          { reason: 'PREVIEW_STALE', staleId: ack.previewId, preview: fresh },
        );
      }
      return {
        events: decision.events,
        result: async () => {
          const preview = await this.storedPreviewBody(decision.previewId);
          if (decision.kind === 'blocked') {
            const why = decision.reason === 'ACK_REQUIRED'
              ? `risk is ${preview.riskLevel} (score ${preview.riskScore}): promoting needs an acknowledgment {by, reason, previewId: "${decision.previewId}"} of this preview`
              : `preview ${decision.previewId} belongs to another version`;
            throw new PreconditionError(why, { reason: decision.reason, preview });
          }
          return { promoted: true, policy: { id: policyId, version }, previousVersion: state.active, acknowledged: !!ack, preview };
        },
      };
    }, { retry: { onVersionConflict: MAX_ATTEMPTS - 1 }, exhausted: racing });
  }

  async storedPreviewBody(previewId: string): Promise<BlastRadiusPayload> {
    const stored = await storedPreview(this.ctx.readModels, previewId);
    if (!stored) throw new TransientError(`preview ${previewId} is not in the read model yet; retry`);
    return stored.body;
  }
}

/** A document's problems in the one error shape of the API (`details.problems: [{field, problem, code}]`). */
function fieldProblems(problems: readonly PolicyProblem[], prefix = ''): { field: string; problem: string; code: string }[] {
  return problems.map((p) => ({ field: `${prefix}${p.path}`, problem: p.message, code: p.code }));
}

type Acknowledgment = { by: string; reason: string; previewId: string };

/** A policy id (its active version), {id, version}, or a whole policy document. */
export type PolicyRef = string | { id: string; version: string } | Record<string, unknown>;

const isVersionRef = (ref: PolicyRef): ref is { id: string; version: string } =>
  typeof ref === 'object' && Object.keys(ref).length === 2 && typeof ref.id === 'string' && typeof ref.version === 'string';
