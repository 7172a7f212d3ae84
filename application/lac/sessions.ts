/**
 * Authoring telemetry the API cannot see for itself: an author opening an editor. The console
 * records it when its New policy page opens (POST /v1/lac/sessions), so time-to-author counts from
 * the moment the author started, not from their first save. One event per session, the first on
 * its own stream: opening the same session again (a reload) answers the first opening, unchanged.
 */
import { randomUUID } from 'node:crypto';
import type { Principal, ServiceContext } from '../context';
import { ValidationError, VersionConflictError } from '../../schemas/errors';
import type { PolicyAuthoringOpened } from '../../schemas/generated/payloads';

const SESSION = /^[\x20-\x7e]{1,128}$/;
const CLIENT = /^[a-z][a-z0-9-]{0,31}$/;

export const sessionStream = (tenant: string, sessionId: string) => `lac-session:${tenant}:${sessionId}`;

export async function openAuthoringSession(ctx: ServiceContext, p: Principal, author: string, raw: unknown): Promise<{ sessionId: string; author: string; openedAt: string; duplicate: boolean }> {
  const body = raw === undefined || raw === null ? {} : raw;
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: 'body', problem: 'must be an object {sessionId?, client?}' }]);
  const b = body as Record<string, unknown>;
  const problems: { field: string; problem: string }[] = [];
  for (const k of Object.keys(b)) if (k !== 'sessionId' && k !== 'client') problems.push({ field: k, problem: 'is not part of a session {sessionId?, client?}' });
  if (b.sessionId !== undefined && (typeof b.sessionId !== 'string' || !SESSION.test(b.sessionId))) problems.push({ field: 'sessionId', problem: 'must be 1 to 128 printable ASCII characters' });
  if (b.client !== undefined && (typeof b.client !== 'string' || !CLIENT.test(b.client))) problems.push({ field: 'client', problem: 'must be a short lower-case name, e.g. console' });
  if (problems.length) throw new ValidationError(problems);
  const sessionId = (b.sessionId as string | undefined) ?? `s-${randomUUID()}`;
  const stream = sessionStream(p.tenant, sessionId);
  const first = async () => {
    const [e] = await ctx.log.readStream(stream, 1, 1);
    return e && { sessionId, author: (e.payload as PolicyAuthoringOpened).author, openedAt: e.occurredAt, duplicate: true };
  };
  const known = await first();
  if (known) return known;
  const openedAt = new Date().toISOString();
  try {
    const [r] = await ctx.ingest(p, [{ type: 'PolicyAuthoringOpened', stream, tenant: p.tenant, occurredAt: openedAt, expectedVersion: 0, payload: { sessionId, author, client: (b.client as string | undefined) ?? 'api' } }]);
    await ctx.settled(r.position);
  } catch (err) {
    // Opened by a concurrent request between the read and the append: that opening stands.
    if (err instanceof VersionConflictError) return (await first())!;
    throw err;
  }
  return { sessionId, author, openedAt, duplicate: false };
}
