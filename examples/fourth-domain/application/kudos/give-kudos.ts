/** The kudos command: fold the receiver's stream, decide (streams/kudos), append; decided again on a conflict. */
import { handleCommand } from '../../../../application/command-handler';
import { logCommandStream } from '../../../../application/log-stream';
import type { Principal, ServiceContext } from '../../../../application/context';
import { evolve, give, initialKudos, kudosStream, type KudosGivenPayload } from '../../streams/kudos/kudos';

export async function giveKudos(ctx: ServiceContext, principal: Principal, body: { to: string; reason: string }): Promise<{ to: string; count: number }> {
  const fold = { initial: initialKudos, evolve: (s: ReturnType<typeof initialKudos>, e: { payload: unknown }) => evolve(s, e.payload as KudosGivenPayload) };
  const stream = logCommandStream(ctx, principal, kudosStream(principal.tenant, body.to), fold);
  return handleCommand(
    stream,
    (state) => {
      const events = give(state, { from: principal.keyId, to: body.to, reason: body.reason });
      return { events: events.map((payload) => ({ type: 'KudosGiven', payload })), result: () => ({ to: body.to, count: events[events.length - 1].count }) };
    },
    { retry: { onVersionConflict: 3 } },
  );
}
