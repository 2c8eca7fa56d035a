import type { Context } from 'hono'
import { z } from 'zod'
import { HavenError } from '../domain/errors.ts'

/**
 * Reads a JSON body against a strict schema: a wrong content type is 415, unreadable JSON is
 * 400, and an unknown, missing or wrong field is 400 naming the field. Nothing reaches a
 * use case unvalidated.
 */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new HavenError('unsupported_media_type', 'send the body as application/json')
  }
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new HavenError('invalid_input', 'the body is not valid JSON')
  }
  return parseInput(schema, body, 'body')
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

/** Text with a length limit, the building block of every schema. */
export const text = (max: number): z.ZodString => z.string().max(max, `at most ${max} characters`)

/** Whether any text in a parsed value holds a NUL character (PostgreSQL cannot store one). */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value)) return value.some(hasNul)
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || hasNul(inner))
  return false
}
