/** A small processor for the Kafka runtime tests and the bench: counts annotations per stream, emits a milestone every `every`. */
import type { NewEvent, RecordedEvent } from '../../../schemas/envelope';
import { byStream, defineProcessor, noChange } from '../processor';

export const milestoneStream = (stream: string) => `milestone-${stream}`;

export const annotationCounter = (name: string, every = 3) =>
  defineProcessor<{ count: number }>({
    name,
    inputs: ['AnnotationAdded'],
    keyOf: byStream,
    initialState: () => ({ count: 0 }),
    handle: (state, e) => {
      const count = state.count + 1;
      if (count % every !== 0) return noChange({ count });
      return {
        state: { count },
        emit: [{ type: 'TenantKeyRevoked', stream: milestoneStream(e.stream), tenant: e.tenant, payload: { tenant: e.tenant, keyId: `count-${count}`, reason: 'milestone' } }],
      };
    },
  });

export const annotation = (stream: string, i: number, id?: string): NewEvent => ({
  id,
  type: 'AnnotationAdded',
  stream,
  tenant: 'acme',
  payload: { subject: `fixture-${i}`, text: `note ${i}`, author: 'test', tags: [] },
});
