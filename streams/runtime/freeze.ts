/**
 * Deep-freeze a processor state before a handler sees it, so a handler cannot change the state it
 * was given: a mutation throws (modules are strict) and the step dead-letters the input, leaving the
 * runner's state as it was. Subtrees already frozen are skipped, so a new state that shares most of
 * its parts with the old one costs only its new parts.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
