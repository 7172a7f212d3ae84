import { escapeHtml, html, joinHtml } from './html';

const HOSTILE = `<script>alert("x")</script>&'`;
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';

test('every interpolated value is escaped; HTML made by the tag is kept as it is', () => {
  expect(html`<p title="${HOSTILE}">${HOSTILE}</p>`.toString()).toBe(`<p title="${ESCAPED}">${ESCAPED}</p>`);
  expect(html`<div>${html`<b>${HOSTILE}</b>`}</div>`.toString()).toBe(`<div><b>${ESCAPED}</b></div>`);
});

test('arrays render item by item; null, undefined and false render as nothing; numbers as text', () => {
  expect(html`<ul>${['a<', html`<li>b</li>`]}</ul>`.toString()).toBe('<ul>a&lt;<li>b</li></ul>');
  expect(html`${null}${undefined}${false}${0}${''}`.toString()).toBe('0');
  expect(joinHtml([html`<i>a</i>`, 'b&'], ', ').toString()).toBe('<i>a</i>, b&amp;');
  expect(escapeHtml(HOSTILE)).toBe(ESCAPED);
});
