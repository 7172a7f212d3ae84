/** Publish a timeline page into a directory (a dated file and index.html) and prune pages older than 90 days. */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RETENTION_DAYS = 90;
const PAGE = /^pcq-timeline-(\d{8}T\d{6}Z)\.html$/;

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const parseStamp = (s: string) => Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);

export function publishTimeline(html: string, outDir: string, now: Date = new Date()): { path: string; index: string; pruned: string[] } {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `pcq-timeline-${stamp(now)}.html`);
  writeFileSync(path, html);
  const index = join(outDir, 'index.html');
  copyFileSync(path, index);
  const cutoff = now.getTime() - RETENTION_DAYS * 86_400_000;
  const pruned: string[] = [];
  for (const f of readdirSync(outDir)) {
    const m = PAGE.exec(f);
    if (m && parseStamp(m[1]) < cutoff) {
      rmSync(join(outDir, f));
      pruned.push(f);
    }
  }
  return { path, index, pruned: pruned.sort() };
}
