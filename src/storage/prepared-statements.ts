/**
 * PostgreSQL plans a statement every time it is sent as text: under load, Haven's ~15 short
 * statements a request spent more of the server's time being planned than run
 * (docs/PERFORMANCE.md, issue 15). A statement sent with a name is parsed once per connection
 * and, once PostgreSQL finds its generic plan no dearer than the custom ones, not planned again
 * (docs/decisions/0050-postgres-connection.md).
 *
 * The pooled client (src/storage/pg-client.ts) sends every statement that has parameters
 * under the name given here. Kysely, above it, is unchanged: it still calls
 * `client.query(text, values)`.
 *
 * Bounds, so the set of statements a connection holds cannot grow without end:
 * - only statements with between 1 and MAX_PARAMETERS parameters are named (an `in (...)` list
 *   of every length would otherwise be a new statement per length; longer lists go as text);
 * - statements longer than MAX_TEXT go as text;
 * - at most MAX_NAMES texts get a name in a process; later new texts go as text.
 * The names are the process's own (`haven_1`, `haven_2`, ...), the same text always the same
 * name, so a connection never sees one name with two texts.
 *
 * A schema change under a prepared `select *` (another server migrated the database) makes
 * PostgreSQL refuse it ("cached plan must not change result type"). The connection is then
 * closed when it is released, not reused, and the failure is classed a conflict
 * (src/storage/database-errors.ts): the request sent again runs on a fresh connection.
 */
export const MAX_PARAMETERS = 24
export const MAX_TEXT = 16_384
export const MAX_NAMES = 2_000

/** The names given in one process: the same text always the same name, at most `limit` of them. */
export class StatementNames {
  readonly #names = new Map<string, string>()
  readonly #limit: number

  constructor(limit = MAX_NAMES) {
    this.#limit = limit
  }

  /** The name a statement is prepared under, or undefined when it goes as text. */
  of(text: string, parameters: number): string | undefined {
    if (parameters < 1 || parameters > MAX_PARAMETERS || text.length > MAX_TEXT) return undefined
    let name = this.#names.get(text)
    if (name === undefined) {
      if (this.#names.size >= this.#limit) return undefined
      name = `haven_${String(this.#names.size + 1)}`
      this.#names.set(text, name)
    }
    return name
  }
}

/** The process's names. */
export const STATEMENT_NAMES = new StatementNames()

/** PostgreSQL's refusal of a prepared statement whose tables changed shape. */
export function isStalePlan(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.startsWith('cached plan must not change result type')
  )
}
