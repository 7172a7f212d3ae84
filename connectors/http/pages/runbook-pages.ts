/**
 * Runbooks as pages (GET /ui/runbooks/:name, behind the API keys like every page): the console's
 * PCQ workbench links each anomaly's triage label to its runbook, the SLO page each alert's. The
 * runbooks are the Markdown files of docs/runbooks, shown as text (escaped, no renderer: nothing in
 * them can run), so the page always says what the file in the repository says.
 */
import express, { type Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { html } from '../../../projections/html';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** docs/runbooks from the sources (connectors/http/pages) or from dist/ (dist/connectors/http/pages). */
export function runbooksDir(): string | undefined {
  return [join(__dirname, '..', '..', '..', 'docs', 'runbooks'), join(__dirname, '..', '..', '..', '..', 'docs', 'runbooks')].find((d) => existsSync(d));
}

export function renderRunbook(name: string, markdown: string): string {
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1] ?? name;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · runbook · Trust Fabric</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:52rem;padding:0 1rem;color:#1b1f24}pre{white-space:pre-wrap;font:15px/1.5 ui-monospace,monospace;background:#f6f8fa;padding:1rem;border-radius:6px}</style></head>
<body><main><p><a href="/ui/">← Console</a> · runbook <code>docs/runbooks/${name}.md</code></p><h1>${title}</h1><pre data-runbook="${name}">${markdown}</pre></main></body></html>`.toString();
}

export function runbookPages(): Router {
  const router = express.Router();
  router.get('/runbooks/:name', (req, res) => {
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    const name = req.params.name.replace(/\.md$/, '');
    const dir = runbooksDir();
    const file = dir && NAME.test(name) ? join(dir, `${name}.md`) : undefined;
    if (!file || !existsSync(file)) return void res.status(404).type('html').send(html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No runbook</title></head><body><main><h1>No runbook ${name}</h1><p><a href="/ui/">Console</a></p></main></body></html>`.toString());
    res.type('html').send(renderRunbook(name, readFileSync(file, 'utf8')));
  });
  return router;
}
