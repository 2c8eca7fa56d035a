import { existsSync, readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { HavenError } from '../domain/errors.ts'
import type { LedgerEntry } from '../storage/disposal-runs.ts'
import type { MasterKey } from './field-crypto.ts'

/**
 * The disposal ledger file (RETAIN; docs/decisions/0016-backups-and-the-disposal-ledger.md):
 * one JSON line per thing destroyed (ids, categories, when; never content), each with an
 * HMAC under a key derived from the master key, so a line cannot be forged or changed
 * unnoticed. It lives outside the database, beside the keys, and is appended (and synced to
 * disk) inside the disposal's transaction, before it commits: a crash can leave a line for a
 * disposal that did not happen (it is destroyed again later, as it was due anyway), never the
 * other way round.
 */
const FORMAT = 1

function ledgerKey(master: MasterKey): Buffer {
  return Buffer.from(hkdfSync('sha256', master.bytes, Buffer.alloc(0), 'haven:disposal-ledger', 32))
}

const body = (e: LedgerEntry): string =>
  JSON.stringify([
    FORMAT,
    e.id,
    e.centreId,
    e.runId,
    e.itemKind,
    e.itemId,
    e.categories,
    e.disposedAt,
  ])

export async function appendLedgerFile(
  file: string | undefined,
  master: MasterKey,
  entries: readonly LedgerEntry[],
): Promise<void> {
  if (file === undefined || entries.length === 0) return
  const key = ledgerKey(master)
  const text = entries
    .map(
      (e) =>
        `${JSON.stringify({ v: FORMAT, ...e, mac: createHmac('sha256', key).update(body(e)).digest('base64') })}\n`,
    )
    .join('')
  // Asynchronous, so the server goes on answering while the disk syncs (decision 0028).
  const handle = await open(file, 'a', 0o600)
  try {
    // Private to Haven's user, also when the file was made or copied with a looser mode.
    if (((await handle.stat()).mode & 0o077) !== 0) await handle.chmod(0o600)
    await handle.write(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Reads the ledger file, checking every line. A missing file is an empty ledger; a line that
 * does not verify stops everything (HavenError naming the line); an unfinished last line (a
 * write cut short by a crash, whose disposal never committed) is ignored.
 */
export function readLedgerFile(file: string, master: MasterKey): LedgerEntry[] {
  if (!existsSync(file)) return []
  const key = ledgerKey(master)
  // The part after the last newline is empty, or a line whose write was cut short.
  const complete = readFileSync(file, 'utf8').split('\n').slice(0, -1)
  return complete
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, number }) => {
      let parsed: Record<string, unknown> | undefined
      try {
        parsed = JSON.parse(line) as Record<string, unknown>
      } catch {
        parsed = undefined
      }
      if (parsed?.v !== FORMAT || typeof parsed.mac !== 'string')
        throw new HavenError(
          'invalid_input',
          `disposal ledger line ${String(number)} is not a ledger entry`,
        )
      const entry: LedgerEntry = {
        id: String(parsed.id),
        centreId: String(parsed.centreId),
        runId: String(parsed.runId),
        itemKind: String(parsed.itemKind),
        itemId: String(parsed.itemId),
        categories: Array.isArray(parsed.categories) ? parsed.categories.map(String) : [],
        disposedAt: String(parsed.disposedAt),
      }
      const expected = createHmac('sha256', key).update(body(entry)).digest()
      const given = Buffer.from(parsed.mac, 'base64')
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new HavenError(
          'invalid_input',
          `disposal ledger line ${String(number)} does not verify: changed, or made under another master key`,
        )
      return entry
    })
}
