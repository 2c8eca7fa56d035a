import assert from 'node:assert/strict'
import { hash } from 'node:crypto'
import { describe, it } from 'node:test'
import { DatabaseSync } from 'node:sqlite'
import { withMigratedDatabase } from '../../test/support/databases.ts'
import { canonicalEntry, GENESIS_HASH } from '../domain/audit-chain.ts'
import {
  AuditRangeCheck,
  type CanonicalAuditValues,
  type StoredAuditValues,
} from '../domain/audit-range.ts'
import { seededRandom } from '../domain/random.ts'
import { streamAuditRange } from './audit-stream.ts'

/**
 * `haven audit verify` on SQLite hashes the canonical JSON that SQLite's json_array builds
 * (src/storage/audit-stream.ts). These prove it the same characters as JSON.stringify of the
 * values node:sqlite reads, for every value a column can hold, and the verdict on every row
 * the one reading its values gives.
 */

/** json_array of the values, bound as they are, read back; and JSON.stringify of what is read. */
function bothWays(db: DatabaseSync, values: readonly (string | number | null | Uint8Array)[]) {
  const marks = values.map((v) => (v instanceof Uint8Array ? 'cast(? as text)' : '?')).join(', ')
  const statement = db.prepare(`select json_array(${marks}), ${marks}`)
  statement.setReturnArrays(true)
  // A whole number as SQLite's INTEGER, as a column of places holds it (node binds a number
  // as REAL).
  const bound = values.map((v) => (typeof v === 'number' ? BigInt(v) : v))
  const row = statement.get(...bound, ...bound) as unknown as unknown[]
  return { sqlite: row[0], js: JSON.stringify(row.slice(1)) }
}

/** Bytes that are UTF-8 and bytes that are not: cut sequences, overlong, surrogates, NUL. */
const AWKWARD_BYTES = [
  0x00, 0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x20, 0x22, 0x27, 0x2f, 0x5c, 0x7f, 0x80, 0xbf,
  0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xf8, 0xfe, 0xff,
]

