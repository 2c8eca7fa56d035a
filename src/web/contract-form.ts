import type { z } from 'zod'
import type { FormError } from './page-kit.ts'

/** Where a path of the use case's input sits on a page's form, and what the form calls it. */
export interface FormPlace {
  field: string
  label: string
}

/**
 * Reads a form's answer against the use case's own input schema (src/app/contracts, decision
 * 0026): the limits and rules are the API's, to the character. The first problem is shown
 * beside the form field its path maps to, named as the form names it ("Child 1's first name
 * must be 100 characters or fewer"). The form maps its fields to the input; it keeps no
 * limits of its own.
 */
export function checkForm<T extends z.ZodType>(
  schema: T,
  input: unknown,
  placeOf: (path: readonly PropertyKey[]) => FormPlace | undefined,
): { ok: true; input: z.output<T> } | { ok: false; error: FormError } {
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, input: result.data }
  const issue = result.error.issues[0]
  const place = issue ? placeOf(issue.path) : undefined
  const message = issue?.message ?? 'this answer is not valid'
  return {
    ok: false,
    error: place
      ? { field: place.field, message: `${place.label} ${message}` }
      : { field: undefined, message },
  }
}
