import type { z } from 'zod'
import { formErrorOf, type FormError, type FormProblem } from './page-kit.ts'

/** Where a path of the use case's input sits on a page's form, and what the form calls it. */
export interface FormPlace {
  field: string
  label: string
}

/**
 * Reads a form's answer against the use case's own input schema (src/app/contracts, decision
 * 0026): the limits and rules are the API's, to the character. Every problem is shown
 * beside the form field its path maps to (the first for each field), named as the form names
 * it ("Child 1's first name must be 100 characters or fewer"), and all are listed in the
 * summary. The form maps its fields to the input; it keeps no limits of its own.
 */
export function checkForm<T extends z.ZodType>(
  schema: T,
  input: unknown,
  placeOf: (path: readonly PropertyKey[]) => FormPlace | undefined,
): { ok: true; input: z.output<T> } | { ok: false; error: FormError } {
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, input: result.data }
  const problems: FormProblem[] = []
  for (const issue of result.error.issues) {
    const place = placeOf(issue.path)
    const problem = place
      ? { field: place.field, message: `${place.label} ${issue.message}` }
      : { field: undefined, message: issue.message }
    // One problem a field: the first the contract found.
    if (!problems.some((p) => p.field === problem.field)) problems.push(problem)
  }
  return {
    ok: false,
    error: formErrorOf(problems) ?? { field: undefined, message: 'this answer is not valid' },
  }
}
