/**
 * PostgreSQL plans a statement every time it is sent as text: under load, Haven's ~15 short
 * statements a request spent more of the server's time being planned than run
 * (docs/PERFORMANCE.md, issue 15). A statement sent with a name is parsed once per connection
 * and, once PostgreSQL finds its generic plan no dearer than the custom ones, not planned again
 * (docs/decisions/0050-prepared-statements.md).
 *
 * `prepareStatements(client)` makes a pooled node-postgres client send every statement that
 * has parameters as a named one. Kysely, above it, is unchanged: it still calls
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
import type pg from 'pg'

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

const NAMES = new StatementNames()

/** PostgreSQL's refusal of a prepared statement whose tables changed shape. */
export function isStalePlan(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.startsWith('cached plan must not change result type')
  )
}

type Query = (...args: unknown[]) => unknown

interface Prepared {
  /** A statement of this client was refused as stale: close the connection on release. */
  stale: boolean
}

const PREPARED = new WeakMap<pg.PoolClient, Prepared>()

/**
 * Makes `client` name the statements it sends (see above), and close its connection on
 * release once a statement was refused as stale. Called each time the pool hands the client
 * out: the pool gives it a new `release` each time; `query` is replaced once.
 */
export function prepareStatements(client: pg.PoolClient): void {
  let state = PREPARED.get(client)
  if (state === undefined) {
    const prepared: Prepared = { stale: false }
    state = prepared
    PREPARED.set(client, prepared)
    const query = client.query.bind(client) as Query
    ;(client as unknown as { query: Query }).query = (...args: unknown[]) => {
      const [text, values] = args
      if (typeof text !== 'string' || !Array.isArray(values) || args.length !== 2)
        return query(...args)
      const name = NAMES.of(text, values.length)
      if (name === undefined) return query(text, values)
      const answer = query({ name, text, values }) as Promise<unknown>
      return answer.catch((error: unknown) => {
        if (isStalePlan(error)) prepared.stale = true
        throw error
      })
    }
  }
  const release = client.release.bind(client)
  const current = state
  // Kysely releases with `false` when it has no reason to discard the connection.
  client.release = (destroy?: Error | boolean) => {
    release(destroy || current.stale)
  }
}
