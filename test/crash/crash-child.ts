/**
 * The process the crash test kills: the real service (HTTP, log, runners) on a given data
 * directory, plus a processor that emits a milestone every third annotation of a stream.
 * Prints `ready <port>` once it accepts requests.
 */
import { loadConfig } from '../../connectors/config';
import { listen } from '../../connectors/http/server';
import { allProjections } from '../../connectors/registry';
import { openService } from '../../connectors/service';
import { defineProcessor } from '../../streams/runtime/processor';

export const milestones = defineProcessor<{ count: number }>({
  name: 'crash.milestones',
  inputs: ['AnnotationAdded'],
  keyOf: (e) => e.stream,
  initialState: () => ({ count: 0 }),
  handle: (state, e) => {
    if (e.stream.startsWith('milestones-')) return { state, emit: [] };
    const count = state.count + 1;
    const emit =
      count % 3 === 0
        ? [{ type: 'AnnotationAdded', stream: `milestones-${e.stream}`, tenant: e.tenant, payload: { subject: e.stream, text: `milestone ${count}`, author: 'crash.milestones', tags: [] } }]
        : [];
    return { state: { count }, emit };
  },
});

async function main() {
  const config = loadConfig({ ...process.env, PORT: '0' });
  const service = openService(config, { processors: [milestones], projections: allProjections() });
  const running = await listen(service, 0);
  // Tests that signal the child mid-request wait for this line: the server has parsed the request's headers.
  running.server.on('request', (req) => process.stdout.write(`request ${req.method} ${req.url}\n`));
  process.stdout.write(`ready ${running.port}\n`);
  process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
}

if (require.main === module) void main();
