// node-postgres' own parameter serialization (the text a bound parameter is sent as), which the
// public typings do not declare: inlining a statement's values uses exactly what binding would send.
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
