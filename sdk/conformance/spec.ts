/**
 * The merged spec as ajv validators (the loader the HTTP edge validates requests with): find the
 * operation of a concrete request, validate a request body and a response (status declared, body
 * valid against its schema, content type declared).
 */
import { join } from 'node:path';
import { loadOpenApi, type Json, type Operation } from '../../connectors/http/request-validation/openapi';

export type { Json, Operation };
export const SPEC_PATH = join(__dirname, '..', 'spec', 'openapi.yaml');

export function loadSpec(path = SPEC_PATH) {
  const { spec, ajv, operations, find, resolve, validator } = loadOpenApi(path);
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
