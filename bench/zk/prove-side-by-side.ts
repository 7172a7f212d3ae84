/**
 * Native prover vs raw snarkjs on the same inputs, interleaved (native, snarkjs, native, …) so the
 * machine's drift hits both alike. Used twice by make bench-zk:
 *  - one core each: this file run as a script under `taskset -c 0`, so the native process (one
 *    thread) and snarkjs (its curve worker threads included) both get exactly one core — the issue's
 *    "native, one thread vs snarkjs, one worker" without snarkjs quietly using the second core;
 *  - all cores: called in-process with a two-thread native process against snarkjs' default threads.
 * As a script: argv[2] is a JSON file {binary, check: inputs[], batch4: inputs[]}; the result is the
 * last stdout line (JSON).
 */
import { readFileSync } from 'node:fs';
import { artifactPaths, type CircuitName } from '../../streams/zk/artifacts';
import { NativeProverProcess } from '../../streams/zk/native-prover';
import { releaseCurves, snarkjs } from '../../streams/zk/snarkjs';

export interface SideBySide {
  native: number[];
  snarkjs: number[];
  witness: number[];
  /** mean CPU ms per proof: native process; this process (snarkjs and its curve threads) */
  nativeCpu: number;
  snarkjsCpu: number;
}

/** CPU time a process has used (ms), from /proc (Linux): other work on a shared machine stretches wall time, not this. */
export function processCpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}
const ownCpuMs = () => {
  const u = process.cpuUsage(); // this process and its threads (snarkjs' curve workers are threads)
  return (u.user + u.system) / 1000;
};

export async function nativeVsSnarkjs(circuit: CircuitName, inputs: Record<string, unknown>[], native: NativeProverProcess): Promise<SideBySide> {
  const paths = artifactPaths(circuit);
  const out: SideBySide = { native: [], snarkjs: [], witness: [], nativeCpu: 0, snarkjsCpu: 0 };
  for (const input of inputs) {
    let c = processCpuMs(native.child.pid!);
    let t = performance.now();
    const r = await native.prove(circuit, input);
    if (!r.ok) throw new Error(`native prove failed: ${r.error}`);
    out.native.push(performance.now() - t);
    out.nativeCpu += (processCpuMs(native.child.pid!) - c) / inputs.length;
    out.witness.push(r.witnessMs ?? 0);
    c = ownCpuMs();
    t = performance.now();
    await snarkjs().groth16.fullProve(input, paths.wasm, paths.zkey);
    out.snarkjs.push(performance.now() - t);
    out.snarkjsCpu += (ownCpuMs() - c) / inputs.length;
  }
  return out;
}

/** Warm-up (wasm compile, curve threads, key load), then check and batch4 side by side. */
export async function sideBySide(binary: string, threads: number, check: Record<string, unknown>[], batch4: Record<string, unknown>[]) {
  const native = new NativeProverProcess({ binary, threads });
  await native.ready;
  try {
    await nativeVsSnarkjs('check', check.slice(0, 1), native);
    return { check: await nativeVsSnarkjs('check', check, native), batch4: await nativeVsSnarkjs('batch4', batch4, native) };
  } finally {
    await native.close();
  }
}

async function script(file: string) {
  const { binary, check, batch4 } = JSON.parse(readFileSync(file, 'utf8'));
  const result = await sideBySide(binary, 1, check, batch4);
  await releaseCurves();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

if (require.main === module) void script(process.argv[2]);
