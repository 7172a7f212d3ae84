/**
 * Runs the red-team corpus through both engines and scores it: wrong allows (expected deny, got
 * allow), wrong denies, reason-code and obligation mismatches, and any case where the compiled and
 * interpreted engines disagree on the whole response.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { compilePolicy, decideRaw, interpretPolicy, type DecisionEngine } from '../engine/engine';
import { loadPolicyText } from '../model/parse';
import type { DecideResponse } from '../model/types';
import type { CorpusCase } from './generate';

export const CORPUS_DIR = __dirname;

export function loadCorpusPolicies(dir = join(CORPUS_DIR, 'policies')): Map<string, { compiled: DecisionEngine; interpreted: DecisionEngine }> {
  const out = new Map<string, { compiled: DecisionEngine; interpreted: DecisionEngine }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const { policy, problems } = loadPolicyText(readFileSync(join(dir, file), 'utf8'));
    if (!policy) throw new Error(`corpus policy ${file} is invalid: ${JSON.stringify(problems)}`);
    out.set(policy.id, { compiled: compilePolicy(policy), interpreted: interpretPolicy(policy) });
  }
  return out;
}

export function loadCorpusCases(dir = join(CORPUS_DIR, 'cases')): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: CorpusCase[] }).cases);
}

export interface CaseFailure {
  id: string;
  kind: 'wrong-allow' | 'wrong-deny' | 'codes' | 'obligations' | 'engines-disagree';
  expected: unknown;
  actual: unknown;
}

export interface CorpusReport {
  total: number;
  allows: number;
  denies: number;
  wrongAllows: number;
  wrongDenies: number;
  codeMismatches: number;
  obligationMismatches: number;
  engineDisagreements: number;
  codesSeen: string[];
  failures: CaseFailure[];
}

const codesOf = (d: DecideResponse) => d.reasons.map((r) => r.code).sort();

export function runCorpus(cases = loadCorpusCases(), policies = loadCorpusPolicies()): CorpusReport {
  const report: CorpusReport = { total: 0, allows: 0, denies: 0, wrongAllows: 0, wrongDenies: 0, codeMismatches: 0, obligationMismatches: 0, engineDisagreements: 0, codesSeen: [], failures: [] };
  const seen = new Set<string>();
  for (const c of cases) {
    const engines = policies.get(c.policy);
    if (!engines) throw new Error(`case ${c.id} names unknown policy ${c.policy}`);
    const compiled = decideRaw(engines.compiled, c.request);
    const interpreted = decideRaw(engines.interpreted, c.request);
    report.total++;
    if (c.expect.decision === 'allow') report.allows++;
    else report.denies++;
    compiled.reasons.forEach((r) => seen.add(r.code));
    const fail = (kind: CaseFailure['kind'], expected: unknown, actual: unknown) => report.failures.push({ id: c.id, kind, expected, actual });
    if (!isDeepStrictEqual(compiled, interpreted)) {
      report.engineDisagreements++;
      fail('engines-disagree', compiled, interpreted);
    }
    for (const d of [compiled, interpreted]) {
      if (d.decision !== c.expect.decision) {
        if (d.decision === 'allow') report.wrongAllows++;
        else report.wrongDenies++;
        fail(d.decision === 'allow' ? 'wrong-allow' : 'wrong-deny', c.expect, d);
        break;
      }
      if (!isDeepStrictEqual(codesOf(d), [...c.expect.codes].sort())) {
        report.codeMismatches++;
        fail('codes', c.expect.codes, codesOf(d));
        break;
      }
      if (c.expect.obligations && !isDeepStrictEqual(d.obligations, c.expect.obligations)) {
        report.obligationMismatches++;
        fail('obligations', c.expect.obligations, d.obligations);
        break;
      }
    }
  }
  report.codesSeen = [...seen].sort();
  return report;
}
