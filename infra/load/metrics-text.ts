/** Parses the Prometheus text exposition (GET /metrics) into the snapshot shape sli-counts.ts reads. */
import type { MetricSnapshot } from '../../projections/ops/sli-counts';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Histogram and summary series are grouped under their family name (from `# TYPE`). */
export function parseMetricsText(text: string): MetricSnapshot[] {
  const families = new Map<string, MetricSnapshot>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, series, rawLabels, value] = m;
    const family = [...types.keys()].find((f) => series === f || (types.get(f) === 'histogram' && /^(.*)_(bucket|count|sum)$/.exec(series)?.[1] === f)) ?? series;
    const labels: Record<string, string> = {};
    for (const l of (rawLabels ?? '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    if (!families.has(family)) families.set(family, { name: family, values: [] });
    families.get(family)!.values.push({ labels, value: Number(value), metricName: series });
  }
  return [...families.values()];
}

export async function fetchMetrics(baseUrl: string): Promise<MetricSnapshot[]> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return parseMetricsText(await res.text());
}
