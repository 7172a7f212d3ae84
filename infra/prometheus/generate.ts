/**
 * Writes the Prometheus rules and their promtool tests from infra/slo.yaml.
 *   node -r ./test/support/swc-register.js infra/prometheus/generate.ts           (write)
 *   node -r ./test/support/swc-register.js infra/prometheus/generate.ts --check   (exit 1 when stale)
 */
import { Command } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { loadSloSpec, sloSpecPath, type SloSpec } from '../../projections/ops/slo-spec';
import { generateRules } from './rules';
import { generateRuleTests } from './rule-tests';
import { loadProfiles, scaleSpec, type ObserveProfile } from './profiles';

export const RULES_FILE = 'slo-rules.yml';
export const TESTS_FILE = join('tests', 'slo-burn.test.yml');
export const DRILL_RULES_FILE = join('drill', 'slo-rules.yml');

const header = (what: string): string =>
  `# GENERATED from infra/slo.yaml by infra/prometheus/generate.ts (make slo-rules) — do not edit.\n# ${what}\n`;

const toYaml = (doc: unknown): string => stringify(doc, { lineWidth: 0, singleQuote: false });

/** The generated files' contents, keyed by path relative to infra/prometheus/. */
export function renderGenerated(spec: SloSpec, drill: ObserveProfile = loadProfiles().drill, live: ObserveProfile = loadProfiles().live): Record<string, string> {
  return {
    [DRILL_RULES_FILE]:
      header(`The drill profile (observe.drill in slo.yaml): the same alerts, every window and for: divided by ${drill.scale}, evaluated every ${drill.evaluationInterval}.`) +
      toYaml(generateRules(scaleSpec(spec, drill.scale), { interval: drill.evaluationInterval, labels: { profile: 'drill' } })),
    [RULES_FILE]: header('Recording rules (error ratio per SLO and window) and multiwindow multi-burn-rate alerts.') + toYaml(generateRules(scaleSpec(spec, live.scale), { interval: live.evaluationInterval })),
    [TESTS_FILE]: header('promtool unit tests: each alert fires on a synthetic burn and stays quiet on normal traffic.') + toYaml(generateRuleTests(spec, `../${RULES_FILE}`)),
  };
}

/** Paths (relative to infra/prometheus/) whose committed content differs from what slo.yaml generates. */
export function staleFiles(dir: string, spec: SloSpec): string[] {
  return Object.entries(renderGenerated(spec))
    .filter(([file, text]) => {
      try {
        return readFileSync(join(dir, file), 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(([file]) => file);
}

function main(opts: { check: boolean }): number {
  const dir = __dirname;
  const spec = loadSloSpec();
  if (opts.check) {
    const stale = staleFiles(dir, spec);
    for (const f of stale) console.error(`stale: infra/prometheus/${f} does not match ${relative(process.cwd(), sloSpecPath())}; run make slo-rules`);
    return stale.length ? 1 : 0;
  }
  for (const [file, text] of Object.entries(renderGenerated(spec))) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
    console.log(`wrote infra/prometheus/${file}`);
  }
  return 0;
}

if (require.main === module) {
  const { check } = new Command('generate')
    .description('write the Prometheus rules and their tests generated from infra/slo.yaml')
    .option('--check', 'write nothing; exit 1 when a committed file differs from what slo.yaml generates', false)
    .parse(process.argv)
    .opts<{ check: boolean }>();
  process.exitCode = main({ check });
}
