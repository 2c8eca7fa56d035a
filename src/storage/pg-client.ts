/**
 * How Haven talks on a pooled node-postgres connection (decisions 0049 and 0050). Kysely
 * above is unchanged: it calls `client.query(text, values)`, and `tuneClient` decides how each
 * statement goes on the wire.
 *
 * - _Named statements._ A statement with parameters goes under its process-wide name
 *   (src/storage/prepared-statements.ts): parsed once per connection, not planned on every
 *   request. A statement PostgreSQL refuses as stale (a table changed under it) makes the
 *   connection close when it is released.
 * - _A read-only transaction's BEGIN goes with its first statement._ Kysely awaits BEGIN
 *   before it sends anything else; for a read-only transaction (every audited read and every
 *   page's read) the client answers BEGIN at once and sends it, in one write, just before the
 *   transaction's first statement. So too the centre's scope (CENTRE_SCOPE_STATEMENT,
 *   src/storage/centre-scope.ts) when it comes first: BEGIN, scope and the first read go
 *   together. If BEGIN or the scope fails, the read's answer is that failure (and without
 *   the scope, row-level security shows the read nothing). A read-only transaction that asks
 *   nothing sends neither BEGIN nor COMMIT.
 * - _A read-only transaction's COMMIT is not waited for._ It changes nothing; the connection
 *   pipelines (decision 0049), so whatever the connection is asked next, by this request or the
 *   next one the pool hands it to, reaches PostgreSQL after the COMMIT and is answered after
 *   it. A COMMIT that fails (the connection lost) closes the connection.
 *
 * Write transactions are left as Kysely sends them: BEGIN and COMMIT waited for, so a write
 * is acknowledged only once PostgreSQL has committed it, and nothing is ever sent outside the
 * transaction it belongs to.
 */
import type pg from 'pg'
import { CENTRE_SCOPE_STATEMENT } from './centre-scope.ts'
import { isStalePlan, STATEMENT_NAMES } from './prepared-statements.ts'

type Query = (...args: unknown[]) => unknown

interface Tuned {
  /** Statements with parameters go under a name. */
  readonly names: boolean
  /** How long a statement may wait for its answer, in ms, read as it is sent; 0: no limit. */
  readonly answerMs: () => number
  /** A read-only BEGIN (and the centre's scope) answered but not yet sent. */
  pending: { text: string; values: unknown[] }[]
  /** The transaction under way is read only (its BEGIN said so). */
  isReadOnly: boolean
  /** The connection must not be reused: close it when it is released. */
  mustClose: boolean
}

const TUNED = new WeakMap<pg.PoolClient, Tuned>()

/** What BEGIN or COMMIT answers, for the statements the client answers itself. */
const answered = (command: string) => ({ command, rowCount: null, rows: [], fields: [] })

const BEGIN = /^(begin|start transaction)\b/i
const READ_ONLY = /\bread only\b/i

/**
 * Installs the above on `client`. Called each time the pool hands the client out: the pool
 * gives it a new `release` each time; `query` is replaced once.
 */
export function tuneClient(
  client: pg.PoolClient,
  options: { names: boolean; answerMs?: () => number },
): void {
  let state = TUNED.get(client)
  if (state === undefined) {
    const tuned: Tuned = {
      names: options.names,
      answerMs: options.answerMs ?? (() => 0),
      pending: [],
      isReadOnly: false,
      mustClose: false,
    }
    state = tuned
    TUNED.set(client, tuned)
    const query = client.query.bind(client) as Query
    const stream = (client as unknown as { connection: { stream: NodeJS.WritableStream } })
      .connection.stream as NodeJS.WritableStream & {
      cork(): void
      uncork(): void
      destroy(error: Error): void
    }

    /**
     * The watch on answers (decision 0052): a statement PostgreSQL has not answered in time
     * closes the connection, which fails it and everything queued behind it as `unavailable`
     * (ETIMEDOUT); the pool then drops the connection and opens another for the next request.
     */
    const watched = (answer: Promise<unknown>): Promise<unknown> => {
      const ms = tuned.answerMs()
      if (ms <= 0) return answer
      const timer = setTimeout(() => {
        tuned.mustClose = true
        stream.destroy(
          Object.assign(new Error(`PostgreSQL gave no answer in ${String(ms)} ms`), {
            code: 'ETIMEDOUT',
          }),
        )
      }, ms)
      return answer.finally(() => {
        clearTimeout(timer)
      })
    }

    /** One statement as it goes on the wire: under a name, or as text. */
    const send = (text: string, values: unknown[]): Promise<unknown> => {
      const name = tuned.names ? STATEMENT_NAMES.of(text, values.length) : undefined
      const answer = watched(
        (name === undefined
          ? query(text, values)
          : query({ name, text, values })) as Promise<unknown>,
      )
      return answer.catch((error: unknown) => {
        // A statement the connection no longer holds (its plan stale, or closed by the driver
        // after a value it could not send) would fail there every time: close it.
        if (isStalePlan(error) || (error as { code?: unknown }).code === '26000')
          tuned.mustClose = true
        throw error
      })
    }

    ;(client as unknown as { query: Query }).query = (...args: unknown[]) => {
      const [text, values] = args
      if (typeof text !== 'string' || !Array.isArray(values) || args.length !== 2)
        return query(...args)
      if (values.length === 0) {
        if (BEGIN.test(text)) {
          tuned.isReadOnly = READ_ONLY.test(text)
          if (tuned.isReadOnly) {
            tuned.pending = [{ text, values }]
            return Promise.resolve(answered('BEGIN'))
          }
        } else if (/^(commit|rollback)$/i.test(text)) {
          const wasReadOnly = tuned.isReadOnly
          const unsent = tuned.pending.length > 0
          tuned.isReadOnly = false
          tuned.pending = []
          // A read-only transaction that asked nothing: nothing was sent, nothing to end.
          if (unsent) return Promise.resolve(answered(text.toUpperCase()))
          if (wasReadOnly && /^commit$/i.test(text)) {
            watched(query(text, values) as Promise<unknown>).catch(() => {
              tuned.mustClose = true
            })
            return Promise.resolve(answered('COMMIT'))
          }
        }
      }
      const pending = tuned.pending
      if (pending.length === 0) return send(text, values)
      if (text === CENTRE_SCOPE_STATEMENT && pending.length === 1) {
        pending.push({ text, values })
        return Promise.resolve({
          ...answered('SELECT'),
          rowCount: 1,
          rows: [{ set_config: values[0] as unknown }],
        })
      }
      tuned.pending = []
      // What was held back and this statement in one write; the first failure is the answer.
      stream.cork()
      const answers: Promise<unknown>[] = []
      try {
        for (const held of pending) answers.push(send(held.text, held.values))
        answers.push(send(text, values))
      } finally {
        stream.uncork()
      }
      return Promise.allSettled(answers).then((settled) => {
        for (const one of settled) if (one.status === 'rejected') throw one.reason
        const last = settled.at(-1)
        return last?.status === 'fulfilled' ? last.value : undefined
      })
    }
  }
  const current = state
  current.pending = []
  current.isReadOnly = false
  const release = client.release.bind(client)
  // Kysely releases with `false` when it has no reason to discard the connection.
  client.release = (destroy?: Error | boolean) => {
    release(destroy || current.mustClose)
  }
}
