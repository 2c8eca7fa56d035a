import type { Context } from 'hono'
import type { z } from 'zod'
import { HavenError } from '../domain/errors.ts'

/**
 * How deeply a JSON body may nest arrays and objects. Haven's deepest body (a policy
 * document) nests a handful of levels; anything near this is an attack, refused before it is
 * parsed so that nothing downstream (JSON.parse, the NUL check, zod) walks it.
 */
export const MAX_JSON_DEPTH = 64

/**
 * Reads a JSON body against a strict schema: a wrong content type is 415, unreadable JSON or
 * JSON nested deeper than MAX_JSON_DEPTH is 400, and an unknown, missing or wrong field is
 * 400 naming the field. Nothing reaches a use case unvalidated.
 */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new HavenError('unsupported_media_type', 'send the body as application/json')
  }
  let text: string
  try {
    text = await c.req.text()
  } catch {
    throw new HavenError('invalid_input', 'the body could not be read')
  }
  if (isNestedDeeperThan(text, MAX_JSON_DEPTH))
    throw new HavenError(
      'invalid_input',
      `the body nests arrays and objects more than ${String(MAX_JSON_DEPTH)} deep`,
      'body',
    )
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new HavenError('invalid_input', 'the body is not valid JSON')
  }
  return parseInput(schema, body, 'body')
}

/**
 * Whether JSON text nests arrays and objects deeper than `limit`, found in one pass over the
 * text without parsing it (brackets inside strings do not count). Text that is not JSON at
 * all may pass: JSON.parse refuses it next.
 */
export function isNestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0
  let isInString = false
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i)
    if (isInString) {
      if (char === 0x5c)
        i += 1 // a backslash escapes the next character
      else if (char === 0x22) isInString = false
    } else if (char === 0x22) isInString = true
    else if (char === 0x5b || char === 0x7b) {
      depth += 1
      if (depth > limit) return true
    } else if (char === 0x5d || char === 0x7d) depth -= 1
  }
  return false
}

export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: string,
): z.infer<T> {
  if (hasNul(value))
    throw new HavenError('invalid_input', `${where}: text may not hold NUL characters`, where)
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue?.path.map(String).join('.') ?? ''
  const field = path === '' ? where : `${where}.${path}`
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field ${issue.keys.map((k) => `${where}.${k}`).join(', ')}`
      : `${field}: ${issue?.message ?? 'invalid'}`
  throw new HavenError(
    'invalid_input',
    message,
    issue?.code === 'unrecognized_keys' ? `${where}.${issue.keys[0] ?? ''}` : field,
  )
}

/**
 * Whether any text in a parsed value, or any key, holds a NUL character (PostgreSQL cannot
 * store one). Walks the value with its own stack, not by recursion, so no depth of nesting
 * can run the call stack out.
 */
function hasNul(value: unknown): boolean {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return true
    } else if (Array.isArray(next)) {
      for (const inner of next as unknown[]) pending.push(inner)
    } else if (next !== null && typeof next === 'object') {
      for (const [key, inner] of Object.entries(next)) {
        if (key.includes('\u0000')) return true
        pending.push(inner)
      }
    }
  }
  return false
}
