/**
 * The cost model: what serving an allowed request costs, per dataset (cost per query, cost per
 * exported row). Loaded from streams/lac/cost-model.json, or a file named by LAC_COST_MODEL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessRequest } from '../model/types';

export interface CostRate {
  perQuery: number;
  perExportedRow: number;
}
export interface CostModel {
  currency: string;
  default: CostRate;
  datasets: Record<string, CostRate>;
}

export const DEFAULT_COST_MODEL_FILE = join(__dirname, '..', 'cost-model.json');

/** The cost model of this checkout, or the deployment's (LAC_COST_MODEL, read by connectors/config.ts). */
export function loadCostModel(file: string = DEFAULT_COST_MODEL_FILE): CostModel {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<CostModel>;
  const rate = (r: unknown, at: string): CostRate => {
    const o = r as Partial<CostRate>;
    if (!o || typeof o.perQuery !== 'number' || typeof o.perExportedRow !== 'number' || o.perQuery < 0 || o.perExportedRow < 0) {
      throw new Error(`cost model ${file}: ${at} needs non-negative perQuery and perExportedRow`);
    }
    return { perQuery: o.perQuery, perExportedRow: o.perExportedRow };
  };
  const datasets: Record<string, CostRate> = {};
  for (const [k, v] of Object.entries(raw.datasets ?? {})) datasets[k] = rate(v, `datasets.${k}`);
  return { currency: typeof raw.currency === 'string' ? raw.currency : 'USD', default: rate(raw.default, 'default'), datasets };
}

/** Cost of serving one request of this shape, if allowed. */
export function requestCost(model: CostModel, r: AccessRequest): number {
  const rate = Object.prototype.hasOwnProperty.call(model.datasets, r.resource.dataset) ? model.datasets[r.resource.dataset] : model.default;
  return rate.perQuery + (r.action === 'export' ? (r.context.rows ?? 0) * rate.perExportedRow : 0);
}
