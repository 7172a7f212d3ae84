/**
 * The one way server-rendered pages build HTML: the `html` tag escapes every interpolated value
 * unless it is HTML already (made by this tag). Arrays are rendered item by item; null, undefined
 * and false render as nothing, so `${cond && html`…`}` reads as it should.
 *   html`<td>${userText}</td>`              → escaped
 *   html`<tbody>${rows.map((r) => html`<tr>…</tr>`)}</tbody>`
 */
export class Html {
  constructor(private readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (or a number) as HTML text or an attribute value. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);

function render(value: unknown): string {
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

/** Items joined by a separator, each escaped unless HTML. */
export const joinHtml = (items: readonly unknown[], separator: string): Html => new Html(items.map(render).join(escapeHtml(separator)));
