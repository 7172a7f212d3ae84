/**
 * Canonical folding of strings that *restrict* access (PII tags, denied purposes, licence ids,
 * deny-rule operands). The house rule, documented in docs/lac/authoring-guide.md:
 *
 *   what restricts matches loosely, what grants matches exactly.
 *
 * A tag `PII`, `ｐｉｉ` (full width), `p\u200Bii` (zero-width space), `pïi` (combining mark) or `рii`
 * (Cyrillic р) is still the tag `pii`, so a case or unicode trick cannot dodge a redaction or a deny.
 * Grants (exporter group, allowed regions, allowed purposes, shared tenants) compare exactly, so the
 * same tricks cannot borrow someone else's permission either.
 */

/** Latin look-alikes that NFKC leaves alone (Cyrillic and Greek homoglyphs). */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ς: 's',
};
const HOMOGLYPH_RE = new RegExp(`[${Object.keys(HOMOGLYPHS).join('')}]`, 'g');
const INVISIBLE_RE = /[\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}]/gu;
const ASCII_SAFE = /^[a-z0-9._:\-/ ]*$/;

/** The canonical form of a restricting string. Pure, total, idempotent. */
export function fold(s: string): string {
  // Fast path: lower-case ASCII without tricks is already canonical (the hot path of decisions).
  if (ASCII_SAFE.test(s)) return s.trim();
  return s
    .normalize('NFKD')
    .replace(INVISIBLE_RE, '')
    .toLowerCase()
    .replace(HOMOGLYPH_RE, (c) => HOMOGLYPHS[c])
    .normalize('NFKC')
    .trim();
}

/** Visible length of free text (a justification): invisible characters and outer spaces do not count. */
export function visibleLength(s: string): number {
  let n = 0;
  for (const _ of s.replace(INVISIBLE_RE, '').trim()) n++;
  return n;
}
