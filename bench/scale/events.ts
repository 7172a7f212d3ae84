/** The bench's events: annotations over many streams and tenants, the same shape bench-log writes. */
import type { NewEvent } from '../../schemas/envelope';

export function annotations(n: number, tag: string, streams = 1000): NewEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${tag}-e${i}`,
    type: 'AnnotationAdded',
    stream: `${tag}-stream-${i % streams}`,
    tenant: `tenant-${i % 7}`,
    payload: { subject: `fixture-${i % 500}`, text: `replay ${i} of release 1.${i % 9} reproduced within tolerance`, author: 'ci-runner', tags: ['bench'] },
  }));
}
