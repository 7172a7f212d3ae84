/**
 * The demo script must stay runnable: every `trust` command it types exists in the CLI, and what it
 * says `trust demo` loads (the release-notes stream, the AnnotationAdded shape) is what the demo loads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../connectors/cli/main';
import { backbone, type DemoApi } from '../../connectors/registry';

const script = readFileSync(join(__dirname, 'demo-script.md'), 'utf8');

const find = (cmd: Command, name: string) => cmd.commands.find((c) => c.name() === name);

test('every trust command in the demo script exists in the CLI, with its options', () => {
  const program = buildProgram();
  const invocations = [...script.matchAll(/node dist\/connectors\/cli\/main\.js ([a-z]+)(?: ([a-z]+))?([^\n#&|]*)/g)];
  expect(invocations.length).toBeGreaterThanOrEqual(4);
  for (const [, name, sub, rest] of invocations) {
    const cmd = find(program, name);
    expect(cmd).toBeDefined();
    const leaf = sub && cmd!.commands.length ? find(cmd!, sub) : cmd;
    expect(leaf).toBeDefined();
    for (const flag of rest.match(/--[a-z-]+/g) ?? []) expect(leaf!.options.map((o) => o.long)).toContain(flag);
  }
});

test('the stream and event shape the script queries are what `trust demo` loads', async () => {
  const sent: { path: string; body: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const api: DemoApi = {
    tenant: 'demo',
    async request(_method, path, body) {
      sent.push({ path, body });
      return { status: 202, body: {} };
    },
  };
  const lines = await backbone.demo!(api);
  expect(script).toContain(`demo backbone: ${lines[0]}`);
  const streams = sent.flatMap((s) => (s.body?.events ?? []).map((e: { stream: string }) => e.stream));
  expect(streams).toContain('notes-release-1.7');
  expect(script).toContain('stream=notes-release-1.7');
  const demoEvent = sent[0].body.events[0];
  expect(Object.keys(demoEvent.payload).sort()).toEqual(['author', 'subject', 'tags', 'text']);
  expect(script).toContain(`"type":"${demoEvent.type}"`);
});
