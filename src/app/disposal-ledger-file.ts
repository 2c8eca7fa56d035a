import { existsSync, readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { HavenError } from '../domain/errors.ts'
import type { LedgerEntry } from '../storage/disposal-runs.ts'
import type { MasterKey } from './field-crypto.ts'

/**
 * The disposal ledger file (RETAIN; docs/decisions/0016-backups-and-the-disposal-ledger.md,
 * 0036): one JSON line per thing destroyed (ids, categories, when; never content), each with
 * an HMAC under a key derived from the master key, so a line cannot be forged or changed
 * unnoticed. It lives outside the database, beside the keys.
 *
 * Two phases (issue 16). A disposal's lines are written, with the id of their batch, and
 * synced to disk before its transaction commits (the intent); once it has committed, a mark
 * line says so. Only lines whose batch is marked committed count: a disposal that rolled back
 * (a crash, a failure) leaves lines that never destroy anything at a restore. A crash between
 * the commit and its mark leaves the batch unmarked: the server settles such batches when it
 * starts, from the database's own ledger (committed if its lines are there, abandoned if not).
 * Lines of the first format (no batch) were written before this and count as they did.
 */
const FORMAT = 1
const FORMAT_TWO_PHASE = 2

export type LedgerMark = 'committed' | 'abandoned'

function ledgerKey(master: MasterKey): Buffer {
  return Buffer.from(hkdfSync('sha256', master.bytes, Buffer.alloc(0), 'haven:disposal-ledger', 32))
}

const body = (e: LedgerEntry, batch?: string): string =>
  JSON.stringify([
    ...(batch === undefined ? [FORMAT] : [FORMAT_TWO_PHASE, batch]),
    e.id,
    e.centreId,
    e.runId,
    e.itemKind,
    e.itemId,
    e.categories,
    e.disposedAt,
  ])
const markBody = (batch: string, mark: LedgerMark): string =>
  JSON.stringify([FORMAT_TWO_PHASE, 'mark', batch, mark])

async function appendLines(file: string, text: string): Promise<void> {
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
 * The intent: a disposal's lines, in one batch, before its transaction commits. Without a
 * batch (only tools and tests that write finished lines), the lines count at once.
 */
export async function appendLedgerFile(
  file: string | undefined,
  master: MasterKey,
  entries: readonly LedgerEntry[],
  batch?: string,
): Promise<void> {
  if (file === undefined || entries.length === 0) return
  const key = ledgerKey(master)
  const text = entries
    .map(
      (e) =>
        `${JSON.stringify({ v: batch === undefined ? FORMAT : FORMAT_TWO_PHASE, ...(batch === undefined ? {} : { batch }), ...e, mac: createHmac('sha256', key).update(body(e, batch)).digest('base64') })}\n`,
    )
    .join('')
  await appendLines(file, text)
}

/** The second phase: the batch's transaction committed, or it did not. */
export async function markLedgerBatch(
  file: string | undefined,
  master: MasterKey,
  batch: string,
  mark: LedgerMark,
): Promise<void> {
  if (file === undefined) return
  const mac = createHmac('sha256', ledgerKey(master)).update(markBody(batch, mark)).digest('base64')
  await appendLines(file, `${JSON.stringify({ v: FORMAT_TWO_PHASE, batch, mark, mac })}\n`)
}

/** What the file says: the lines that count, and those that do not yet or never will. */
export interface LedgerReading {
  /** Lines of committed batches (and of the first format), in the order written. */
  entries: LedgerEntry[]
  /** Lines of batches with no mark yet, by batch: a crash between commit and mark, or now. */
  unmarked: Map<string, LedgerEntry[]>
  /** How many lines belong to batches marked abandoned (rolled back: never applied). */
  abandoned: number
}

/**
 * Reads the ledger file, checking every line. A missing file is an empty ledger; a line that
 * does not verify stops everything (HavenError naming the line); an unfinished last line (a
 * write cut short by a crash, whose disposal never committed) is ignored.
 */
export function readLedgerFile(file: string, master: MasterKey): LedgerReading {
  const reading: LedgerReading = { entries: [], unmarked: new Map(), abandoned: 0 }
  if (!existsSync(file)) return reading
  const key = ledgerKey(master)
  const verifies = (text: string, mac: string) => {
    const expected = createHmac('sha256', key).update(text).digest()
    const given = Buffer.from(mac, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
  // The part after the last newline is empty, or a line whose write was cut short.
  const complete = readFileSync(file, 'utf8').split('\n').slice(0, -1)
  const batches = new Map<string, LedgerEntry[]>()
  const marks = new Map<string, LedgerMark>()
  for (const [index, line] of complete.entries()) {
    if (line.trim() === '') continue
    const number = index + 1
    let parsed: Record<string, unknown> | undefined
    try {
      parsed = JSON.parse(line) as Record<string, unknown>
    } catch {
      parsed = undefined
    }
    const isTwoPhase = parsed?.v === FORMAT_TWO_PHASE && typeof parsed.batch === 'string'
    if ((parsed?.v !== FORMAT && !isTwoPhase) || typeof parsed?.mac !== 'string')
      throw new HavenError(
        'invalid_input',
        `disposal ledger line ${String(number)} is not a ledger entry`,
      )
    const refused = () =>
      new HavenError(
        'invalid_input',
        `disposal ledger line ${String(number)} does not verify: changed, or made under another master key`,
      )
    const batch = isTwoPhase ? String(parsed.batch) : undefined
    if (batch !== undefined && (parsed.mark === 'committed' || parsed.mark === 'abandoned')) {
      if (!verifies(markBody(batch, parsed.mark), parsed.mac)) throw refused()
      marks.set(batch, parsed.mark)
      continue
    }
    const entry: LedgerEntry = {
      id: String(parsed.id),
      centreId: String(parsed.centreId),
      runId: String(parsed.runId),
      itemKind: String(parsed.itemKind),
      itemId: String(parsed.itemId),
      categories: Array.isArray(parsed.categories) ? parsed.categories.map(String) : [],
      disposedAt: String(parsed.disposedAt),
    }
    if (!verifies(body(entry, batch), parsed.mac)) throw refused()
    if (batch === undefined) reading.entries.push(entry)
    else batches.set(batch, [...(batches.get(batch) ?? []), entry])
  }
  // Batches in the order their lines were written; each counts once its mark is read.
  for (const [batch, entries] of batches) {
    const mark = marks.get(batch)
    if (mark === 'committed') reading.entries.push(...entries)
    else if (mark === 'abandoned') reading.abandoned += entries.length
    else reading.unmarked.set(batch, entries)
  }
  return reading
}
