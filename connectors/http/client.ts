/**
 * A small JSON client of the service's own HTTP API, for the code that drives it from outside:
 * CLI commands, `trust demo`, the load generator's set-up, integration tests. (Partners use the SDKs.)
 * A string body is sent as is (raw JSON, or another type with its content-type header); anything else
 * as JSON. A JSON answer is parsed, any other kept as text.
 */
export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Headers;
}

export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  opts: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const { key, body, headers = {} } = opts;
  const res = await fetch(baseUrl.replace(/\/$/, '') + path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}
