import { mulberry32 } from '../seeded-random';
import { hasher, BN254_R } from './selector';
import { LowLeafTree, MAX_VALUE, type Hash2 } from './tree';

let h: Hash2;
beforeAll(async () => {
  h = await hasher();
});

const rootFrom = (w: ReturnType<LowLeafTree['witness']>) => {
  let cur = h(w.lowValue, w.lowNext);
  w.pathElements.forEach((sib, i) => (cur = w.pathIndices[i] ? h(sib, cur) : h(cur, sib)));
  return cur;
};

test('low-leaf witnesses prove membership and non-membership against the root', () => {
  const rnd = mulberry32(7);
  const leaves = Array.from({ length: 300 }, () => BigInt(Math.floor(rnd() * 2 ** 48)) * 10n ** 30n + 1n);
  const tree = LowLeafTree.build(leaves, h);
  expect(tree.size).toBe(new Set(leaves).size);
  for (const q of leaves.slice(0, 20)) {
    const w = tree.witness(q);
    expect(w.overlap).toBe(true);
    expect(w.lowValue).toBe(q);
    expect(rootFrom(w)).toBe(tree.root);
  }
  for (let i = 0; i < 20; i++) {
    const q = leaves[i] + 1n;
    const w = tree.witness(q);
    expect(w.overlap).toBe(false);
    expect(w.lowValue < q && q < w.lowNext).toBe(true);
    expect(rootFrom(w)).toBe(tree.root);
  }
  // beyond the largest leaf: the upper sentinel closes the gap
  const big = BN254_R - 5n;
  const w = tree.witness(big);
  expect(w.lowNext).toBe(MAX_VALUE);
  expect(rootFrom(w)).toBe(tree.root);
});

test('the root depends on the set only, not the order of the leaves', () => {
  const a = LowLeafTree.build([5n, 9n, 7n], h);
  const b = LowLeafTree.build([9n, 7n, 5n, 7n], h);
  expect(a.root).toBe(b.root);
  expect(LowLeafTree.build([5n, 9n], h).root).not.toBe(a.root);
});
