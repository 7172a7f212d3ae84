/**
 * Request bodies and query parameters checked against the OpenAPI spec at the HTTP edge, before a
 * route runs: every operation's JSON request body and the query parameters it states are compiled
 * once at start-up, and a request that breaks them is refused with the house error shape, each
 * problem naming its field. Routes and command handlers then keep only the rules a schema cannot
 * state (a fixture that must exist, a leaf below the field modulus, a policy's bundle references).
 *
 * The answer is 400 VALIDATION_FAILED, or 422 SCHEMA_VIOLATION where the operation says so with
 * `x-invalid-request: SCHEMA_VIOLATION` (PCQ's published intake contract). An operation marked
 * `x-body-validation: application` has its body checked by the application alone (LAC drafts:
 * an invalid draft is recorded for the authoring telemetry, then answered 400).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ValidateFunction } from 'ajv';
import { ValidationError, type FieldProblem } from '../../../schemas/errors';
import { localeOf } from '../../../streams/lac/model/i18n';
import { loadOpenApi, specPath, type Json, type OpenApi, type Operation } from './openapi';
import { ProblemFinder, type LocatedProblem } from './problems';
import { english, type Phrasebook } from './messages';
import { lacPhrasebook } from './lac-messages';

/** More problems than this are summed up in one line: a body of 65,535 bad leaves is not answered with 65,535 problems. */
export const MAX_PROBLEMS = 20;

interface Checks {
  operation: Operation;
  /** undefined: the operation takes no JSON body the edge checks. */
  body?: { required: boolean; validate: ValidateFunction; jsonOnly: boolean };
  query?: ValidateFunction;
  code: 'VALIDATION_FAILED' | 'SCHEMA_VIOLATION';
  phrasebook: (req: Request) => Phrasebook;
}

/** Each domain's callers read problems in these words (by the operation's tag); English otherwise. */
const PHRASEBOOKS: Record<string, (req: Request) => Phrasebook> = {
  lac: (req) => lacPhrasebook(localeOf(req.header('accept-language'))),
};

function compileBody(spec: OpenApi, o: Operation): Checks['body'] {
  const rb = spec.resolve(o.op.requestBody);
  const media = rb?.content?.['application/json'];
  if (!media || o.op['x-body-validation'] === 'application') return undefined;
  const jsonOnly = Object.keys(rb.content).every((type) => type === 'application/json');
  return { required: !!rb.required, validate: spec.validator(`${o.operationId}:request`, media.schema ?? {}), jsonOnly };
}

function compileQuery(spec: OpenApi, o: Operation): ValidateFunction | undefined {
  const params = (o.op.parameters ?? []).map(spec.resolve).filter((p: Json) => p.in === 'query' && p.schema);
  if (params.length === 0) return undefined;
  const schema = {
    type: 'object',
    properties: Object.fromEntries(params.map((p: Json) => [p.name, p.schema])),
    required: params.filter((p: Json) => p.required).map((p: Json) => p.name),
  };
  return spec.validator(`${o.operationId}:query`, schema);
}

function compile(bodies: OpenApi, queries: OpenApi): Checks[] {
  return bodies.operations.map((operation) => {
    const tag = (operation.op.tags ?? []).find((t: string) => PHRASEBOOKS[t]);
    return {
      operation,
      body: compileBody(bodies, operation),
      query: compileQuery(queries, queries.operations.find((q) => q.operationId === operation.operationId)!),
      code: operation.op['x-invalid-request'] === 'SCHEMA_VIOLATION' ? 'SCHEMA_VIOLATION' : 'VALIDATION_FAILED',
      phrasebook: tag ? PHRASEBOOKS[tag] : () => english,
    };
  });
}

/** As body-parser decides, except that `content-length: 0` (what fetch sends for a POST without a body) is no body either. */
const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';

function bodyProblems(finder: ProblemFinder, req: Request, body: NonNullable<Checks['body']>): LocatedProblem[] {
  if (!hasBody(req)) return body.required ? [{ field: 'body', what: { kind: 'required', description: 'a JSON body' } }] : [];
  if (!req.is('application/json')) {
    // Another media type the operation takes (a YAML policy draft) is parsed and checked by its route;
    // one it does not take never reaches a route that expects parsed JSON.
    if (!body.jsonOnly) return [];
    return [{ field: 'body', what: { kind: 'other', message: `must be JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'a body without a Content-Type'}` } }];
  }
  if (body.validate(req.body)) return [];
  return finder.find(body.validate.errors ?? []);
}

function queryProblems(finder: ProblemFinder, req: Request, query: ValidateFunction): LocatedProblem[] {
  // Coercion ("5" → 5 for an integer) works on a copy: the route reads the query as it came.
  return query({ ...req.query }) ? [] : finder.find(query.errors ?? []);
}

function words(found: LocatedProblem[], phrasebook: Phrasebook): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const { field, what } of found) {
    const { problem, code } = phrasebook(what);
    if (seen.has(`${field}\u0000${problem}`)) continue;
    seen.add(`${field}\u0000${problem}`);
    const p: FieldProblem & { code?: string } = code ? { field, problem, code } : { field, problem };
    problems.push(p);
  }
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), { field: 'body', problem: `and ${problems.length - MAX_PROBLEMS} more problems` }];
}

/** The /v1 middleware (mounted once, by apiRouter, after authentication). */
export function requestValidation(path: string = specPath()): RequestHandler {
  const bodies = loadOpenApi(path, { verbose: true });
  const queries = loadOpenApi(path, { verbose: true, coerceTypes: 'array' });
  const all = compile(bodies, queries);
  const byId = new Map(all.map((c) => [c.operation.operationId, c]));
  const finders = { body: new ProblemFinder(bodies), query: new ProblemFinder(queries) };
  return (req: Request, _res: Response, next: NextFunction) => {
    const operation = bodies.find(req.method, `/v1${req.path}`);
    const checks = operation && byId.get(operation.operationId);
    if (!checks) return next();
    const found = [...(checks.body ? bodyProblems(finders.body, req, checks.body) : []), ...(checks.query ? queryProblems(finders.query, req, checks.query) : [])];
    if (found.length === 0) return next();
    next(new ValidationError(words(found, checks.phrasebook(req)), checks.code));
  };
}
