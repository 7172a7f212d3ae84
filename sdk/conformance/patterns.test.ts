/**
 * The spec states the id patterns and bounds the server enforces (so generated clients and fuzzers
 * send what the server accepts). They are written twice, in the spec and in the validators; this
 * keeps the two equal.
 */
import { ID as PCQ_ID } from '../../application/pcq/intake';
import { REQUEST_LIMITS } from '../../streams/lac/model/request';
import { SET_ID, TENANT } from '../../application/zk/intake';
import { loadSpec } from './spec';

const { spec } = loadSpec();
const schema = (name: string) => spec.components.schemas[name];
const zkJob = spec.paths['/v1/zk/jobs'].post.requestBody.content['application/json'].schema.properties;

test.each([
  ['PcqId', schema('PcqId').pattern, PCQ_ID],
  ['zk job setId', zkJob.setId.pattern, SET_ID],
  ['zk job counterparty', zkJob.counterparty.pattern, TENANT],
])('the spec pattern of %s is the server validator', (_name, pattern, regex) => {
  expect(pattern).toBe(regex.source);
});

test('LacText bounds are the decision engine request limits', () => {
  expect(schema('LacText')).toMatchObject({ minLength: 1, maxLength: REQUEST_LIMITS.text });
  expect(schema('LacCount').maximum).toBe(REQUEST_LIMITS.count);
});
