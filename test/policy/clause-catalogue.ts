import { readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * The clause catalogue the project is checked against: docs/CLAUSES.md, a copy kept in the
 * repository (nothing reads outside it at test or run time).
 */
export const CLAUSE_CATALOGUE_PATH = path.join(
  import.meta.dirname,
  '..',
  '..',
  'docs',
  'CLAUSES.md',
)

/** The clause ids in the table of docs/CLAUSES.md. */
export const POLICY_CLAUSE_IDS: string[] = [
  ...readFileSync(CLAUSE_CATALOGUE_PATH, 'utf8').matchAll(/^\| ([A-Z]+) +\|/gm),
].map((m) => m[1] ?? '')
