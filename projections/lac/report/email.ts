/**
 * The weekly report as an e-mail (nodemailer): multipart/alternative text + HTML with the JSON
 * report attached. Always written as an .eml file; also sent through SMTP when SMTP_URL is set.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { renderWeeklyHtml, renderWeeklyText, type WeeklyReport } from './weekly';

export interface WeeklyEmailOptions {
  from?: string;
  to?: string;
}

export function weeklyMessage(r: WeeklyReport, opts: WeeklyEmailOptions = {}): Mail.Options {
  return {
    from: opts.from ?? 'Trust Fabric <lac-reports@trust-fabric.local>',
    to: opts.to ?? 'policy-authors@trust-fabric.local',
    subject: `LAC weekly adoption ${r.week} — ${r.tenant}`,
    text: renderWeeklyText(r),
    html: renderWeeklyHtml(r),
    attachments: [{ filename: `lac-weekly-${r.week}.json`, content: JSON.stringify(r, null, 2), contentType: 'application/json' }],
    date: new Date(r.generatedAt),
  };
}

/** The raw RFC 5322 message (what goes into the .eml file). */
export async function buildEmail(r: WeeklyReport, opts: WeeklyEmailOptions = {}): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail(weeklyMessage(r, opts));
  return info.message as Buffer;
}

export async function sendEmail(smtpUrl: string, r: WeeklyReport, opts: WeeklyEmailOptions = {}): Promise<{ messageId: string; accepted: string[] }> {
  const transport = nodemailer.createTransport(smtpUrl);
  try {
    const info = await transport.sendMail(weeklyMessage(r, opts));
    return { messageId: info.messageId, accepted: (info.accepted as (string | { address: string })[]).map((a) => (typeof a === 'string' ? a : a.address)) };
  } finally {
    transport.close();
  }
}

export interface WrittenReport {
  html: string;
  json: string;
  eml: string;
  sent?: { messageId: string; accepted: string[] };
}

/** Writes weekly-<week>.html, .json and .eml into `dir`; sends when `smtpUrl` is given. */
export async function writeWeeklyReport(r: WeeklyReport, dir: string, opts: WeeklyEmailOptions & { smtpUrl?: string } = {}): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `lac-weekly-${r.week}`);
  const out: WrittenReport = { html: `${base}.html`, json: `${base}.json`, eml: `${base}.eml` };
  writeFileSync(out.html, renderWeeklyHtml(r));
  writeFileSync(out.json, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(out.eml, await buildEmail(r, opts));
  if (opts.smtpUrl) out.sent = await sendEmail(opts.smtpUrl, r, opts);
  return out;
}
