import { jobs, loadMatrix, shardOf } from './matrix';

describe('CI runtime matrix', () => {
  const m = loadMatrix();
  test('devices cpu/gpu × os linux/macos, minus exclusions, × shards; the baseline is in the matrix', () => {
    expect(m.devices).toEqual(['cpu', 'gpu']);
    expect(m.os).toEqual(['linux', 'macos']);
    const js = jobs(m);
    expect(js).toHaveLength((4 - m.exclude.length) * m.shards);
    expect(js.some((j) => j.device === m.baseline.device && j.os === m.baseline.os)).toBe(true);
    expect(new Set(js.map((j) => `${j.device}/${j.os}/${j.shard}`)).size).toBe(js.length);
  });
  test('each fixture lands in exactly one shard, stable and spread', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `fx-${i}`);
    const counts = Array.from({ length: m.shards }, () => 0);
    for (const id of ids) counts[shardOf(id, m.shards)]++;
    for (const c of counts) expect(c).toBeGreaterThan(1000 / m.shards / 2);
    expect(shardOf('fx-42', 4)).toBe(shardOf('fx-42', 4));
  });
});
