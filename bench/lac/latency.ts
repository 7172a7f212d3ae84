/**
 * Compiled vs interpreted decision latency, side by side in one run: the same requests, interleaved
 * rounds so both see the same machine noise. Each timing is one full decide on raw JSON
 * (normalisation + evaluation + response), measured with hrtime.
 */
import { decideRaw, type DecisionEngine } from '../../streams/lac/engine/engine';
import { normaliseRequest } from '../../streams/lac/model/request';

export interface LatencyFigures {
  p50_us: number;
  p99_us: number;
  mean_us: number;
  samples: number;
}

function percentiles(ns: Float64Array): LatencyFigures {
  const sorted = Float64Array.from(ns).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length / 1000;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50_us: r(at(0.5)), p99_us: r(at(0.99)), mean_us: r(mean), samples: sorted.length };
}

export function measureLatency(engines: { compiled: DecisionEngine; interpreted: DecisionEngine }, requests: unknown[], perEngine = 200_000) {
  const rounds = 10;
  const perRound = Math.floor(perEngine / rounds);
  const out = { compiled: new Float64Array(perRound * rounds), interpreted: new Float64Array(perRound * rounds), normaliseOnly: new Float64Array(perRound * rounds) };
  const idx = { compiled: 0, interpreted: 0, normaliseOnly: 0 };
  let sink = 0;
  // Warm-up: let V8 optimise both paths before timing.
  for (let i = 0; i < 20_000; i++) {
    sink += decideRaw(engines.compiled, requests[i % requests.length]).reasons.length;
    sink += decideRaw(engines.interpreted, requests[i % requests.length]).reasons.length;
  }
  for (let round = 0; round < rounds; round++) {
    for (const kind of ['compiled', 'interpreted', 'normaliseOnly'] as const) {
      const arr = out[kind];
      for (let i = 0; i < perRound; i++) {
        const q = requests[(round * perRound + i) % requests.length];
        const t0 = process.hrtime.bigint();
        if (kind === 'normaliseOnly') sink += normaliseRequest(q).ok ? 1 : 0;
        else sink += decideRaw(engines[kind], q).reasons.length;
        arr[idx[kind]++] = Number(process.hrtime.bigint() - t0);
      }
    }
  }
  if (sink === -1) console.log(sink);
  return { compiled: percentiles(out.compiled), interpreted: percentiles(out.interpreted), normaliseOnly: percentiles(out.normaliseOnly) };
}
