const SPECIAL = /[&<>"']/
const SPECIALS = /[&<>"']/g
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Escapes text for HTML. Most of a page's text (ids, dates, references, names) has nothing to
 * escape, and is returned as it is after one scan; the rest is escaped in one pass.
 */
export function escapeText(text: string): string {
  if (!SPECIAL.test(text)) return text
  return text.replace(SPECIALS, (c) => ENTITIES[c] ?? c)
}
