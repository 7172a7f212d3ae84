/**
 * HTTP request bodies are checked against the spec itself at the edge (connectors/http/request-
 * validation), so their patterns are written once. The decision engine also checks the requests it
 * is given by any caller (fail closed): its bounds are written in the domain too, and this keeps
 * them equal to the spec's.
 */
import { REQUEST_LIMITS } from '../../streams/lac/model/request';
import { loadSpec } from './spec';

const { spec } = loadSpec();
const schema = (name: string) => spec.components.schemas[name];

test('LacText bounds are the decision engine request limits', () => {
  expect(schema('LacText')).toMatchObject({ minLength: 1, maxLength: REQUEST_LIMITS.text });
  expect(schema('LacCount').maximum).toBe(REQUEST_LIMITS.count);
});
