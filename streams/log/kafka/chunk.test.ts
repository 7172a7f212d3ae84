import { chunkBySize } from './kafka-event-log';

test('chunkBySize keeps each run under the limit, in order, and an oversized item alone', () => {
  const sizes = [300, 300, 300, 1200, 100, 500, 500];
  const chunks = chunkBySize(sizes, (n) => n, 1000);
  expect(chunks).toEqual([[300, 300, 300], [1200], [100, 500], [500]]);
  expect(chunks.flat()).toEqual(sizes);
  expect(chunkBySize([], (n: number) => n, 1000)).toEqual([]);
});
