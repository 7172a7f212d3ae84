/**
 * The merged OpenAPI spec (sdk/spec/openapi.yaml) as ajv validators: its operations with a matcher
 * for concrete request paths, and one ajv instance holding its components, so a `$ref` inside any
 * compiled schema resolves. The HTTP edge validates requests with it; the SDK conformance test
 * checks the server's answers with the same loader.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Operation {
  operationId: string;
  method: string;
  /** The templated path, e.g. /v1/pcq/fixtures/{id}. */
  path: string;
  op: Json;
  regex: RegExp;
}

/** sdk/spec/openapi.yaml of this checkout, from the sources or from dist/. */
export function specPath(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'sdk', 'spec', 'openapi.yaml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`sdk/spec/openapi.yaml not found above ${__dirname}`);
  }
}

const COMPONENTS_ID = 'spec';

export interface OpenApi {
  spec: Json;
  ajv: Ajv2020;
  operations: Operation[];
  /** The operation of a concrete request; a literal path beats a templated one (/v1/pcq/replays/missing vs /v1/pcq/replays). */
  find(method: string, url: string): Operation | undefined;
  /** Follows a `#/components/...` reference (requestBody, response, parameter, schema). */
  resolve(x: Json): Json;
  /** A spec schema compiled once per key: its `#/components` references point into the spec. */
  validator(key: string, schema: Json): ValidateFunction;
  /** A spec schema compiled (uncached): its `#/components` references point into the spec. */
  compile(schema: Json): ValidateFunction;
}

export function loadOpenApi(path: string = specPath(), options: { verbose?: boolean; coerceTypes?: boolean | 'array' } = {}): OpenApi {
  const spec: Json = parse(readFileSync(path, 'utf8'));
  // verbose: each error carries its schema and data, which the problem messages quote.
  const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: options.verbose ?? false, coerceTypes: options.coerceTypes ?? false });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, components: spec.components });
  const rewrite = (s: Json) => JSON.parse(JSON.stringify(s).replace(/"#\/components/g, `"${COMPONENTS_ID}#/components`));
  const operations: Operation[] = [];
  for (const [p, item] of Object.entries<Json>(spec.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!op?.operationId) continue;
      const regex = new RegExp('^' + p.replace(/\{[^}]+\}/g, '[^/]+') + '$');
      operations.push({ operationId: op.operationId, method: method.toUpperCase(), path: p, op, regex });
    }
  }
  const resolve = (x: Json): Json => {
    const ref = typeof x?.$ref === 'string' ? x.$ref.replace(`${COMPONENTS_ID}#`, '#') : undefined;
    if (ref?.startsWith('#/components/')) {
      const [, , kind, name] = ref.split('/');
      return resolve(spec.components[kind][name]);
    }
    return x;
  };
  const compile = (schema: Json) => ajv.compile(rewrite(schema));
  const cache = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Json) => {
    if (!cache.has(key)) cache.set(key, compile(schema));
    return cache.get(key)!;
  };
  const find = (method: string, url: string) => {
    const p = url.split('?')[0];
    const matches = operations.filter((o) => o.method === method && o.regex.test(p));
    return matches.find((o) => !o.path.includes('{')) ?? matches[0];
  };
  return { spec, ajv, operations, find, resolve, validator, compile };
}
