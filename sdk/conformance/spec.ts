/**
 * The merged spec as ajv validators: find the operation of a concrete request, validate a request
 * body and a response (status declared, body valid against its schema, content type declared).
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const SPEC_PATH = join(__dirname, '..', 'spec', 'openapi.yaml');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  op: Json;
  regex: RegExp;
}

export function loadSpec(path = SPEC_PATH) {
  const spec: Json = parse(readFileSync(path, 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'spec', components: spec.components });
  const rewrite = (s: Json) => JSON.parse(JSON.stringify(s).replace(/"#\/components/g, '"spec#/components'));
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(spec.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!op?.operationId) continue;
      const regex = new RegExp('^' + path.replace(/\{[^}]+\}/g, '[^/]+') + '$');
      operations.push({ operationId: op.operationId, method: method.toUpperCase(), path, op, regex });
    }
  }
  const resolve = (x: Json): Json => {
    if (x && typeof x.$ref === 'string' && x.$ref.startsWith('#/components/')) {
      const [, , kind, name] = x.$ref.split('/');
      return resolve(spec.components[kind][name]);
    }
    return x;
  };
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  const validator = (key: string, schema: Json) => {
    if (!cache.has(key)) cache.set(key, ajv.compile(rewrite(schema)));
    return cache.get(key)!;
  };
  const find = (method: string, url: string): Operation | undefined => {
    const path = url.split('?')[0];
    // A literal path beats a templated one (/v1/pcq/replays/missing vs /v1/pcq/replays).
    const matches = operations.filter((o) => o.method === method && o.regex.test(path));
    return matches.find((o) => !o.path.includes('{')) ?? matches[0];
  };
  /** Problems of a request body against the operation (empty when valid). */
  const checkRequest = (o: Operation, body: unknown, contentType = 'application/json'): string[] => {
    const rb = resolve(o.op.requestBody);
    if (!rb) return body === undefined ? [] : [`${o.operationId} takes no request body`];
    if (body === undefined) return rb.required ? [`${o.operationId} requires a body`] : [];
    const media = rb.content?.[contentType];
    if (!media) return [`${o.operationId} does not declare request content ${contentType}`];
    const v = validator(`${o.operationId}:req:${contentType}`, media.schema ?? {});
    return v(body) ? [] : [`${o.operationId} request: ${ajv.errorsText(v.errors)}`];
  };
  /** Problems of a response against the operation (empty when it conforms). */
  const checkResponse = (o: Operation, status: number, contentType: string | null, body: unknown): string[] => {
    const responses = o.op.responses ?? {};
    const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!declared) return [`${o.operationId} answered ${status}, which the spec does not declare (declared: ${Object.keys(responses).join(', ')})`];
    const r = resolve(declared);
    if (!r.content) return [];
    const type = (contentType ?? '').split(';')[0].trim();
    const media = r.content[type];
    if (!media) return [`${o.operationId} ${status} answered content type '${type}', the spec declares ${Object.keys(r.content).join(', ')}`];
    if (!media.schema || type !== 'application/json') return [];
    const v = validator(`${o.operationId}:${status}:${type}`, media.schema);
    return v(body) ? [] : [`${o.operationId} ${status} response: ${ajv.errorsText(v.errors)} — body ${JSON.stringify(body).slice(0, 400)}`];
  };
  return { spec, ajv, operations, find, checkRequest, checkResponse };
}
