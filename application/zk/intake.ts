/**
 * ZK-TX request bodies, checked field by field: every problem named with its field. Leaves and
 * queries are decimal field elements computed by the client (SDK or `trust zk leaves`): raw
 * selectors never reach the server.
 */
import { ValidationError, type FieldProblem } from '../../schemas/errors';
import { CAPACITY, DEPTH, MAX_VALUE } from '../../streams/zk/tree';

export const SET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Pepper versions are Avro ints on the log (ZkPepperActivated, ZkSetCommitted). */
export const MAX_PEPPER_VERSION = 2 ** 31 - 1;
const SET_ID_PROBLEM = 'is required: 1-64 characters of letters, digits, ".", "_" or "-"';
const LEAF_PROBLEM = 'must be a leaf: a decimal field element between 1 and p-2 (the output of `trust zk leaves` or the SDK), never a raw selector';
const JOB_FIELDS = ['counterparty', 'setId', 'query', 'pepperVersion', 'budgetMs'];

const isLeaf = (v: unknown): v is string => typeof v === 'string' && /^[1-9][0-9]{0,76}$/.test(v) && BigInt(v) < MAX_VALUE;

export function objectBody(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError([{ field: 'body', problem: 'must be a JSON object' }]);
  return raw as Record<string, unknown>;
}

function pepperVersionOf(v: unknown, problems: FieldProblem[]): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > MAX_PEPPER_VERSION) {
    problems.push({ field: 'pepperVersion', problem: `is required: an integer from 1 to ${MAX_PEPPER_VERSION} (the pepper version the leaves were computed with)` });
  }
  return v as number;
}

export interface SetCommit {
  setId: string;
  pepperVersion: number;
  leaves: string[];
}

/** POST /zk/sets {setId, pepperVersion, leaves}. */
export function parseSetCommit(raw: unknown): SetCommit {
  const b = objectBody(raw);
  const problems: FieldProblem[] = [];
  if (typeof b.setId !== 'string' || !SET_ID.test(b.setId)) problems.push({ field: 'setId', problem: SET_ID_PROBLEM });
  const pepperVersion = pepperVersionOf(b.pepperVersion, problems);
  if (!Array.isArray(b.leaves) || b.leaves.length === 0) problems.push({ field: 'leaves', problem: `is required: an array of 1 to ${CAPACITY} leaves` });
  else if (b.leaves.length > CAPACITY) problems.push({ field: 'leaves', problem: `holds ${b.leaves.length} leaves; a set holds at most ${CAPACITY} (tree depth ${DEPTH})` });
  else {
    const bad = (b.leaves as unknown[]).map((l, i) => ({ l, i })).filter(({ l }) => !isLeaf(l));
    for (const { i } of bad.slice(0, 10)) problems.push({ field: `leaves[${i}]`, problem: LEAF_PROBLEM });
  }
  if (problems.length) throw new ValidationError(problems);
  return { setId: b.setId as string, pepperVersion, leaves: b.leaves as string[] };
}

export interface JobRequest {
  counterparty: string;
  setId: string;
  query: string;
  pepperVersion: number;
  budgetMs: number;
}

/** POST /zk/jobs {counterparty?, setId, query, pepperVersion, budgetMs?}; the counterparty defaults to the caller's tenant. */
export function parseJobRequest(raw: unknown, tenant: string, defaultBudgetMs: number): JobRequest {
  const b = objectBody(raw);
  const problems: FieldProblem[] = [];
  const counterparty = b.counterparty === undefined || b.counterparty === null ? tenant : b.counterparty;
  if (typeof counterparty !== 'string' || !TENANT.test(counterparty)) problems.push({ field: 'counterparty', problem: 'must be the id of the tenant owning the set: 1-128 characters of letters, digits, ".", "_" or "-"' });
  if (typeof b.setId !== 'string' || !SET_ID.test(b.setId)) problems.push({ field: 'setId', problem: `${SET_ID_PROBLEM} (the id of a committed set)` });
  if (!isLeaf(b.query)) problems.push({ field: 'query', problem: LEAF_PROBLEM });
  const pepperVersion = pepperVersionOf(b.pepperVersion, problems);
  const budgetMs = b.budgetMs === undefined ? defaultBudgetMs : (b.budgetMs as number);
  if (!Number.isSafeInteger(budgetMs) || budgetMs < 100 || budgetMs > 600_000) problems.push({ field: 'budgetMs', problem: 'must be an integer from 100 to 600000 (ms)' });
  for (const k of Object.keys(b)) if (!JOB_FIELDS.includes(k)) problems.push({ field: k, problem: 'is not a field of a proof job' });
  if (problems.length) throw new ValidationError(problems);
  return { counterparty: counterparty as string, setId: b.setId as string, query: b.query as string, pepperVersion, budgetMs };
}
