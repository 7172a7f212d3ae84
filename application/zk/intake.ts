/**
 * ZK-TX request bodies, checked against the spec at the HTTP edge (sdk/spec/parts/zk.yaml: ids,
 * pepper versions, leaves as decimals, budgets), given their defaults here and held to the one rule
 * a pattern cannot state: a leaf or a query is a field element, below the BN254 modulus. Leaves and
 * queries are computed by the client (SDK or `trust zk leaves`): raw selectors never reach the server.
 */
import { ValidationError, type FieldProblem } from '../../schemas/errors';
import { MAX_VALUE } from '../../streams/zk/tree';

const LEAF_PROBLEM = 'must be a leaf: a decimal field element between 1 and p-2 (the output of `trust zk leaves` or the SDK), never a raw selector';
/** A body of 65,535 leaves above the modulus is answered with the first few. */
const MAX_LEAF_PROBLEMS = 10;

const isFieldElement = (v: string) => BigInt(v) < MAX_VALUE;

export interface SetCommit {
  setId: string;
  pepperVersion: number;
  leaves: string[];
}

export interface JobBody {
  counterparty?: string;
  setId: string;
  query: string;
  pepperVersion: number;
  budgetMs?: number;
}

export type JobRequest = Required<JobBody>;

export interface PepperActivation {
  version: number;
}

/** POST /zk/sets {setId, pepperVersion, leaves}: every leaf below the modulus. */
export function checkSetCommit(c: SetCommit): SetCommit {
  const problems: FieldProblem[] = c.leaves
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => !isFieldElement(l))
    .slice(0, MAX_LEAF_PROBLEMS)
    .map(({ i }) => ({ field: `leaves[${i}]`, problem: LEAF_PROBLEM }));
  if (problems.length) throw new ValidationError(problems);
  return c;
}

/** POST /zk/jobs: the counterparty defaults to the caller's tenant, the budget to the service's. */
export function jobRequest(b: JobBody, tenant: string, defaultBudgetMs: number): JobRequest {
  if (!isFieldElement(b.query)) throw new ValidationError([{ field: 'query', problem: LEAF_PROBLEM }]);
  return { counterparty: b.counterparty ?? tenant, setId: b.setId, query: b.query, pepperVersion: b.pepperVersion, budgetMs: b.budgetMs ?? defaultBudgetMs };
}
