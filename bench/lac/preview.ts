/**
 * Blast-radius preview over 1,000,000 recorded decisions. The history read model is filled through
 * the projection's own `recordDecision` (same SQL, same encoding) with decisions drawn from a pool
 * of distinct requests with a Zipf-like skew over 30 days (real access traffic repeats itself);
 * then the preview is timed end to end (SQL scan + decode + both engines + tallies + risk), next to
 * the raw grouped SQL scan alone (its ceiling).
 */
import { mulberry32 } from '../../streams/seeded-random';
import { performance } from 'node:perf_hooks';
import { DAY_MS, HISTORY_DDL, historySince, loadHistorySince, recordDecision, toRecorded } from '../../projections/lac/history';
import { SqliteReadModels } from '../../projections/store/sqlite-store';
import type { DecisionEngine } from '../../streams/lac/engine/engine';
import { normaliseRequest } from '../../streams/lac/model/request';
import type { AccessRequest } from '../../streams/lac/model/types';
import { computeBlastRadius } from '../../streams/lac/preview/blast-radius';
import { semanticDiff } from '../../streams/lac/diff/semantic-diff';
import { loadCostModel } from '../../streams/lac/preview/cost';


export function buildPool(size: number, seed = 7): AccessRequest[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const pool: AccessRequest[] = [];
  const datasets = ['sales.orders', 'crm.contacts', 'hr.payroll', 'graph.accounts', 'web.sessions', 'finance.ledger'];
  for (let i = 0; i < size; i++) {
    const action = pick(['query', 'query', 'query', 'traverse', 'export']);
    const classification = pick(['P0', 'P1', 'P2', 'P2', 'P3', 'P3']);
    const p1 = classification === 'P0' || classification === 'P1';
    const raw = {
      subject: { id: `u${Math.floor(r() * 5000)}`, tenant: r() < 0.97 ? 'acme' : 'globex', groups: r() < 0.8 ? ['analysts', ...(r() < 0.2 ? ['exporters'] : [])] : ['engineers'], clearance: pick(['P0', 'P1', 'P1', 'P2']) },
      action,
      resource: {
        dataset: pick(datasets), tenant: 'acme', classification, region: r() < 0.95 ? 'eu-west-1' : 'us-east-1',
        ...(r() < 0.1 ? { license: pick(['cc-by-nc', 'partner-only']) } : {}),
        fields: [{ name: 'id', tags: [] }, { name: 'email', tags: r() < 0.5 ? ['pii'] : [] }, { name: 'amount', tags: ['finance'] }],
      },
      context: {
        purpose: pick(['analytics', 'reporting', 'fraud-investigation', 'audit']),
        ...(p1 ? { reason: r() < 0.8 ? 'ticket FRAUD-1234 review' : 'short', aggregateGroupSize: r() < 0.7 ? 5 + Math.floor(r() * 100) : undefined } : {}),
        rows: Math.floor(r() * 20000),
        ...(action === 'traverse' ? { hops: Math.floor(r() * 5) } : {}),
      },
    };
    const n = normaliseRequest(JSON.parse(JSON.stringify(raw)));
    if (n.ok) pool.push(n.request);
  }
  return pool;
}

export async function loadHistory(db: SqliteReadModels, active: DecisionEngine, opts: { decisions: number; pool: AccessRequest[]; now: number; seed?: number }) {
  const r = mulberry32(opts.seed ?? 11);
  const pairs = new Map<number, number>();
  const { pool } = opts;
  // Zipf-like: index = pool × u^3 concentrates traffic on the head of the pool.
  for (let i = 0; i < opts.decisions; i++) {
    const idx = Math.floor(pool.length * r() ** 3);
    const day = Math.floor(r() * 30);
    const key = idx * 32 + day;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  const allowed = pool.map((q) => active.allows(q));
  const recorded = pool.map(toRecorded);
  let position = 0;
  await db.transaction(async (tx) => {
    for (const [key, count] of pairs) {
      const idx = Math.floor(key / 32);
      const day = key % 32;
      position += count;
      await recordDecision(tx, { tenant: 'acme', policyId: 'bench', position, atMs: opts.now - day * DAY_MS, allowed: allowed[idx], request: recorded[idx], count });
    }
  });
  return { dayRows: pairs.size, distinctUsed: new Set([...pairs.keys()].map((k) => Math.floor(k / 32))).size };
}

export async function measurePreview(engines: { active: DecisionEngine; candidate: DecisionEngine }, decisions = 1_000_000, poolSize = 100_000) {
  const db = new SqliteReadModels(':memory:');
  await db.exec(HISTORY_DDL);
  const now = Date.UTC(2026, 10, 28);
  const pool = buildPool(poolSize);
  const t0 = performance.now();
  const loaded = await loadHistory(db, engines.active, { decisions, pool, now });
  const loadS = (performance.now() - t0) / 1000;
  const from = now - 30 * DAY_MS;
  const cost = loadCostModel();
  const runs: number[] = [];
  let radius;
  let diffMs = 0;
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    // What a preview computes: the semantic diff (from scratch, no cache) and the replay, risk v2 taking both in.
    const semantic = semanticDiff(engines.active.policy, engines.candidate.policy);
    diffMs = semantic.durationMs;
    radius = computeBlastRadius(await loadHistorySince(db, 'acme', 'bench', from), engines.candidate, engines.active, cost, semantic);
    runs.push((performance.now() - s) / 1000);
  }
  const scans: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    let n = 0;
    for await (const g of historySince(db, 'acme', 'bench', from)) n += g.count;
    if (n !== decisions) throw new Error(`scan saw ${n} decisions, expected ${decisions}`);
    scans.push((performance.now() - s) / 1000);
  }
  await db.close();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { previewS: med(runs), scanOnlyS: med(scans), loadS, poolSize: pool.length, ...loaded, radius: radius!, diffMs };
}
