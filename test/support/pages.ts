import type { Client } from './accounts.ts'

/** A page as a browser gets it: status, where it redirects, and its text. */
export interface PageResponse {
  status: number
  location: string | null
  text: string
}

/** GET a page as this client (its session cookie). */
export async function getPage(client: Client, path: string): Promise<PageResponse> {
  const response = await client.call('GET', path, undefined, { accept: 'text/html' })
  return {
    status: response.status,
    location: response.headers.get('location'),
    text: await response.text(),
  }
}

/**
 * Posts a page's form as a browser does: URL-encoded, with the session's CSRF token in the
 * form and Fetch Metadata saying it came from this site. Repeated fields are given as arrays.
 */
export async function postForm(
  client: Client,
  path: string,
  fields: Record<string, string | readonly string[]>,
): Promise<PageResponse> {
  const body = new URLSearchParams()
  body.append('_csrf', client.csrf ?? '')
  for (const [name, value] of Object.entries(fields))
    for (const v of typeof value === 'string' ? [value] : value) body.append(name, v)
  const response = await client.call('POST', path, body.toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    'sec-fetch-site': 'same-origin',
    accept: 'text/html',
    'x-csrf-token': '',
  })
  return {
    status: response.status,
    location: response.headers.get('location'),
    text: await response.text(),
  }
}

/** The visible text of a page, tags removed, spaces collapsed: for asserting what it says. */
export function visibleText(pageHtml: string): string {
  return pageHtml
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}
