/**
 * The indexed ("low leaf") Merkle tree a committed set lives in (pure, deterministic).
 * Slot 0 holds the lower sentinel (value 0); slot j ≥ 1 holds the j-th smallest leaf; each slot's
 * node is Poseidon(value, next) where next is the following value (the last one's is p-1).
 * Unused slots are 0. A check of a query walks one path to its low leaf (largest value ≤ query):
 * equal → member; strictly between value and next → not a member. See circuits/lowleaf.circom.
 */
import { BN254_R } from './selector';

export const DEPTH = 16;
export const CAPACITY = (1 << DEPTH) - 1; // 65,535 leaves: slot 0 is the sentinel
export const MAX_VALUE = BN254_R - 1n;

export type Hash2 = (a: bigint, b: bigint) => bigint;

export interface CheckWitness {
  query: bigint;
  lowValue: bigint;
  lowNext: bigint;
  pathElements: bigint[];
  pathIndices: number[];
  overlap: boolean;
}

export class LowLeafTree {
  readonly values: bigint[]; // sorted, with the sentinel 0 first
  readonly levels: bigint[][]; // levels[0] = nodes of used slots; levels[DEPTH] = [root]
  private readonly zeros: bigint[];

  private constructor(values: bigint[], levels: bigint[][], zeros: bigint[]) {
    this.values = values;
    this.levels = levels;
    this.zeros = zeros;
  }

  /** Leaves are deduplicated and sorted; 0 and p-1 are reserved (validated by the caller). */
  static build(leaves: readonly bigint[], h: Hash2, depth = DEPTH): LowLeafTree {
    const sorted = [...new Set(leaves)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (sorted.length > (1 << depth) - 1) throw new RangeError(`a set holds at most ${(1 << depth) - 1} leaves`);
    const values = [0n, ...sorted];
    const zeros = [0n];
    for (let i = 0; i < depth; i++) zeros.push(h(zeros[i], zeros[i]));
    const levels: bigint[][] = [values.map((v, i) => h(v, i + 1 < values.length ? values[i + 1] : MAX_VALUE))];
    for (let l = 0; l < depth; l++) {
      const below = levels[l];
      const next: bigint[] = [];
      for (let i = 0; i < below.length; i += 2) next.push(h(below[i], i + 1 < below.length ? below[i + 1] : zeros[l]));
      levels.push(next);
    }
    return new LowLeafTree(values, levels, zeros);
  }

  get root(): bigint {
    return this.levels[this.levels.length - 1][0];
  }
  get size(): number {
    return this.values.length - 1;
  }
  get depth(): number {
    return this.levels.length - 1;
  }

  has(q: bigint): boolean {
    return this.values[this.lowIndex(q)] === q;
  }

  /** Index of the largest value ≤ q (binary search over the sorted values). */
  lowIndex(q: bigint): number {
    let lo = 0;
    let hi = this.values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.values[mid] <= q) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  witness(q: bigint): CheckWitness {
    const idx = this.lowIndex(q);
    const pathElements: bigint[] = [];
    const pathIndices: number[] = [];
    let i = idx;
    for (let l = 0; l < this.depth; l++) {
      const sib = i ^ 1;
      pathElements.push(sib < this.levels[l].length ? this.levels[l][sib] : this.zeros[l]);
      pathIndices.push(i & 1);
      i >>= 1;
    }
    const lowValue = this.values[idx];
    const lowNext = idx + 1 < this.values.length ? this.values[idx + 1] : MAX_VALUE;
    return { query: q, lowValue, lowNext, pathElements, pathIndices, overlap: lowValue === q };
  }
}

/** Circuit input of the single-check circuit. */
export function checkInput(root: bigint, w: CheckWitness): Record<string, unknown> {
  return {
    root: root.toString(),
    query: w.query.toString(),
    lowValue: w.lowValue.toString(),
    lowNext: w.lowNext.toString(),
    pathElements: w.pathElements.map(String),
    pathIndices: w.pathIndices.map(String),
  };
}

/** Circuit input of the k-check circuit; fewer than k witnesses are padded by repeating the first. */
export function batchInput(root: bigint, ws: CheckWitness[], k: number): Record<string, unknown> {
  if (ws.length < 1 || ws.length > k) throw new RangeError(`a batch holds 1..${k} checks`);
  const padded = [...ws];
  while (padded.length < k) padded.push(ws[0]);
  return {
    root: root.toString(),
    query: padded.map((w) => w.query.toString()),
    lowValue: padded.map((w) => w.lowValue.toString()),
    lowNext: padded.map((w) => w.lowNext.toString()),
    pathElements: padded.map((w) => w.pathElements.map(String)),
    pathIndices: padded.map((w) => w.pathIndices.map(String)),
  };
}
