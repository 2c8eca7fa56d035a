import { escapeText } from '../domain/html-text.ts'

/** HTML built from a template literal; every interpolated value is escaped unless it is Html. */
export class Html {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

/** Escapes text for HTML (one implementation, shared with the policy renderer). */
export const escapeHtml = escapeText

type Part = Html | string | number | readonly Html[] | undefined

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? ''
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '')
  })
  return new Html(out)
}

function render(value: Part): string {
  if (value === undefined) return ''
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map((item: Html) => item.value).join('')
  return escapeHtml(String(value))
}
