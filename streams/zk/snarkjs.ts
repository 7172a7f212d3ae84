/** The part of snarkjs ZK-TX uses (snarkjs ships no types). */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

export interface Snarkjs {
  groth16: {
    fullProve(input: Record<string, unknown>, wasm: string | { type: 'mem'; data: Uint8Array }, zkey: string | { type: 'mem'; data: Uint8Array }): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: string[], proof: Groth16Proof): Promise<boolean>;
  };
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
export const snarkjs = (): Snarkjs => require('snarkjs') as Snarkjs;

/** Stops ffjavascript's curve worker threads so a process or worker can exit. */
export async function releaseCurves(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    g.curve_bn128 = null;
  }
}