describe('the canonical JSON SQLite builds for verify', () => {
  const db = new DatabaseSync(':memory:')

  it('is what JSON.stringify writes for every character, alone and beside others', () => {
    const step = 0x400
    for (let from = 0; from <= 0x10ffff; from += step) {
      let text = ''
      for (let cp = from; cp < from + step && cp <= 0x10ffff; cp += 1)
        text += String.fromCodePoint(cp)
      const { sqlite, js } = bothWays(db, [text])
      assert.equal(sqlite, js, `characters from U+${from.toString(16)}`)
    }
    for (let cp = 0; cp < 0x100; cp += 1) {
      const one = String.fromCharCode(cp)
      const { sqlite, js } = bothWays(db, [one, `a${one}`, `${one}b`, ''])
      assert.equal(sqlite, js, `U+${cp.toString(16)}`)
    }
  })

  it('is what JSON.stringify writes for arbitrary bytes stored as text, and for whole rows', () => {
    const random = seededRandom(2026)
    const pieces = ['"', '\\', '\\u0000', '\u2028', '\u2029', '\ud83d\ude00', '\ud800', '\udfff']
    for (let round = 0; round < 3000; round += 1) {
      const values = Array.from({ length: random.integer(1, 8) }, () => {
        const kind = random.integer(0, 4)
        if (kind === 0) return null
        if (kind === 1) return random.integer(-1e15, 1e15) * random.pick([1, 9007])
        if (kind === 2)
          return Array.from({ length: random.integer(0, 12) }, () =>
            random.chance(0.5)
              ? random.pick(pieces)
              : String.fromCodePoint(random.integer(0, 0x10ffff)),
          ).join('')
        return Uint8Array.from({ length: random.integer(0, 10) }, () =>
          random.chance(0.7) ? random.pick(AWKWARD_BYTES) : random.integer(0, 255),
        )
      })
      const { sqlite, js } = bothWays(
        db,
        values.map((v) => (typeof v === 'number' && !Number.isSafeInteger(v) ? 0 : v)),
      )
      assert.equal(sqlite, js, `round ${String(round)}`)
    }
  })

  it('gives every row, whatever its columns hold, the verdict reading its values gives', () =>
    withMigratedDatabase('sqlite', async (database) => {
      const file = database.location
      const db = new DatabaseSync(file)
      // The values an attacker with the file could put in each column: text of any bytes, a
      // BLOB, and for the place a real, text, a BLOB or nothing.
      const texts: (string | Uint8Array)[] = [
        'records.listed',
        '',
        'line\nbreak "quoted" \\ \u0000 \u007f \u2028 \ud83d\ude00',
        Uint8Array.from([0x61, 0xff, 0xed, 0xa0, 0x80, 0xc0, 0x80, 0xf4, 0x90, 0x80, 0x80]),
      ]
      const places: (number | string | null | Uint8Array)[] = [
        1,
        1.5,
        1e300,
        'one',
        Uint8Array.from([1]),
        null,
      ]
      const insert = db.prepare(
        `insert into audit_log (chain, chain_seq, centre_id, at, type, actor_id, subject_id, details, prev_hash, hash)
         values (?, ?, ?, ?, cast(? as text), ?, ?, ?, ?, ?) returning seq`,
      )
      const blob = Uint8Array.from([0x7b, 0x7d])
      const read = db.prepare(
        `select seq, chain, chain_seq, centre_id, at, type, actor_id, subject_id, details, prev_hash, hash, json_array(coalesce(chain_seq, seq), centre_id, at, type, actor_id, subject_id, details, prev_hash) from audit_log where seq = ?`,
      )
      read.setReturnArrays(true)
      const rewrite = db.prepare('update audit_log set hash = ? where seq = ?')
      db.exec('drop trigger audit_log_no_update')
      let n = 0
      const seqs: number[] = []
      for (const place of places)
        for (const text of texts)
          for (const details of ['{}', text, blob])
            for (const hashedAs of ['values', 'sqlite', 'nothing']) {
              n += 1
              const chain = `centre-${String(n)}`
              const { seq } = insert.get(
                chain,
                place,
                n % 7 === 0 ? `other-${String(n)}` : chain,
                '2026-03-14T10:00:00.000Z',
                text,
                n % 2 === 0 ? null : text,
                n % 3 === 0 ? null : 'subject',
                details,
                GENESIS_HASH,
                'f'.repeat(64),
              ) as { seq: number }
              seqs.push(seq)
              if (hashedAs === 'nothing') continue
              let row: unknown[]
              try {
                row = read.get(seq) as unknown as unknown[]
              } catch {
                continue // json_array refuses a BLOB: the reader reads that page as values
              }
              const canonical =
                hashedAs === 'values'
                  ? canonicalEntry(
                      ...([row[2] ?? row[0], ...row.slice(3, 10)] as Parameters<
                        typeof canonicalEntry
                      >),
                    )
                  : (row[11] as string)
              rewrite.run(hash('sha256', canonical, 'hex'), seq)
            }
      db.close()

      // Each row is the only entry of its chain, so each gets a verdict of its own.
      const heads = new Map(
        Array.from({ length: n }, (_, i) => [`centre-${String(i + 1)}`, Number.MAX_VALUE]),
      )
      const byValues = new AuditRangeCheck(heads, new Set())
      const reader = new DatabaseSync(file, { readOnly: true })
      const all = reader.prepare(
        'select seq, chain, chain_seq, centre_id, at, type, actor_id, subject_id, details, prev_hash, hash from audit_log order by seq',
      )
      all.setReturnArrays(true)
      for (const row of all.iterate()) byValues.addValues(row as unknown as StoredAuditValues)
      reader.close()
      // A range per row, so that a row json_array refuses is read as values on its own.
      const streamed = new AuditRangeCheck(heads, new Set())
      const ways = { canonical: 0, values: 0, whole: 0 }
      const sink = {
        addValues(row: StoredAuditValues) {
          ways.values += 1
          streamed.addValues(row)
        },
        addCanonical(row: CanonicalAuditValues, whole: (logSeq: number) => StoredAuditValues) {
          ways.canonical += 1
          streamed.addCanonical(row, (logSeq) => {
            ways.whole += 1
            return whole(logSeq)
          })
        },
      }
      for (const seq of seqs) await streamAuditRange({ dialect: 'sqlite', file }, seq, seq, sink)
      // Every way a row can be read was taken.
      assert.ok(ways.values > 0 && ways.whole > 0 && ways.whole < ways.canonical)

      const expected = byValues.result()
      assert.deepEqual(streamed.result(), expected)
      // Some rows hold, some were changed, some are in another centre's chain.
      const verdicts = new Set(expected.problems.map((p) => p.problem))
      assert.ok(expected.problems.length > 0 && expected.problems.length < n)
      assert.deepEqual([...verdicts].sort(), [
        "is in another centre's chain",
        'was changed after it was written',
      ])
    }))
})
