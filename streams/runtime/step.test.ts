/** The one processor step: a handler cannot change the state it was given. */
import { codec } from '../../schemas/codec';
import { defineProcessor } from './processor';
import { processorStep } from './step';
import { given, recorded } from './testing';

interface Counts {
  seen: number;
  byStream: Record<string, number>;
}

const note = (stream: string) => recorded('AnnotationAdded', { subject: stream, text: 'x', author: 'a', tags: [] }, { stream });

// Counts events per stream, in place: the mutation the step must refuse.
const mutating = defineProcessor<Counts>({
  name: 'test.mutating',
  inputs: ['AnnotationAdded'],
  initialState: () => ({ seen: 0, byStream: {} }),
  handle(s, e) {
    s.byStream[e.stream] = (s.byStream[e.stream] ?? 0) + 1;
    s.seen++;
    return { state: s, emit: [] };
  },
});

// The same count, as a new state.
const copying = defineProcessor<Counts>({
  ...mutating,
  name: 'test.copying',
  handle: (s, e) => ({ state: { seen: s.seen + 1, byStream: { ...s.byStream, [e.stream]: (s.byStream[e.stream] ?? 0) + 1 } }, emit: [] }),
});

test('a handler that changes its state in place is dead-lettered and the state it was given stays as it was', () => {
  const state: Counts = { seen: 1, byStream: { a: 1 } };
  const out = processorStep(mutating, codec(), state, note('a'));
  expect(out.deadLettered).toBe(true);
  expect(out.append[0]).toMatchObject({ type: 'DeadLettered', payload: expect.objectContaining({ error: expect.stringMatching(/read.only|not extensible|Cannot assign/i) }) });
  expect(out.state).toEqual({ seen: 1, byStream: { a: 1 } });
  expect(state).toEqual({ seen: 1, byStream: { a: 1 } });
});

test('a handler that returns a new state goes through; given/when/then freezes the state as the step does', () => {
  const out = processorStep(copying, codec(), { seen: 1, byStream: { a: 1 } }, note('a'));
  expect(out).toMatchObject({ deadLettered: false, state: { seen: 2, byStream: { a: 2 } } });
  expect(given(mutating).thenThrows(note('b'))).toBeInstanceOf(TypeError);
  const t = given(copying, [note('a'), note('b')]);
  t.when(note('a'));
  expect(t.state()).toEqual({ seen: 3, byStream: { a: 2, b: 1 } });
});
