/**
 * Kudos, the example fourth domain's pure logic: a person's kudos as a decider. decide: no one
 * thanks themselves, and the same giver not twice in a row (a rule a schema cannot state); evolve:
 * the count and the last giver. No I/O, as every domain under streams/.
 */
import { ValidationError } from '../../../../schemas/errors';

export interface KudosGivenPayload {
  from: string;
  to: string;
  reason: string;
  count: number;
}

export interface Kudos {
  count: number;
  lastFrom: string | null;
}

export const initialKudos = (): Kudos => ({ count: 0, lastFrom: null });

export const kudosStream = (tenant: string, person: string) => `kudos:${tenant}:${person}`;

export function evolve(state: Kudos, e: KudosGivenPayload): Kudos {
  return { count: e.count, lastFrom: e.from };
}

export function give(state: Kudos, cmd: { from: string; to: string; reason: string }): KudosGivenPayload[] {
  if (cmd.from === cmd.to) throw new ValidationError([{ field: 'to', problem: 'is you: kudos go to someone else' }]);
  if (state.lastFrom === cmd.from) throw new ValidationError([{ field: 'to', problem: `already has your last kudos; let someone else thank ${cmd.to} first` }]);
  return [{ ...cmd, count: state.count + 1 }];
}
