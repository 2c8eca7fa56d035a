import { z } from 'zod'

/**
 * The building blocks of every use case's contract (decision 0026). Their messages are
 * written for a person at a form: the API puts the field's path before them, a page shows
 * them beside the field.
 */

/** Text with a length limit. */
export const text = (max: number): z.ZodString =>
  z.string().max(max, `must be ${String(max)} characters or fewer`)

/** Text that must be given, with a length limit. */
export const requiredText = (max: number): z.ZodString => text(max).min(1, 'must be given')

export const id = z.uuid('must be a record chosen from the list')
export const date = z.iso.date('must be a real date, like 2026-03-14')
export const localTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a date and time, like 2026-03-14T10:30')
/**
 * A record's version as a form or a client sends it back: stored as a 32-bit integer, so a
 * larger number is bad input, never a database error (found by the fuzz, 2026-12-02).
 */
export const version = z
  .int()
  .min(1)
  .max(2_147_483_647, 'is not a version this record has had: reload it')
